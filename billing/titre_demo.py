"""The demo titres of 2026: the annual batch issued on 20 January, then payments and a reduction.

Idempotent: nothing happens if the year already has titres. E-mails of the demo are kept in memory
(they would otherwise print every PDF on the console of `make run`): the batches' job runs here,
under that setting, so the one queued on commit finds nothing left to do.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.test import override_settings
from django.utils.text import slugify

from billing.models import RunKind
from billing.selectors import latest_run
from billing.services import titres
from ligeris.lib import demo_clock
from partners.services import partner_save
from titres.models import FiscalYear, RevenueTitle, TitreKind, TitreState
from titres.tasks import process_batch

ISSUE_DATE = datetime.date(2026, 1, 20)
#: Debtors left unpaid (flagged for exclusion after 90 days) or paid in part.
UNPAID = {"Chartres"}
PARTIAL = {"Blois"}


def _settings(fiscal_year: FiscalYear) -> None:
    consortium = fiscal_year.consortium
    for partner in consortium.partners.filter(billing_email=""):
        partner_save(
            partner=partner, billing_email=f"finances@{slugify(partner.short_name)}.localhost"
        )
    titres.settings_save(
        consortium=consortium,
        signatory_last_name="Paumier",
        signatory_first_names="Jean-Gérard",
        signatory_role="Président du Conseil départemental d'Indre-et-Loire",
        approving_deliberation=(
            "délibération de la commission permanente du Conseil départemental "
            "d'Indre-et-Loire du 20 octobre 2023"
        ),
        accountant_name="Paierie départementale d'Indre-et-Loire",
        accountant_address="Place de la Préfecture, 37000 Tours",
        iban="FR8030001004111C37000000004",
        bic="BDFEFRPPCCT",
        # Illustrative PES codes: the accountant gives the real ones.
        pes_poste="037000",
        pes_siret=consortium.coordinator.siret,
        pes_collectivity_code="037",
        pes_budget_code="01",
        pes_budget_label="Budget principal du Département",
        pes_product_code="MUTU",
        pes_function="0202",
    )


@transaction.atomic
@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def load_demo_titres(fiscal_year: FiscalYear, issued_by=None) -> None:
    if fiscal_year.titres.exists():
        return
    _settings(fiscal_year)
    run = latest_run(fiscal_year, RunKind.BUDGET)
    with demo_clock.at(f"{ISSUE_DATE.isoformat()} 10:00"):
        batch, _skipped = titres.drafts_from_run(run=run, issue_date=ISSUE_DATE)
        for titre in batch.titres.filter(below_threshold=True):
            titres.titre_decide_recovery(titre=titre, recover=True)
        titres.batch_issue(batch=batch, user=issued_by)
        process_batch(batch.pk)
    issued = RevenueTitle.objects.filter(batch=batch, state=TitreState.ISSUED).select_related(
        "debtor"
    )
    for titre in issued.order_by("number"):
        name = titre.debtor.short_name
        if name in UNPAID:
            continue
        amount = titre.total if name not in PARTIAL else (titre.total / 2).quantize(Decimal("1"))
        paid_on = datetime.date(2026, 3, 2) + datetime.timedelta(days=titre.number % 20)
        with demo_clock.at(f"{paid_on.isoformat()} 11:00"):
            titres.payment_record(
                titre=titre,
                paid_on=paid_on,
                amount=amount,
                reference=f"P503-2026-{titre.number:04d}",
                user=issued_by,
            )
    first_unpaid = issued.filter(debtor__short_name__in=UNPAID).order_by("number").first()
    if first_unpaid is not None:
        with demo_clock.at("2026-03-16 10:00"):
            reduction = titres.titre_correct(
                original=first_unpaid,
                kind=TitreKind.REDUCTION,
                amount=Decimal("100.00"),
                reason="Tenant ouvert avec un mois de retard du fait du prestataire (COPIL du 12/03/2026)",
                issue_date=datetime.date(2026, 3, 16),
                user=issued_by,
            )
            process_batch(reduction.batch_id)
