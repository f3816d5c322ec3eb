"""The demo's candidacy in progress: the town of Chinon asks to join (article 8).

Its file is complete (archives and IT services, one tenant of its own, 800 GB expected, opening
wished on 15 March 2027) and on the agenda of the next COPIL, scheduled here if none is.
Idempotent: nothing happens if the candidate already exists.
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from governance.models import Body, BodyKind, Meeting
from governance.services.meetings import meeting_schedule
from membership.services import admission
from partners.models import Consortium, Partner, PartnerKind, PartnerStatus
from partners.services import partner_save

NAME = "Ville de Chinon"
PARIS = ZoneInfo("Europe/Paris")
NEXT_COPIL = datetime.datetime(2027, 1, 21, 14, 0, tzinfo=PARIS)


def _next_copil(consortium: Consortium) -> Meeting | None:
    body = Body.objects.filter(consortium=consortium, kind=BodyKind.STEERING).order_by("pk").first()
    if body is None:
        return None
    upcoming = body.meetings.filter(minutes_closed_at__isnull=True, starts_at__gt=timezone.now())
    meeting = upcoming.order_by("starts_at").first()
    if meeting is None and timezone.now() < NEXT_COPIL:
        meeting = meeting_schedule(
            body=body,
            starts_at=NEXT_COPIL,
            place_preposition="à l'",
            place="Hôtel du Département d'Indre-et-Loire, Tours",
        )
    return meeting


def load(consortium: Consortium) -> None:
    if Partner.objects.filter(consortium=consortium, name=NAME).exists():
        return
    candidate = partner_save(
        partner=Partner(consortium=consortium),
        name=NAME,
        short_name="Chinon",
        kind=PartnerKind.COMMUNE,
        siret="21370072700018",
        address="Hôtel de ville, place du Général de Gaulle",
        postal_code="37500",
        city="Chinon",
        representative_name="M. le Maire",
        representative_title="Maire",
        status=PartnerStatus.CANDIDATE,
    )
    candidacy = admission.candidacy_create(
        partner=candidate,
        has_archives_service=True,
        archives_head="Mme Claire Rabelais, archiviste municipale",
        has_it_service=True,
        it_head="M. Julien Vienne, DSI mutualisée Chinon Vienne et Loire",
        maturity_notes=(
            "Service d'archives municipal en place (1 agent, 2 vacataires) ; DSI mutualisée avec "
            "la communauté de communes ; premiers versements numériques de l'état civil prêts."
        ),
        wished_opening_on=datetime.date(2027, 3, 15),
        letter_of_intent_on=datetime.date(2026, 10, 12),
    )
    admission.requested_tenant_add(
        candidacy=candidacy,
        code="chinon",
        name="Ville de Chinon",
        payer=candidate,
        volume_gb=Decimal("800"),
    )
    meeting = _next_copil(consortium)
    if meeting is not None:
        admission.candidacy_put_to_copil(candidacy=candidacy, meeting=meeting)
