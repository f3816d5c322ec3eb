"""The exclusion block of a partner's page: partners' template loads it, its code knows nothing."""

from django import template

from ligeris.lib.roles import MANAGERS, STAFF, role_of
from membership.models import ExclusionState
from membership.selectors.exclusion import case_of_partner
from membership.services.exclusion import EXCLUDABLE

register = template.Library()


@register.inclusion_tag("membership/exclusion_partner_panel.html", takes_context=True)
def exclusion_panel(context, partner):
    """Staff see any case; a partner user sees its own once the exclusion is decided."""
    role = role_of(context["request"].user)
    case = case_of_partner(partner)
    if case is not None and role not in STAFF and case.state != ExclusionState.DECIDED:
        case = None
    pending = case is not None and case.state != ExclusionState.DECIDED and not case.is_rejected
    can_start = (
        role in MANAGERS
        and partner.status in EXCLUDABLE
        and not partner.is_coordinator
        and not pending
    )
    return {"case": case, "partner": partner, "can_start": can_start}
