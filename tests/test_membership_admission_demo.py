"""The demo's candidacy in progress: complete, on the next COPIL's agenda, simulated."""

import io

from django.core.management import call_command

from membership.models import Candidacy, CandidacyState
from membership.selectors.admission import dashboard_rows, timeline_events
from membership.services.admission import put_to_copil_refusals
from membership.simulation import candidacy_impact
from titres.models import FiscalYear


def test_the_demo_has_a_candidacy_at_the_copil(db):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())  # idempotent
    candidacy = Candidacy.objects.select_related("partner").get()
    assert put_to_copil_refusals(candidacy) == []  # complete: article 8 met, a tenant asked
    # On the agenda of the next COPIL (the demo schedules one in January 2027); once that date
    # has passed, the file waits, ready to go.
    if candidacy.state == CandidacyState.AT_COPIL:
        assert candidacy.decision.item.meeting.body.kind == "steering"
        assert candidacy.decision.item.meeting.minutes_closed_at is None
    else:
        assert candidacy.state == CandidacyState.DRAFT
    impact = candidacy_impact(candidacy=candidacy, fiscal_year=FiscalYear.objects.get(year=2026))
    assert impact.full_year  # opening wished in March 2027: a whole year shown
    assert impact.total_with == impact.total_without == impact.pools_total
    consortium = candidacy.partner.consortium
    rows = dashboard_rows(consortium)
    assert [row["partner"] for row in rows] == [candidacy.partner]
    titles = [event.title for event in timeline_events(candidacy.partner)]
    assert titles[0] == "Lettre d'intention de candidature"
    assert len(titles) == 3
