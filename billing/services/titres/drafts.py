"""Drafts of titres from a budget or specific run: one per tenant to its payer."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from billing.models import (
    AllocationRun,
    RevenueTitle,
    RunKind,
    Share,
    TitreBatch,
    TitreKind,
    TitreState,
)
from billing.money import ZERO
from billing.services.titres.common import (
    check_issue_date,
    create_titre,
    draft_batch,
    draft_or_error,
    settings_required,
)


def _share_line(share: Share) -> tuple[str, str, Decimal, Share]:
    label = share.pool_label
    if share.tenant_id:
        label = f"{share.pool_label} — {share.tenant.code}"
    return (label, f"{share.get_key_display()} : {share.base}", share.amount, share)


def _first_tenants(keys) -> dict[int, int]:
    """The first tenant (lowest id) each partner pays, from (partner id, tenant id) pairs."""
    first_tenant: dict[int, int] = {}
    for partner_id, tenant_id in sorted(keys, key=lambda key: (key[0], key[1] or 0)):
        if tenant_id is not None:
            first_tenant.setdefault(partner_id, tenant_id)
    return first_tenant


def _fold_members(
    groups: dict[tuple[int, int | None], list], first_tenant: dict[int, int] | None = None
) -> dict[tuple[int, int | None], list]:
    """Member-level lines ride on the titre of the first tenant the member pays, if any."""
    first_tenant = _first_tenants(groups) | (first_tenant or {})
    folded: dict[tuple[int, int | None], list] = defaultdict(list)
    for (partner_id, tenant_id), items in groups.items():
        folded[(partner_id, tenant_id or first_tenant.get(partner_id))].extend(items)
    return folded


@transaction.atomic
def drafts_from_run(
    *, run: AllocationRun, issue_date: datetime.date, user=None
) -> tuple[TitreBatch, list[str]]:
    """One draft per tenant to its payer (member pools: one per member); none to the coordinator.

    Returns the batch in preparation for that date and what was left out, in words.
    """
    run = (
        AllocationRun.objects.select_for_update()
        .select_related("fiscal_year__consortium")
        .get(pk=run.pk)
    )
    fiscal_year = run.fiscal_year
    settings = settings_required(fiscal_year.consortium)
    check_issue_date(issue_date)
    if run.kind == RunKind.ACTUAL:
        raise ValidationError(
            _("Une répartition réelle donne lieu à la régularisation, pas à des titres annuels.")
        )
    if run.titres.exists():
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
    kind = TitreKind.ANNUAL if run.kind == RunKind.BUDGET else TitreKind.SPECIFIC
    groups: dict[tuple[int, int | None], list[Share]] = defaultdict(list)
    shares = (
        run.shares.filter(borne_by_coordinator=False)
        .exclude(amount=0)
        .select_related("tenant", "partner")
        .order_by("partner__name", F("tenant__code").asc(nulls_last=True), "pool_code")
    )
    for share in shares:
        groups[(share.partner_id, share.tenant_id)].append(share)
    groups = _fold_members(groups)
    batch = draft_batch(fiscal_year, issue_date, user)
    skipped = []
    for group in groups.values():
        first = next((share for share in group if share.tenant_id), group[0])
        lines = [_share_line(share) for share in group]
        if sum((line[2] for line in lines), ZERO) <= ZERO:
            skipped.append(
                _("%(who)s : total nul ou négatif, aucun titre.")
                % {"who": first.tenant.code if first.tenant_id else first.partner.short_name}
            )
            continue
        create_titre(
            batch=batch,
            kind=kind,
            debtor=first.partner,
            tenant=first.tenant,
            run=run,
            lines=lines,
            threshold=settings.recovery_threshold,
        )
    return batch, skipped


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
    for titre in batch.titres.all():
        titre.delete()
    batch.delete()
