"""Reads on withdrawal notices: who may see which, the timeline's events, the dashboard's rows."""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ligeris.lib.roles import STAFF, role_of
from membership.models import WithdrawalNotice
from membership.timeline_types import TimelineEvent
from partners.models import Consortium, Partner
from partners.selectors import acting_partner_id, in_consortium


def notices_visible_to(user, consortium: Consortium | None) -> QuerySet[WithdrawalNotice]:
    """Staff see the consortium's notices; a partner user its own partner's only."""
    notices = WithdrawalNotice.objects.select_related("partner", "recorded_by")
    if role_of(user) in STAFF:
        return in_consortium(notices, user, consortium, "partner__consortium")
    return notices.filter(partner_id=acting_partner_id(user))


def milestones(notice: WithdrawalNotice) -> list[tuple[str, object]]:
    """The data-return steps in order, each with its date or None."""
    return [
        (_("Restitution des données demandée"), notice.data_requested_on),
        (_("Données remises"), notice.data_delivered_on),
        (_("Réception confirmée par le partenaire"), notice.data_confirmed_on),
    ]


def timeline_events(partner: Partner) -> list[TimelineEvent]:
    notice = WithdrawalNotice.objects.filter(partner=partner).first()
    if notice is None:
        return []
    url = notice.get_absolute_url()
    received = _("Préavis de retrait reçu")
    if notice.reference:
        received += _(" (recommandé %(reference)s)") % {"reference": notice.reference}
    events = [
        TimelineEvent(
            day=notice.received_on,
            category="membership",
            title=received,
            detail=_("Date d'effet : %(day)s") % {"day": notice.effective_on.strftime("%d/%m/%Y")},
            url=url,
            order=10,
        ),
        TimelineEvent(
            day=notice.effective_on,
            category="membership",
            title=_("Retrait effectif") if notice.applied_at else _("Date d'effet du retrait"),
            url=url,
            is_deadline=notice.applied_at is None,
            order=20,
        ),
    ]
    for order, (title, day) in enumerate(milestones(notice), start=30):
        if day is not None:
            events.append(
                TimelineEvent(day=day, category="letters", title=title, url=url, order=order)
            )
    return events


def dashboard_rows(consortium: Consortium) -> list[dict]:
    """Notices still open: the withdrawal to apply, or the data return to complete."""
    rows = []
    notices = WithdrawalNotice.objects.filter(partner__consortium=consortium).select_related(
        "partner"
    )
    today = timezone.localdate()
    for notice in notices.filter(data_confirmed_on__isnull=True).order_by("effective_on"):
        if notice.applied_at is None:
            title = _("Retrait de %(partner)s : prend effet le %(day)s")
            day = notice.effective_on
        else:
            title = _("Retrait de %(partner)s : restitution des données à achever")
            day = max(notice.effective_on, today)
        rows.append(
            {
                "day": day,
                "title": title
                % {
                    "partner": notice.partner.short_name,
                    "day": notice.effective_on.strftime("%d/%m/%Y"),
                },
                "url": notice.get_absolute_url(),
                "partner": notice.partner,
            }
        )
    return rows
