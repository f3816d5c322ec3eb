"""Titres de recette: drafts from a run or a true-up, issuing, corrections, payments.

Numbers are given here and nowhere else: per year of issue, under a row lock on the year's
sequence, in the transaction that issues. A rolled-back issue gives its number back, so the
numbers stay gapless and strictly increasing.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import recap, selectors, titre_selectors
from billing.models import (
    CHARGING_KINDS,
    AllocationRun,
    BatchState,
    FiscalYear,
    Payment,
    RevenueTitle,
    RunKind,
    Share,
    TitreBatch,
    TitreKind,
    TitreLine,
    TitreSequence,
    TitreSettings,
    TitreState,
)
from billing.money import ZERO, format_euros, round_money
from billing.services.runs import run_lock
from ligeris.lib.services import save_validated as save
from partners.models import Consortium, Partner, Tenant

TITRE, BATCH = "titre", "batch"


def _settings(consortium: Consortium) -> TitreSettings:
    settings = titre_selectors.settings_of(consortium)
    if settings is None:
        raise ValidationError(
            _(
                "Renseignez d'abord les paramètres des titres : ordonnateur, imputation, "
                "comptable public et IBAN."
            )
        )
    return settings


def settings_save(*, consortium: Consortium, **fields) -> TitreSettings:
    settings = titre_selectors.settings_of(consortium) or TitreSettings(consortium=consortium)
    return save(settings, **fields)


def _next_number(consortium: Consortium, year: int, kind: str) -> int:
    """The next number of `kind` in `year`; the sequence row stays locked until commit."""
    sequence, _created = TitreSequence.objects.select_for_update().get_or_create(
        consortium=consortium, year=year, kind=kind
    )
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number


def _draft_batch(fiscal_year: FiscalYear, issue_date: datetime.date, user) -> TitreBatch:
    """The batch in preparation for that date, created if needed."""
    batch = TitreBatch.objects.filter(
        fiscal_year=fiscal_year, issue_date=issue_date, state=BatchState.DRAFT
    ).first()
    return batch or save(
        TitreBatch(fiscal_year=fiscal_year, created_by=user), issue_date=issue_date
    )


def _check_issue_date(issue_date: datetime.date) -> None:
    if issue_date > timezone.localdate():
        raise ValidationError(
            {"issue_date": _("La date d'émission ne peut pas être dans le futur.")}
        )


# --- Drafts -------------------------------------------------------------------------------------


def _object(kind: str, fiscal_year: FiscalYear, tenant: Tenant | None) -> str:
    consortium = fiscal_year.consortium.short_name
    if kind == TitreKind.ANNUAL and tenant is not None:
        return _(
            "Participation %(year)s aux frais de la mutualisation %(consortium)s, "
            "tenant %(tenant)s (terme à échoir)"
        ) % {"year": fiscal_year.year, "consortium": consortium, "tenant": tenant.name}
    if kind == TitreKind.ANNUAL:
        return _(
            "Participation %(year)s aux frais communs de la mutualisation %(consortium)s "
            "(part de membre, terme à échoir)"
        ) % {"year": fiscal_year.year, "consortium": consortium}
    if kind == TitreKind.ADDITIONAL:
        return _("Régularisation %(year)s des frais de la mutualisation %(consortium)s") % {
            "year": fiscal_year.year,
            "consortium": consortium,
        }
    return _("Prestations %(year)s de la mutualisation %(consortium)s (titre spécifique)") % {
        "year": fiscal_year.year,
        "consortium": consortium,
    }


def _create_titre(
    *,
    batch: TitreBatch,
    kind: str,
    debtor: Partner,
    tenant: Tenant | None,
    run: AllocationRun | None,
    lines: list[tuple[str, str, Decimal, Share | None]],
    threshold: Decimal,
    original: RevenueTitle | None = None,
    reason: str = "",
    object_text: str = "",
) -> RevenueTitle:
    total = sum((amount for _l, _b, amount, _s in lines), ZERO)
    titre = save(
        RevenueTitle(
            consortium=batch.fiscal_year.consortium,
            fiscal_year=batch.fiscal_year,
            batch=batch,
            debtor=debtor,
            tenant=tenant,
            run=run,
            original=original,
        ),
        kind=kind,
        object=object_text or _object(kind, batch.fiscal_year, tenant),
        reason=reason,
        total=total,
        below_threshold=kind in CHARGING_KINDS and total < threshold,
    )
    TitreLine.objects.bulk_create(
        TitreLine(titre=titre, position=i, label=label, base=base, amount=amount, share=share)
        for i, (label, base, amount, share) in enumerate(lines, start=1)
    )
    return titre


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
    settings = _settings(fiscal_year.consortium)
    _check_issue_date(issue_date)
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
    batch = _draft_batch(fiscal_year, issue_date, user)
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
        _create_titre(
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
def drafts_from_trueup(
    *, fiscal_year: FiscalYear, issue_date: datetime.date, user=None
) -> tuple[TitreBatch, list[str]]:
    """Additional titres and reduction titres from actual − billed, per tenant (or member)."""
    FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
    settings = _settings(fiscal_year.consortium)
    _check_issue_date(issue_date)
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
    batch = _draft_batch(fiscal_year, issue_date, user)
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
        _create_titre(
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


def _draft_or_error(titre: RevenueTitle) -> RevenueTitle:
    titre = RevenueTitle.objects.select_for_update().get(pk=titre.pk)
    if titre.state == TitreState.ISSUED:
        raise ValidationError(_("Ce titre est déjà émis."))
    return titre


@transaction.atomic
def titre_decide_recovery(*, titre: RevenueTitle, recover: bool) -> RevenueTitle:
    """Below the threshold, the authorising officer decides: recover anyway, or not at all."""
    titre = _draft_or_error(titre)
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


# --- Issuing ------------------------------------------------------------------------------------


def party_snapshot(partner: Partner) -> dict:
    """A partner as a titre states it: frozen at issue, printed from the snapshot."""
    return {
        "name": partner.name,
        "kind": partner.kind,  # the debtor's category in the PES flux
        "siret": partner.siret,
        "address": partner.address,
        "postal_code": partner.postal_code,
        "city": partner.city,
        "email": partner.billing_email,
    }


def _snapshot(titre: RevenueTitle, settings: TitreSettings) -> dict:
    """Every mention of the titre, frozen as issued: the PDF is rendered from this alone."""
    consortium = titre.consortium
    convention = consortium.conventions.order_by("-signed_on").first()
    original = titre.original
    return {
        "consortium": {"name": consortium.name, "short_name": consortium.short_name},
        "issuer": party_snapshot(consortium.coordinator),
        "signatory": {
            "last_name": settings.signatory_last_name,
            "first_names": settings.signatory_first_names,
            "role": settings.signatory_role,
        },
        "debtor": party_snapshot(titre.debtor),
        "tenant": {"code": titre.tenant.code, "name": titre.tenant.name} if titre.tenant else None,
        "legal": {
            "convention": convention.title if convention else "",
            "convention_signed_on": convention.signed_on.isoformat() if convention else "",
            "article": "7",
            "deliberation": settings.approving_deliberation,
            "grid_year": titre.fiscal_year.year,
        },
        "imputation": {
            "chapter": settings.imputation_chapter,
            "article": settings.imputation_article,
            "label": settings.imputation_label,
        },
        "payment": {
            "accountant": settings.accountant_name,
            "accountant_address": settings.accountant_address,
            "iban": settings.iban,
            "bic": settings.bic,
        },
        "court": {"name": settings.court, "address": settings.court_address},
        "batch_number": titre.batch.number,
        "original": (
            {
                "reference": original.reference,
                "issued_on": original.issued_on.isoformat(),
                "total": str(original.total),
            }
            if original
            else None
        ),
    }


def _check_correction(titre: RevenueTitle) -> None:
    """A correction never takes a titre below zero; the original is locked while checking."""
    original = RevenueTitle.objects.select_for_update().get(pk=titre.original_id)
    if original.state != TitreState.ISSUED or original.kind not in CHARGING_KINDS:
        raise ValidationError(_("Seul un titre émis de paiement peut être annulé ou réduit."))
    corrected = original.corrections.filter(state=TitreState.ISSUED).aggregate(s=Sum("total"))[
        "s"
    ] or Decimal(0)
    remaining = original.total - corrected
    if titre.total > remaining:
        raise ValidationError(
            _("Le titre n° %(reference)s n'a plus que %(remaining)s à annuler ou réduire.")
            % {"reference": original.reference, "remaining": format_euros(remaining)}
        )


@transaction.atomic
def titre_issue(*, titre: RevenueTitle, user=None) -> RevenueTitle:
    """Number the draft, freeze its mentions and make it final, on its batch's date."""
    titre = _draft_or_error(titre)
    if titre.state == TitreState.WAIVED:
        raise ValidationError(
            _("Ce titre n'est pas mis en recouvrement : décidez d'abord de l'émettre.")
        )
    if titre.below_threshold and not titre.recovery_confirmed:
        raise ValidationError(
            _("Ce titre est inférieur au seuil de recouvrement : décidez d'abord de l'émettre.")
        )
    settings = _settings(titre.consortium)
    issued_on = titre.batch.issue_date
    _check_issue_date(issued_on)
    year = issued_on.year
    number = _next_number(titre.consortium, year, TITRE)
    # Numbers and dates run together: nothing is issued before a titre already numbered.
    latest = RevenueTitle.objects.filter(
        consortium=titre.consortium, exercise=year, state=TitreState.ISSUED
    ).aggregate(latest=Max("issued_on"))["latest"]
    if latest and issued_on < latest:
        raise ValidationError(
            _(
                "Un titre de %(year)s est déjà émis le %(latest)s : la date d'émission ne peut "
                "pas être antérieure."
            )
            % {"year": year, "latest": latest.strftime("%d/%m/%Y")}
        )
    if titre.original_id:
        _check_correction(titre)
    titre.state = TitreState.ISSUED
    titre.exercise = year
    titre.number = number
    titre.issued_on = issued_on
    titre.due_on = (
        issued_on + datetime.timedelta(days=settings.payment_days)
        if titre.kind in CHARGING_KINDS
        else issued_on
    )
    titre.issued_at = timezone.now()
    titre.issued_by = user
    titre.snapshot = _snapshot(titre, settings)
    titre.full_clean()
    titre.save()
    if titre.run_id and titre.run.kind != RunKind.ACTUAL:
        run_lock(run=titre.run)
    return titre


def _queue_batch(batch: TitreBatch) -> None:
    from billing.tasks import process_batch  # the task module imports these services

    # Robust: the batch is committed whatever happens to the job; a failure is logged, and the
    # task retries (or is run again from the batch page) without numbering anything twice.
    transaction.on_commit(lambda: process_batch.delay(batch.pk), robust=True)


@transaction.atomic
def batch_issue(*, batch: TitreBatch, user=None) -> TitreBatch:
    """Issue every draft of the batch in one transaction, then render and e-mail after commit."""
    batch = TitreBatch.objects.select_for_update().select_related("fiscal_year").get(pk=batch.pk)
    if not batch.is_draft:
        raise ValidationError(_("Ce bordereau est déjà émis."))
    _check_issue_date(batch.issue_date)
    drafts = list(
        titre_selectors.open_drafts(batch).order_by(
            "debtor__name", F("tenant__code").asc(nulls_last=True), "pk"
        )
    )
    if not drafts:
        raise ValidationError(_("Aucun titre à émettre dans ce bordereau."))
    undecided = [t for t in drafts if t.below_threshold and not t.recovery_confirmed]
    if undecided:
        raise ValidationError(
            _(
                "Décidez d'abord pour les titres inférieurs au seuil de recouvrement : émettre "
                "quand même, ou ne pas mettre en recouvrement (%(count)s titre(s))."
            )
            % {"count": len(undecided)}
        )
    consortium = batch.fiscal_year.consortium
    batch.number = _next_number(consortium, batch.issue_date.year, BATCH)
    batch.state = BatchState.ISSUED
    batch.issued_at = timezone.now()
    batch.issued_by = user
    batch.save(update_fields=["number", "state", "issued_at", "issued_by"])
    for titre in drafts:
        titre_issue(titre=titre, user=user)
    _queue_batch(batch)
    return batch


def batch_resume(*, batch: TitreBatch) -> None:
    """Queue an issued batch's job again; PDFs and e-mails already done are not done twice."""
    if batch.is_draft:
        raise ValidationError(_("Ce bordereau n'est pas encore émis."))
    _queue_batch(batch)


# --- Corrections --------------------------------------------------------------------------------


@transaction.atomic
def titre_correct(
    *,
    original: RevenueTitle,
    kind: str,
    reason: str,
    issue_date: datetime.date,
    amount: Decimal | None = None,
    user=None,
) -> RevenueTitle:
    """Issue a cancellation (what remains of the original) or a reduction (a part of it)."""
    original = RevenueTitle.objects.select_for_update().get(pk=original.pk)
    if original.state != TitreState.ISSUED or original.kind not in CHARGING_KINDS:
        raise ValidationError(_("Seul un titre émis de paiement peut être annulé ou réduit."))
    if not reason.strip():
        raise ValidationError({"reason": _("Indiquez le motif de la correction.")})
    _check_issue_date(issue_date)
    if issue_date < original.issued_on:
        raise ValidationError(
            {"issue_date": _("Une correction ne peut pas précéder le titre qu'elle corrige.")}
        )
    # Rounded: SQLite computes the annotation in floating point (5839.03000000000).
    remaining = round_money(
        titre_selectors.with_balance(RevenueTitle.objects.filter(pk=original.pk)).get().net
    )
    if remaining <= ZERO:
        raise ValidationError(_("Ce titre est déjà entièrement annulé."))
    if kind == TitreKind.CANCELLATION:
        amount = remaining
    elif kind == TitreKind.REDUCTION:
        amount = round_money(amount or 0)
        if amount <= ZERO:
            raise ValidationError({"amount": _("Le montant de la réduction doit être positif.")})
        if amount >= remaining:
            raise ValidationError(
                {
                    "amount": _(
                        "La réduction doit rester inférieure à %(remaining)s : pour le tout, "
                        "émettez un titre d'annulation."
                    )
                    % {"remaining": format_euros(remaining)}
                }
            )
    else:
        raise ValidationError(_("Nature de correction inconnue."))
    label = (
        _("Annulation du titre n° %(reference)s du %(date)s")
        if kind == TitreKind.CANCELLATION
        else _("Réduction du titre n° %(reference)s du %(date)s")
    ) % {"reference": original.reference, "date": original.issued_on.strftime("%d/%m/%Y")}
    base = _("montant initial %(total)s, restant avant correction %(remaining)s") % {
        "total": format_euros(original.total),
        "remaining": format_euros(remaining),
    }
    consortium = original.consortium
    batch = save(
        TitreBatch(fiscal_year=original.fiscal_year, created_by=user),
        issue_date=issue_date,
        state=BatchState.ISSUED,
        number=_next_number(consortium, issue_date.year, BATCH),
        issued_at=timezone.now(),
        issued_by=user,
    )
    settings = _settings(consortium)
    titre = _create_titre(
        batch=batch,
        kind=kind,
        debtor=original.debtor,
        tenant=original.tenant,
        run=None,
        lines=[(label, base, amount, None)],
        threshold=settings.recovery_threshold,
        original=original,
        reason=reason.strip(),
        object_text=label,
    )
    titre = titre_issue(titre=titre, user=user)
    _queue_batch(batch)
    return titre


# --- Payments -----------------------------------------------------------------------------------


@transaction.atomic
def payment_record(
    *, titre: RevenueTitle, paid_on: datetime.date, amount: Decimal, reference: str, user=None
) -> Payment:
    """A payment received; partial payments are fine, more than the balance is not."""
    titre = RevenueTitle.objects.select_for_update().get(pk=titre.pk)
    if titre.state != TitreState.ISSUED or titre.kind not in CHARGING_KINDS:
        raise ValidationError(_("Un paiement s'enregistre sur un titre émis de paiement."))
    amount = round_money(amount)
    if amount <= ZERO:
        raise ValidationError({"amount": _("Le montant du paiement doit être positif.")})
    if paid_on < titre.issued_on:
        raise ValidationError({"paid_on": _("Un paiement ne peut précéder l'émission du titre.")})
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("La date du paiement ne peut être dans le futur.")})
    balance = round_money(
        titre_selectors.with_balance(RevenueTitle.objects.filter(pk=titre.pk)).get().balance
    )
    if amount > balance:
        raise ValidationError(
            {
                "amount": _("Le paiement dépasse le reste à recouvrer (%(balance)s).")
                % {"balance": format_euros(balance)}
            }
        )
    return save(
        Payment(titre=titre, recorded_by=user), paid_on=paid_on, amount=amount, reference=reference
    )
