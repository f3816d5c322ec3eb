"""The partner's inbox: what awaits it and what it sent (the sections are `membership.inbox`'s)."""

from django.http import Http404
from django.views.generic import TemplateView

from ligeris.lib.permissions import RoleRequiredMixin
from ligeris.lib.roles import PARTNERS
from membership.inbox import inbox_of
from partners.consortia import request_consortium
from partners.selectors import acting_partner_id, partners_visible_to


class InboxView(RoleRequiredMixin, TemplateView):
    allowed_roles = PARTNERS
    template_name = "membership/inbox.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        partner = (
            partners_visible_to(user, request_consortium(self.request))
            .filter(pk=acting_partner_id(user))
            .first()
        )
        if partner is None:
            raise Http404
        return {**super().get_context_data(**kwargs), "partner": partner, **inbox_of(partner)}
