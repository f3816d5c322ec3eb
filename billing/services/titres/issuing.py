"""Issuing: numbering a draft, freezing its mentions, issuing a batch in one transaction."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import titre_selectors
from billing.models import (
    CHARGING_KINDS,
    BatchState,
    RevenueTitle,
    RunKind,
    TitreBatch,
    TitreLine,
    TitreSettings,
    TitreState,
)
from billing.money import ZERO, format_euros
from billing.services.runs import run_lock
from billing.services.titres.common import (
    BATCH,
    TITRE,
    check_issue_date,
    draft_or_error,
    next_number,
    queue_batch,
    settings_required,
)
from partners.models import Partner


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


def _check_correction(titre: RevenueTitle) -> dict:
    """A correction never takes a titre below zero, nor a line below zero; the original is
    locked while checking. Returns what the correction settles: what the debtor has paid, what
    remains due, and the trop-perçu it makes, to be refunded by mandat."""
    original = RevenueTitle.objects.select_for_update().get(pk=titre.original_id)
    if original.state != TitreState.ISSUED or original.kind not in CHARGING_KINDS:
        raise ValidationError(_("Seul un titre émis de paiement peut être annulé ou réduit."))
    before = titre_selectors.balance_of(original)
    if titre.total > before.net:
        raise ValidationError(
            _("Le titre n° %(reference)s n'a plus que %(remaining)s à annuler ou réduire.")
            % {"reference": original.reference, "remaining": format_euros(before.net)}
        )
    held = dict(
        TitreLine.objects.filter(reduces__titre=original, titre__state=TitreState.ISSUED)
        .values("reduces")
        .annotate(total=Sum("amount"))
        .values_list("reduces", "total")
    )
    for line in titre.lines.select_related("reduces"):
        reduced = line.reduces
        if reduced is None or reduced.titre_id != original.pk:
            raise ValidationError(
                _("Chaque ligne d'une correction réduit une ligne du titre corrigé.")
            )
        left = reduced.amount - (held.get(reduced.pk) or ZERO)
        if line.amount > left:
            raise ValidationError(
                _(
                    "La ligne « %(line)s » du titre n° %(reference)s n'a plus que %(left)s à réduire."
                )
                % {
                    "line": reduced.label,
                    "reference": original.reference,
                    "left": format_euros(left),
                }
            )
    paid = before.paid - before.refunded
    after = before.net - titre.total
    refund = max(paid - after, ZERO) - max(paid - before.net, ZERO)
    return {
        "paid": str(paid),
        "net_after": str(after),
        "still_due": str(max(after - paid, ZERO)),
        "refund": str(refund),
    }


@transaction.atomic
def titre_issue(*, titre: RevenueTitle, user=None) -> RevenueTitle:
    """Number the draft, freeze its mentions and make it final, on its batch's date."""
    titre = draft_or_error(titre)
    if titre.state == TitreState.WAIVED:
        raise ValidationError(
            _("Ce titre n'est pas mis en recouvrement : décidez d'abord de l'émettre.")
        )
    if titre.below_threshold and not titre.recovery_confirmed:
        raise ValidationError(
            _("Ce titre est inférieur au seuil de recouvrement : décidez d'abord de l'émettre.")
        )
    settings = settings_required(titre.consortium)
    issued_on = titre.batch.issue_date
    check_issue_date(issued_on)
    year = issued_on.year
    number = next_number(titre.consortium, year, TITRE)
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
    settlement = _check_correction(titre) if titre.original_id else None
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
    if settlement is not None:
        titre.snapshot["settlement"] = settlement
    titre.full_clean()
    titre.save()
    if titre.run_id and titre.run.kind != RunKind.ACTUAL:
        run_lock(run=titre.run)
    return titre


@transaction.atomic
def batch_issue(*, batch: TitreBatch, user=None) -> TitreBatch:
    """Issue every draft of the batch in one transaction, then render and e-mail after commit."""
    batch = TitreBatch.objects.select_for_update().select_related("fiscal_year").get(pk=batch.pk)
    if not batch.is_draft:
        raise ValidationError(_("Ce bordereau est déjà émis."))
    check_issue_date(batch.issue_date)
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
    batch.number = next_number(consortium, batch.issue_date.year, BATCH)
    batch.state = BatchState.ISSUED
    batch.issued_at = timezone.now()
    batch.issued_by = user
    batch.save(update_fields=["number", "state", "issued_at", "issued_by"])
    for titre in drafts:
        titre_issue(titre=titre, user=user)
    queue_batch(batch)
    return batch


def batch_resume(*, batch: TitreBatch) -> None:
    """Queue an issued batch's job again; PDFs and e-mails already done are not done twice."""
    if batch.is_draft:
        raise ValidationError(_("Ce bordereau n'est pas encore émis."))
    queue_batch(batch)
