"""Governance decisions that change the consortium's membership, applied when the minutes close,
and the partners' questions membership answers (may this tenant close?).

Each handler runs inside the transaction of the write that sent the signal: a ValidationError it
raises refuses that write and nothing is kept.
"""

from django.dispatch import receiver
from django.utils import timezone

from governance.models import Decision, DecisionKind
from governance.services.bodies import seats_transfer
from governance.signals import decision_adopted
from membership.models import Candidacy
from membership.services.admission import candidacy_admit
from membership.services.amendments import AMENDMENT_KINDS, amendment_draw_up
from membership.services.exclusion import exclusion_apply, tenant_closing_check
from membership.services.status import status_set
from membership.services.termination import termination_record
from partners.models import PartnerStatus
from partners.signals import person_replaced, tenant_closing


def _admission(decision: Decision) -> None:
    """The candidate becomes a member; with a candidacy file, its tenants and set-up follow."""
    candidacy = Candidacy.objects.filter(decision=decision).first()
    if candidacy is None:
        day = timezone.localdate(decision.item.meeting.starts_at)
        status_set(partner=decision.concerned_partner, status=PartnerStatus.MEMBER, since=day)
    else:
        candidacy_admit(candidacy=candidacy)


def _exclusion(decision: Decision) -> None:
    exclusion_apply(decision)


def _termination(decision: Decision) -> None:
    termination_record(decision=decision)


HANDLERS = {
    DecisionKind.ADMISSION: _admission,
    DecisionKind.EXCLUSION: _exclusion,
    DecisionKind.TERMINATION: _termination,
}


@receiver(decision_adopted, dispatch_uid="membership.decision_adopted")
def decision_adopted_apply(sender, decision: Decision, **kwargs) -> None:
    handler = HANDLERS.get(decision.kind)
    if handler is not None:
        handler(decision)
    # After the handler: the admitted candidate is a member, the excluded partner no longer is.
    if decision.kind in AMENDMENT_KINDS:
        amendment_draw_up(decision=decision)


@receiver(tenant_closing, dispatch_uid="membership.tenant_closing")
def tenant_closing_refuse(sender, tenant, closed_on, **kwargs) -> None:
    tenant_closing_check(tenant=tenant, closed_on=closed_on)


@receiver(person_replaced, dispatch_uid="membership.person_replaced")
def person_replaced_seats(sender, old, new, on, **kwargs) -> None:
    """A validated change of representative: the seats follow, from its date (article 5)."""
    seats_transfer(old=old, new=new)
