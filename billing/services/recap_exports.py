"""Asking for the XLSX of a large year's recap: one row per set of runs and reader, built once
by a background task (`billing.tasks.build_recap_export`)."""

from django.db import transaction

from billing import recap_totals
from billing.models import RecapExport
from titres.models import FiscalYear


def current_export(runs: recap_totals.Runs) -> RecapExport | None:
    """The workbook already asked for these runs and this reader, without its bytes."""
    return (
        RecapExport.objects.filter(
            fiscal_year=runs.fiscal_year,
            partner_id=runs.own_partner,
            budget_run=runs.budget,
            actual_run=runs.actual,
        )
        .defer("xlsx")
        .first()
    )


@transaction.atomic
def recap_export_request(*, fiscal_year: FiscalYear, user) -> RecapExport:
    """The year's workbook as `user` may read it: the one stored or being built, else a new one
    queued on commit. One that failed is queued again."""
    from billing.tasks import build_recap_export  # the tasks import the services' readers

    runs = recap_totals.runs_for(fiscal_year, user)
    export = current_export(runs)
    if export is not None and export.done_at is None and export.error:
        export.error = ""
        export.save(update_fields=["error"])
    elif export is not None:
        return export
    else:
        export = RecapExport.objects.create(
            fiscal_year=fiscal_year,
            partner_id=runs.own_partner,
            budget_run=runs.budget,
            actual_run=runs.actual,
            created_by=user,
        )
    transaction.on_commit(lambda: build_recap_export.delay(export.pk), robust=True)
    return export
