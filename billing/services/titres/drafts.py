"""Drafts of titres from a budget or specific run: one per tenant to its payer; the decision
below the recovery threshold; dropping a batch in preparation."""

import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from billing import selectors, titre_plan
from billing.models import AllocationKey, AllocationRun, RunKind, Share
from billing.services.titres.plans import write_plans
from billing.titre_plan import Amount, fold_members, share_key
from ligeris.lib.french import lower_first
from titres.models import Carryover, RevenueTitle, TitreBatch, TitreKind, TitreLine, TitreState
from titres.money import ZERO
from titres.services.common import (
    Draft,
    Line,
    check_issue_date,
    create_titres,
    draft_batch,
    draft_or_error,
    settings_required,
)


def _key_labels() -> dict[str, str]:
    # What `share.get_key_display()` says, translated once per batch rather than once a share.
    return {key: str(label) for key, label in AllocationKey.choices}


def _share_line(share: Share, key_labels: dict[str, str] | None = None) -> Line:
    key_labels = key_labels or _key_labels()
    label = share.pool_label
    if share.tenant_id:
        label = f"{share.pool_label} — {share.tenant.code}"
    # A direct charge says what it is ("Imputation directe : reprise des données du tenant"),
    # not "imputation directe" twice.
    base = lower_first(share.pool_label) if share.key == AllocationKey.DIRECT else share.base
    return Line(
        label, f"{key_labels.get(share.key, share.key)} : {base}", share.amount, share=share
    )


def _annual_drafts(run, groups, batch, settings) -> list[str]:
    skipped, drafts, key_labels = [], [], _key_labels()
    for group in groups.values():
        first = next((share for share in group if share.tenant_id), group[0])
        lines = [_share_line(share, key_labels) for share in group]
        if sum((line.amount for line in lines), ZERO) <= ZERO:
            skipped.append(
                _("%(who)s : total nul ou négatif, aucun titre.")
                % {"who": first.tenant.code if first.tenant_id else first.partner.short_name}
            )
            continue
        drafts.append(Draft(TitreKind.ANNUAL, first.partner, first.tenant, run, lines))
    create_titres(batch, drafts, settings.recovery_threshold)
    return skipped


def _specific_drafts(run, groups, batch, settings) -> list[str]:
    """Charges on a specific titre; amounts to give back (a penalty received, passed on) on a
    reduction of the year's annual titre, or carried over to the next titres."""
    amounts, key_labels = {}, _key_labels()
    for key, group in groups.items():
        charges, credits = [], []
        for share in group:
            line = _share_line(share, key_labels)
            item = Amount(line.label, line.base, abs(share.amount), share_key(share), share)
            (charges if share.amount > ZERO else credits).append(item)
        amounts[key] = (charges, credits)
    fiscal_year = run.fiscal_year
    billed = selectors.billed_run(fiscal_year)
    plans = titre_plan.plans_for(amounts, billed=billed, net=settings.one_net_titre_per_debtor)
    purpose = _("répartition spécifique %(year)s, version %(version)s") % {
        "year": fiscal_year.year,
        "version": run.version,
    }
    return write_plans(
        plans,
        batch=batch,
        run=run,
        charging_kind=TitreKind.SPECIFIC,
        threshold=settings.recovery_threshold,
        reason=_(
            "Répercussion sur les partenaires de la %(purpose)s : sommes à déduire "
            "(pénalité reçue d'un prestataire, article 7 de la convention)"
        )
        % {"purpose": purpose},
        purpose=purpose,
    )


@transaction.atomic
def drafts_from_run(
    *, run: AllocationRun, issue_date: datetime.date, user=None
) -> tuple[TitreBatch, list[str]]:
    """One draft per tenant to its payer (member pools: one per member); none to the coordinator.

    On a specific run, what is owed back to a debtor reduces its annual titre of the year.
    Returns the batch in preparation for that date and what was left out or carried, in words.
    """
    run = (
        # Locks the fiscal year too (the join): two runs of a year are drafted one at a time.
        AllocationRun.objects.select_for_update()
        .select_related("fiscal_year__consortium")
        .defer("inputs")  # ~0.9 MB at 3,000 tenants, and the titres need none of it
        .get(pk=run.pk)
    )
    fiscal_year = run.fiscal_year
    settings = settings_required(fiscal_year.consortium)
    check_issue_date(issue_date)
    if run.kind == RunKind.ACTUAL:
        raise ValidationError(
            _("Une répartition réelle donne lieu à la régularisation, pas à des titres annuels.")
        )
    if run.titres.exists() or Carryover.objects.filter(run=run).exists():
        raise ValidationError(_("Les titres de cette répartition sont déjà établis."))
    if run.kind == RunKind.BUDGET:
        billed = RevenueTitle.objects.filter(
            fiscal_year=fiscal_year, kind=TitreKind.ANNUAL
        ).exclude(state=TitreState.WAIVED)
        if billed.exists():
            raise ValidationError(
                _("Les titres annuels de l'exercice %(year)s sont déjà établis.")
                % {"year": fiscal_year.year}
            )
    groups: dict[tuple[int, int | None], list[Share]] = defaultdict(list)
    shares = (
        run.shares.filter(borne_by_coordinator=False)
        .exclude(amount=0)
        .select_related("tenant", "partner")
        .order_by("partner__name", F("tenant__code").asc(nulls_last=True), "pool_code")
    )
    for share in shares:
        groups[(share.partner_id, share.tenant_id)].append(share)
    batch = draft_batch(fiscal_year, issue_date, user)
    if run.kind == RunKind.BUDGET:
        return batch, _annual_drafts(run, fold_members(groups), batch, settings)
    billed = selectors.billed_run(fiscal_year)
    first = titre_plan.billed_tenants(billed) if billed and billed.locked_at else None
    return batch, _specific_drafts(run, fold_members(groups, first), batch, settings)


@transaction.atomic
def titre_decide_recovery(*, titre: RevenueTitle, recover: bool) -> RevenueTitle:
    """Below the threshold, the authorising officer decides: recover anyway, or not at all."""
    titre = draft_or_error(titre)
    if not titre.batch.is_draft:
        raise ValidationError(_("Ce bordereau est déjà émis."))
    if not titre.below_threshold:
        raise ValidationError(
            _("Seul un titre inférieur au seuil de recouvrement peut ne pas être émis.")
        )
    titre.recovery_confirmed = recover
    titre.state = TitreState.DRAFT if recover else TitreState.WAIVED
    titre.save(update_fields=["recovery_confirmed", "state"])
    return titre


@transaction.atomic
def batch_delete(*, batch: TitreBatch) -> None:
    """Drop a batch in preparation and its drafts (nothing was numbered)."""
    batch = TitreBatch.objects.select_for_update().get(pk=batch.pk)
    if not batch.is_draft or batch.titres.filter(state=TitreState.ISSUED).exists():
        raise ValidationError(_("Un bordereau émis ne se supprime pas."))
    carryovers = Carryover.objects.filter(batch=batch)
    if TitreLine.objects.filter(carryover__in=carryovers).exists():
        raise ValidationError(
            _(
                "Un report établi par ce bordereau est déjà déduit d'un autre titre : "
                "supprimez d'abord le bordereau de ce titre."
            )
        )
    for titre in batch.titres.all():
        titre.delete()
    for carryover in carryovers:
        carryover.delete()
    batch.delete()
