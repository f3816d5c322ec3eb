"""The true-up of the actual run: per debtor and tenant, a titre complémentaire for what it owes
on top, a titre de réduction of its annual titre for what it is owed (or one net titre, when the
consortium chooses so), and carry-overs where nothing remains to reduce."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from billing import selectors, titre_plan
from billing.models import RunKind
from billing.services.titres.plans import write_plans
from titres.models import Carryover, FiscalYear, RevenueTitle, TitreBatch, TitreKind, TitreState
from titres.services.common import check_issue_date, draft_batch, settings_required


def trueup_runs(fiscal_year: FiscalYear):
    """(billed run, actual run) of a year ready for its true-up, or the reason it is not."""
    billed = selectors.billed_run(fiscal_year)
    actual = selectors.latest_run(fiscal_year, RunKind.ACTUAL)
    if billed is None or billed.locked_at is None:
        raise ValidationError(
            _("Les titres annuels de l'exercice ne sont pas émis : rien à régulariser encore.")
        )
    if actual is None:
        raise ValidationError(_("Calculez d'abord la répartition réelle de l'exercice."))
    return billed, actual


@transaction.atomic
def drafts_from_trueup(
    *, fiscal_year: FiscalYear, issue_date: datetime.date, user=None
) -> tuple[TitreBatch, list[str]]:
    """The true-up's drafts into the batch in preparation for that date, and what to tell."""
    FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
    settings = settings_required(fiscal_year.consortium)
    check_issue_date(issue_date)
    billed, actual = trueup_runs(fiscal_year)
    if actual.titres.exists() or Carryover.objects.filter(run=actual).exists():
        raise ValidationError(_("La régularisation de cette répartition réelle est déjà établie."))
    # Another version of the actual run would bill the same differences a second time.
    earlier = (
        RevenueTitle.objects.filter(fiscal_year=fiscal_year, run__kind=RunKind.ACTUAL)
        .exclude(state=TitreState.WAIVED)
        .select_related("run")
        .defer("run__inputs")
        .first()
    )
    carried = Carryover.objects.filter(fiscal_year=fiscal_year, run__kind=RunKind.ACTUAL)
    earlier = earlier or carried.select_related("run").defer("run__inputs").first()
    if earlier is not None:
        raise ValidationError(
            _(
                "La régularisation de l'exercice %(year)s est déjà établie (répartition réelle "
                "n° %(version)s) : supprimez d'abord son bordereau s'il est en préparation."
            )
            % {"year": fiscal_year.year, "version": earlier.run.version}
        )
    plans = titre_plan.trueup_plans(billed, actual, net=settings.one_net_titre_per_debtor)
    batch = draft_batch(fiscal_year, issue_date, user)
    purpose = _("régularisation %(year)s") % {"year": fiscal_year.year}
    notes = write_plans(
        plans,
        batch=batch,
        run=actual,
        charging_kind=TitreKind.ADDITIONAL,
        threshold=settings.recovery_threshold,
        reason=_("Régularisation %(year)s sur les coûts constatés") % {"year": fiscal_year.year},
        purpose=purpose,
    )
    return batch, notes
