"""Governance decisions that change the consortium's membership, applied when the minutes close.

Each handler runs inside the minutes-closing transaction: a ValidationError it raises refuses the
closing and nothing is kept.
"""

from django.dispatch import receiver

from governance.models import Decision, DecisionKind
from governance.signals import decision_adopted
from membership.models import Candidacy
from membership.services.admission import candidacy_admit
from membership.services.status import status_set
from partners.models import PartnerStatus


def _admission(decision: Decision) -> None:
    """The candidate becomes a member; with a candidacy file, its tenants and set-up follow."""
    candidacy = Candidacy.objects.filter(decision=decision).first()
    if candidacy is None:
        status_set(partner=decision.concerned_partner, status=PartnerStatus.MEMBER)
    else:
        candidacy_admit(candidacy=candidacy)


def _exclusion(decision: Decision) -> None:
    status_set(partner=decision.concerned_partner, status=PartnerStatus.EXCLUDED)


HANDLERS = {DecisionKind.ADMISSION: _admission, DecisionKind.EXCLUSION: _exclusion}


@receiver(decision_adopted, dispatch_uid="membership.decision_adopted")
def decision_adopted_apply(sender, decision: Decision, **kwargs) -> None:
    handler = HANDLERS.get(decision.kind)
    if handler is not None:
        handler(decision)
