"""A partner's timeline, for staff and for the partner's own users, and the membership dashboard."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from governance.selectors import meetings_visible_to
from ligeris.lib.permissions import RoleRequiredMixin
from ligeris.lib.roles import PARTNERS, SIGNED_IN, STAFF, role_of
from membership import dashboard
from membership.forms.timeline import TimelineFilterForm
from membership.timeline import CATEGORIES, timeline
from partners.consortia import request_consortium, request_consortium_or_404
from partners.selectors import acting_partner_id, partners_visible_to


class _Links:
    """Which event links the reader may open: its role may use the page, and for a partner user
    a meeting it can see (a seat that ended hides the body's later meetings)."""

    def __init__(self, user):
        self.role = role_of(user)
        self.meetings = None
        if self.role not in STAFF:
            self.meetings = set(meetings_visible_to(user).values_list("pk", flat=True))

    def allows(self, url: str) -> bool:
        try:
            match = resolve(url)
        except Resolver404:
            return False
        allowed = getattr(getattr(match.func, "view_class", None), "allowed_roles", None)
        if allowed is None or self.role not in allowed:
            return False
        if self.meetings is not None and match.view_name == "governance:meeting_detail":
            return match.kwargs.get("pk") in self.meetings
        return True


def _caption(form: TimelineFilterForm) -> str:
    """The filter in words, printed above the events."""
    data = form.cleaned_data if form.is_valid() else {}
    chosen = data.get("categories") or []
    parts = [
        _("catégories : %(list)s") % {"list": ", ".join(str(CATEGORIES[c]) for c in chosen)}
        if chosen
        else _("toutes catégories")
    ]
    since, until = data.get("since"), data.get("until")
    if since and until:
        parts.append(
            _("du %(since)s au %(until)s")
            % {"since": date_format(since, "d/m/Y"), "until": date_format(until, "d/m/Y")}
        )
    elif since:
        parts.append(_("à partir du %(since)s") % {"since": date_format(since, "d/m/Y")})
    elif until:
        parts.append(_("jusqu'au %(until)s") % {"until": date_format(until, "d/m/Y")})
    else:
        parts.append(_("toute la période"))
    return _("Filtre : %(parts)s.") % {"parts": " ; ".join(parts)}


class PartnerTimelineView(RoleRequiredMixin, TemplateView):
    """Staff open any partner's; a partner user only its own (another partner's is a 404)."""

    allowed_roles = SIGNED_IN
    template_name = "membership/timeline_partner.html"

    def get_partner(self):
        return get_object_or_404(
            partners_visible_to(self.request.user, request_consortium(self.request)),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        partner = self.get_partner()
        form = TimelineFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        links = _Links(self.request.user)
        today = timezone.localdate()
        rows = []
        for event in timeline(
            partner,
            categories=filters.get("categories"),
            since=filters.get("since"),
            until=filters.get("until"),
        ):
            rows.append(
                {
                    "event": event,
                    "url": event.url if event.url and links.allows(event.url) else "",
                    "category": CATEGORIES.get(event.category, event.category),
                    "to_come": event.is_deadline and event.day >= today,
                }
            )
        return {
            **super().get_context_data(**kwargs),
            "partner": partner,
            "form": form,
            "rows": rows,
            "caption": _caption(form),
            "to_come": sum(1 for row in rows if row["to_come"]),
        }


class MyTimelineView(PartnerTimelineView):
    """A partner user's own timeline, at an address that names no partner."""

    allowed_roles = PARTNERS

    def get_partner(self):
        partner_id = acting_partner_id(self.request.user)
        partner = (
            partners_visible_to(self.request.user, request_consortium(self.request))
            .filter(pk=partner_id)
            .first()
        )
        if partner is None:
            raise Http404
        return partner


class DashboardView(RoleRequiredMixin, TemplateView):
    allowed_roles = STAFF
    template_name = "membership/timeline_dashboard.html"

    def get_context_data(self, **kwargs):
        consortium = request_consortium_or_404(self.request)
        return {
            **super().get_context_data(**kwargs),
            "consortium": consortium,
            "sections": dashboard.sections(consortium),
            "statuses": dashboard.status_counts(consortium),
        }
