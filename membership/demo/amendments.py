"""The demo's amendment awaiting approvals: a COPIL of June 2026 revises article 7's billing
calendar; twelve partners have approved it by deliberation, the others not yet.

Through the services, as staff would record it. Idempotent: nothing once the meeting exists.
"""

import datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from governance.demo import COPIL_NAME, _attend, _vote
from governance.models import Body, DecisionKind, ItemKind, Meeting
from governance.services import meetings
from ligeris.lib import demo_clock
from membership.services.amendments import amendment_draw_up, approval_record
from partners.models import Consortium, Person

PARIS = ZoneInfo("Europe/Paris")
MEETING_AT = datetime.datetime(2026, 6, 25, 14, 0, tzinfo=PARIS)
APPROVED = 12
#: Which council approves, by partner kind.
COUNCILS = {
    "region": "Commission permanente du conseil régional",
    "departement": "Commission permanente du conseil départemental",
    "commune": "Conseil municipal",
    "metropole": "Conseil métropolitain",
    "communaute_agglomeration": "Conseil communautaire",
    "cias": "Conseil d'administration",
    "ccas": "Conseil d'administration",
}


@transaction.atomic
def load(consortium: Consortium) -> None:
    copil = Body.objects.filter(consortium=consortium, name=COPIL_NAME).first()
    if copil is None or Meeting.objects.filter(body=copil, starts_at=MEETING_AT).exists():
        return
    people = {p.last_name: p for p in Person.objects.filter(partner__consortium=consortium)}
    meeting = meetings.meeting_schedule(
        body=copil,
        starts_at=MEETING_AT,
        place_preposition="à l'",
        place="Hôtel du Département, Tours",
        chair=people.get("Lemoine"),
        secretary=people.get("Dumontet"),
        convened_at=MEETING_AT - datetime.timedelta(days=21),
    )
    item = meetings.item_add(
        meeting=meeting,
        title="Calendrier de facturation : titre annuel émis au premier trimestre",
        kind=ItemKind.DECISION,
        motion=(
            "Le comité approuve l'avenant à l'article 7 de la convention : le titre annuel de "
            "chaque tenant est émis entre le 1er janvier et le 31 mars."
        ),
        decision_kind=DecisionKind.OTHER,
        number="2026-03",
    )
    seats = list(copil.seats.filter(is_active=True).select_related("partner", "person"))
    # Recorded the evening of the meeting, closed a week later, each approval on its day.
    with demo_clock.at(MEETING_AT + datetime.timedelta(hours=4)):
        _attend(meeting, seats)
        _vote(item, {})
    with demo_clock.at(MEETING_AT + datetime.timedelta(days=7)):
        meetings.minutes_close(meeting=meeting)
        file = amendment_draw_up(decision=item.decision)
    for index, party in enumerate(file.parties.select_related("partner")[:APPROVED]):
        approved_on = datetime.date(2026, 7, 6) + datetime.timedelta(days=5 * index)
        with demo_clock.at(f"{approved_on.isoformat()} 17:00"):
            approval_record(
                party=party,
                approving_body=COUNCILS.get(party.partner.kind, "Assemblée délibérante"),
                approved_on=approved_on,
                deliberation_number=f"2026-{140 + index}",
            )
