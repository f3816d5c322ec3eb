"""A year of the consortium's life, through the services only, every amount to the cent.

The consortium: the coordinator CD37 (no tenant) and five members with one tenant each, all open
since 2024: t100, t101, t102, t103 (seated in the COPIL) and t199 (not seated). In 2026:
- Chinon is simulated, then admitted by a COPIL vote on 2 March; its tenant opens on 15 March
  (billed from April: 9/12) with the grid's set-up line for a new tenant (1 200 €);
- the annual titres are issued on 15 April from the budget run computed then;
- t101 gives notice received on 10 May: it leaves on 10 August (8/12), pays the grid's withdrawal
  fee (500 €), and its votes stop;
- t102 is excluded on 15 June by the COPIL for its unpaid annual titre; the letter is received on
  22 June, so its tenant may close from 23 December (receipt + 6 months), not before;
- the actual run at the year's end, and its true-up: nobody is refunded more than it was billed
  for the months it was not served.

Pools of 2026: operation 12 000 € per tenant-month, facilitation 3 000 € equal per member (by
months of membership). Largest remainder in cents, ties by tenant code (members: short name).
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing import recap
from billing.models import AllocationKey, CostPool, Expense, RunKind, TariffLine, TariffLineKind
from billing.services import costs, grids, runs, titres
from governance.models import AttendanceStatus, BodyKind, ItemKind
from governance.selectors import active_seats, voters
from governance.services.meetings import (
    AttendanceEntry,
    attendance_record,
    item_add,
    meeting_schedule,
    meeting_update,
    minutes_close,
)
from membership import simulation
from membership.models import ExclusionGround
from membership.services import admission, exclusion, withdrawal
from partners.models import PartnerStatus, Tenant
from partners.services import tenant_save
from tests.factories import PartnerFactory
from tests.governance_fixtures import PARIS, build_committee, vote_all
from tests.titre_fixtures import SETTINGS

pytestmark = pytest.mark.django_db

D = Decimal


def _at(day: str, hour: int = 14) -> datetime.datetime:
    return datetime.datetime.combine(
        datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=PARIS
    )


def _copil_meeting(committee, day: str):
    """A COPIL meeting with every active seat present, ready for its decision items."""
    meeting = meeting_schedule(body=committee.body, starts_at=_at(day), place="Tours")
    person = committee.members[0].person
    meeting = meeting_update(meeting=meeting, secretary=person, chair=person)
    entries = [
        AttendanceEntry(seat, AttendanceStatus.PRESENT) for seat in active_seats(committee.body)
    ]
    attendance_record(meeting=meeting, entries=entries)
    return meeting


def _grid_and_pools(consortium):
    fiscal_year = grids.fiscal_year_create(consortium=consortium, year=2026)
    for code, label, kind, amount, unit in (
        ("nouveau-tenant", "Création d'un tenant", TariffLineKind.SETUP, "1200", "€/tenant"),
        ("retrait", "Frais de retrait", TariffLineKind.WITHDRAWAL, "500", "€"),
    ):
        grids.tariff_line_save(
            line=TariffLine(grid=fiscal_year.grid),
            code=code,
            label=label,
            kind=kind,
            amount=D(amount),
            unit=unit,
        )
    for code, label, key, amount in (
        ("exploitation", "Exploitation de la plateforme", AllocationKey.PER_TENANT, "12000"),
        ("animation", "Animation du réseau", AllocationKey.EQUAL_PER_MEMBER, "3000"),
    ):
        costs.pool_save(
            pool=CostPool(fiscal_year=fiscal_year),
            code=code,
            label=label,
            key=key,
            budget_amount=D(amount),
        )
    return fiscal_year


def _shares(run, partner) -> dict[str, Decimal]:
    return {s.pool_code: s.amount for s in run.shares.filter(partner=partner)}


def test_a_year_of_admission_withdrawal_and_exclusion(settings):
    committee = build_committee(deliberative=4, kind=BodyKind.STEERING, meeting_at=None)
    consortium = committee.consortium
    m100, leaver, excluded, m103 = (m.partner for m in committee.members)
    fiscal_year = _grid_and_pools(consortium)

    # --- Admission. Chinon's file (article 8: archives and IT services), then the simulation.
    chinon = PartnerFactory(
        consortium=consortium, name="Ville de Chinon", short_name="Chinon",
        status=PartnerStatus.CANDIDATE,
    )  # fmt: skip
    candidacy = admission.candidacy_create(
        partner=chinon,
        has_archives_service=True,
        archives_head="Mme Archiviste",
        has_it_service=True,
        it_head="M. Informaticien",
        wished_opening_on=datetime.date(2026, 3, 15),
        letter_of_intent_on=datetime.date(2025, 11, 4),
    )
    admission.requested_tenant_add(candidacy=candidacy, code="n100", name="Chinon", payer=chinon)
    impact = simulation.candidacy_impact(candidacy=candidacy, fiscal_year=fiscal_year)
    assert sum(row.without for row in impact.rows) == D("15000.00")
    assert sum(row.with_candidate for row in impact.rows) == D("15000.00")
    simulated = {row.partner.pk: row for row in impact.rows}
    # What the budget run will bill Chinon on the shared pools (below): 1 565,22 + 333,33.
    assert simulated[chinon.pk].with_candidate == D("1898.55")
    assert simulated[chinon.pk].without == D("0.00")

    march = _copil_meeting(committee, "2026-03-02")
    candidacy = admission.candidacy_put_to_copil(candidacy=candidacy, meeting=march)
    vote_all(march, candidacy.decision)
    minutes_close(meeting=march)
    chinon.refresh_from_db()
    assert chinon.status == PartnerStatus.MEMBER
    assert chinon.member_since == datetime.date(2026, 3, 15)
    assert Tenant.objects.get(code="n100").opened_on == datetime.date(2026, 3, 15)

    # --- Budget run (April), the annual titres issued on 15 April.
    budget = runs.run_create(fiscal_year=fiscal_year, kind=RunKind.BUDGET)
    # Operation: 5 tenants × 12 + n100 × 9 = 69 tenant-months; 1 200 000 c × 12 / 69 = 208 695 r45,
    # × 9 / 69 = 156 521 r51; 4 cents left: n100 (r51), then t100, t101, t102 (r45, by code).
    # Facilitation: CD37, t100…t103, t199 × 12 + Chinon × 9 = 81; 300 000 × 12 / 81 = 44 444 r36,
    # × 9 / 81 = 33 333 r27; 3 cents left: CD37, t100, t101 (r36, by short name).
    assert _shares(budget, chinon) == {
        "exploitation": D("1565.22"),
        "animation": D("333.33"),
        "nouveau-tenant-n100": D("1200.00"),
    }
    assert _shares(budget, leaver) == {"exploitation": D("2086.96"), "animation": D("444.45")}
    assert _shares(budget, excluded) == {"exploitation": D("2086.96"), "animation": D("444.44")}
    titres.settings_save(consortium=consortium, **SETTINGS)
    batch, _skipped = titres.drafts_from_run(run=budget, issue_date=datetime.date(2026, 4, 15))
    for titre in batch.titres.filter(below_threshold=True):
        titres.titre_decide_recovery(titre=titre, recover=True)
    titres.batch_issue(batch=batch)

    # --- Withdrawal: received 10 May, effective 10 August (three months' notice).
    with pytest.raises(ValidationError, match="futur"):
        withdrawal.notice_record(
            partner=leaver, received_on=datetime.date(2026, 5, 10), today=datetime.date(2026, 5, 9)
        )
    notice = withdrawal.notice_record(
        partner=leaver, received_on=datetime.date(2026, 5, 10), today=datetime.date(2026, 5, 12)
    )
    assert notice.effective_on == datetime.date(2026, 8, 10)
    leaver.refresh_from_db()
    assert leaver.status == PartnerStatus.WITHDRAWING

    # --- Exclusion of t102 for its unpaid annual titre, decided by the COPIL on 15 June.
    unpaid = list(batch.titres.filter(debtor=excluded))
    case = exclusion.exclusion_open(
        partner=excluded,
        ground=ExclusionGround.NON_PAYMENT,
        titres=unpaid,
        opened_on=datetime.date(2026, 6, 1),
    )
    june = _copil_meeting(committee, "2026-06-15")
    case = exclusion.exclusion_schedule(case=case, meeting=june)
    decision = case.decision
    recused = [v for v in voters(june, decision) if v.tenant.code == "t102"]
    assert recused and recused[0].recused  # the partner concerned does not vote
    vote_all(june, decision)
    minutes_close(meeting=june)
    excluded.refresh_from_db()
    assert excluded.status == PartnerStatus.EXCLUDED
    assert excluded.member_until == datetime.date(2026, 6, 15)
    exclusion.exclusion_receipt_record(
        case=case, received_on=datetime.date(2026, 6, 22), today=datetime.date(2026, 6, 25)
    )
    t102 = Tenant.objects.get(code="t102")
    with pytest.raises(ValidationError, match=r"jusqu.au 22/12/2026 pour récupérer les données"):
        tenant_save(tenant=t102, closed_on=datetime.date(2026, 12, 22))
    assert Tenant.objects.get(code="t102").closed_on is None

    # --- 10 August: the withdrawal applies; the leaver's tenant closes and its votes stop.
    assert withdrawal.withdrawal_apply(notice=notice, today=datetime.date(2026, 8, 10))
    leaver.refresh_from_db()
    assert leaver.status == PartnerStatus.WITHDRAWN
    assert Tenant.objects.get(code="t101").closed_on == datetime.date(2026, 8, 9)  # its last day
    september = _copil_meeting(committee, "2026-09-10")
    item_add(meeting=september, title="Point d'étape", kind=ItemKind.INFORMATION)
    voting = {v.tenant.code for v in voters(september) if v.deliberative}
    assert voting == {"t100", "t103"}  # t101 withdrawn, t102 excluded, n100 and t199 not seated

    # --- The year's actual run: the invoices equal the budgets of the two shared pools.
    for code, amount in (("exploitation", "12000"), ("animation", "3000")):
        costs.expense_save(
            expense=Expense(pool=fiscal_year.pools.get(code=code)),
            invoice_date=datetime.date(2026, 11, 30),
            vendor="Prestataire",
            amount=D(amount),
        )
    actual = runs.run_create(fiscal_year=fiscal_year, kind=RunKind.ACTUAL)
    # Operation: t100, t102, t103, t199 × 12 + t101 × 8 (January to August) + n100 × 9 = 65;
    # × 12 / 65 = 221 538 r30, × 8 / 65 = 147 692 r20, × 9 / 65 = 166 153 r55; 3 cents left:
    # n100 (r55), then t100 and t102 (r30, by code).
    # Facilitation by months of membership: CD37, t100, t103, t199 × 12, t101 × 8, t102 × 6
    # (January to the exclusion in June), Chinon × 9 (April to December) = 71;
    # × 12 / 71 = 50 704 r16, × 8 / 71 = 33 802 r58, × 6 / 71 = 25 352 r8, × 9 / 71 = 38 028 r12;
    # 2 cents left: t101 (r58), then CD37 (r16, first by short name).
    # Chinon: 1 661,54 + 380,28 + its set-up 1 200,00 = 3 241,82 (9/12 plus its set-up).
    assert _shares(actual, chinon) == {
        "exploitation": D("1661.54"),
        "animation": D("380.28"),
        "nouveau-tenant-n100": D("1200.00"),
    }
    assert sum(_shares(actual, chinon).values()) == D("3241.82")
    # The leaver: 8/12 of its tenant and of its membership, plus the withdrawal fee:
    # 1 476,92 + 338,03 + 500,00 = 2 314,95.
    leaver_actual = _shares(actual, leaver)
    assert leaver_actual.pop(f"retrait-{leaver.pk}-retrait") == D("500.00")
    assert leaver_actual == {"exploitation": D("1476.92"), "animation": D("338.03")}
    assert _shares(actual, excluded) == {"exploitation": D("2215.39"), "animation": D("253.52")}
    assert sum(s.amount for s in actual.shares.all()) == D("16700.00")  # 12 000 + 3 000 + 1 700

    # --- The true-up refunds nobody more than it was billed for the months it was not served.
    lines = {(line.partner.pk, line.pool_code): line for line in recap.true_up(budget, actual)}
    # t101, 4 months not served: operation 2 086,96 − 1 476,92 = 610,04 ≤ 2 086,96 × 4/12 = 695,65;
    # facilitation 444,45 − 338,03 = 106,42 ≤ 444,45 × 4/12 = 148,15.
    assert lines[leaver.pk, "exploitation"].difference == D("-610.04")
    assert lines[leaver.pk, "animation"].difference == D("-106.42")
    # t102, a member 6 months: 444,44 − 253,52 = 190,92 ≤ 444,44 × 6/12 = 222,22; its tenant is
    # served the whole year (the data-recovery period): it pays more, 2 215,39 − 2 086,96.
    assert lines[excluded.pk, "animation"].difference == D("-190.92")
    assert lines[excluded.pk, "exploitation"].difference == D("128.43")
    # Chinon's set-up is a grid fee: billed and kept, never handed back.
    assert lines[chinon.pk, "nouveau-tenant-n100"].difference == D("0.00")
    served = {leaver.pk: 8, excluded.pk: 6}
    for (partner_id, pool), line in lines.items():
        if line.difference is not None and line.difference < 0:
            months = served.get(partner_id, 12)
            not_served = (line.billed * (12 - months) / 12).quantize(D("0.01"))
            assert -line.difference <= not_served, (partner_id, pool, line.difference)

    # --- After the six months, the excluded partner's tenant may close.
    tenant_save(tenant=t102, closed_on=datetime.date(2026, 12, 23))
    assert Tenant.objects.get(code="t102").closed_on == datetime.date(2026, 12, 23)
    assert Tenant.objects.get(code="t103").closed_on is None
    assert m100.status == m103.status == PartnerStatus.MEMBER
