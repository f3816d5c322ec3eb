"""The true-up of the actual run: additional titres and reductions of the annual titres."""

import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from billing import recap, selectors, titre_selectors
from billing.models import (
    FiscalYear,
    RevenueTitle,
    RunKind,
    TitreBatch,
    TitreKind,
    TitreState,
)
from billing.money import ZERO, format_euros
from billing.services.titres.common import (
    check_issue_date,
    create_titre,
    draft_batch,
    settings_required,
)
from billing.services.titres.drafts import _first_tenants, _fold_members
from partners.models import Tenant


@transaction.atomic
def drafts_from_trueup(
    *, fiscal_year: FiscalYear, issue_date: datetime.date, user=None
) -> tuple[TitreBatch, list[str]]:
    """Additional titres and reduction titres from actual − billed, per tenant (or member)."""
    FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
    settings = settings_required(fiscal_year.consortium)
    check_issue_date(issue_date)
    billed = selectors.billed_run(fiscal_year)
    actual = selectors.latest_run(fiscal_year, RunKind.ACTUAL)
    if billed is None or billed.locked_at is None:
        raise ValidationError(
            _("Les titres annuels de l'exercice ne sont pas émis : rien à régulariser encore.")
        )
    if actual is None:
        raise ValidationError(_("Calculez d'abord la répartition réelle de l'exercice."))
    if actual.titres.exists():
        raise ValidationError(_("La régularisation de cette répartition réelle est déjà établie."))
    # Another version of the actual run would bill the same differences a second time.
    earlier = (
        RevenueTitle.objects.filter(fiscal_year=fiscal_year, run__kind=RunKind.ACTUAL)
        .exclude(state=TitreState.WAIVED)
        .select_related("run")
        .first()
    )
    if earlier is not None:
        raise ValidationError(
            _(
                "La régularisation de l'exercice %(year)s est déjà établie (répartition réelle "
                "n° %(version)s) : supprimez d'abord son bordereau s'il est en préparation."
            )
            % {"year": fiscal_year.year, "version": earlier.run.version}
        )
    groups: dict[tuple[int, int | None], list[recap.TrueUpLine]] = defaultdict(list)
    for line in recap.true_up(billed, actual):
        if line.borne_by_coordinator or not line.difference:
            continue
        groups[(line.partner.pk, line.tenant.pk if line.tenant else None)].append(line)
    # Onto the tenant whose annual titre carried the member's share, even with no difference.
    billed_tenants = (
        billed.shares.filter(borne_by_coordinator=False, tenant__isnull=False)
        .exclude(amount=0)
        .values_list("partner_id", "tenant_id")
    )
    groups = _fold_members(groups, _first_tenants(billed_tenants))
    batch = draft_batch(fiscal_year, issue_date, user)
    skipped = []
    for (partner_id, tenant_id), group in sorted(
        groups.items(), key=lambda item: (item[1][0].partner.name, item[1][0].recipient_code)
    ):
        net = sum((line.difference for line in group), ZERO)
        if net == ZERO:
            continue
        first = next((line for line in group if line.tenant), group[0])
        tenant = first.tenant
        if tenant is None and tenant_id is not None:  # member lines folded onto that tenant
            tenant = Tenant.objects.get(pk=tenant_id)
        sign = 1 if net > ZERO else -1
        lines = [
            (
                f"{line.pool_label} — {line.recipient_code}",
                _("facturé %(billed)s, réel %(actual)s")
                % {
                    "billed": format_euros(line.billed or ZERO),
                    "actual": format_euros(line.actual or ZERO),
                },
                sign * line.difference,
                None,
            )
            for line in group
        ]
        original, reason, object_text = None, "", ""
        if sign < 0:
            original = titre_selectors.original_annual_titre(billed.pk, tenant_id, partner_id)
            if original is None:
                skipped.append(
                    _("%(who)s : réduction de %(amount)s sans titre annuel émis à réduire.")
                    % {"who": first.recipient_code, "amount": format_euros(-net)}
                )
                continue
            reason = _("Régularisation %(year)s sur les coûts constatés") % {
                "year": fiscal_year.year
            }
            object_text = _("Réduction du titre n° %(reference)s (régularisation %(year)s)") % {
                "reference": original.reference,
                "year": fiscal_year.year,
            }
        create_titre(
            batch=batch,
            kind=TitreKind.ADDITIONAL if sign > 0 else TitreKind.REDUCTION,
            debtor=first.partner,
            tenant=tenant,
            run=actual,
            lines=lines,
            threshold=settings.recovery_threshold,
            original=original,
            reason=reason,
            object_text=object_text,
        )
    return batch, skipped
