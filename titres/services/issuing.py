"""Issuing: numbering drafts, freezing their mentions, issuing a batch in one transaction.

A batch is issued in bulk (`_issue`): what its titres share is read once, the numbers taken
at once, the titres written in a few statements. A single titre (a correction) goes the same
way, as a batch of one.
"""

import copy
import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, Max, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from ligeris.lib.audit import log_updated
from ligeris.lib.services import validate_in_bulk
from partners.models import Partner
from titres import balances, titre_selectors
from titres.models import (
    CHARGING_KINDS,
    BatchState,
    RevenueTitle,
    TitreBatch,
    TitreLine,
    TitreLogo,
    TitreSettings,
    TitreState,
)
from titres.money import ZERO, format_euros
from titres.services.common import (
    BATCH,
    BULK,
    TITRE,
    check_issue_date,
    next_number,
    next_numbers,
    queue_batch,
    settings_required,
)
from titres.signals import titres_issued


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


def shared_mentions(consortium, settings: TitreSettings) -> dict:
    """The mentions every titre of one issue shares, read once."""
    convention = consortium.conventions.order_by("-signed_on").first()
    return {
        "consortium": {"name": consortium.name, "short_name": consortium.short_name},
        "issuer": party_snapshot(consortium.coordinator),
        "signatory": {
            "last_name": settings.signatory_last_name,
            "first_names": settings.signatory_first_names,
            "role": settings.signatory_role,
        },
        "legal": {
            "convention": convention.title if convention else "",
            "convention_signed_on": convention.signed_on.isoformat() if convention else "",
            "article": "7",
            "deliberation": settings.approving_deliberation,
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
        "court": {
            "name": settings.court,
            "address": settings.court_address,
            "article": settings.court_article.strip(),
        },
        # Empty: the standard text, as for titres issued before these settings existed.
        "wording": {
            "executory": settings.executory_formula.strip(),
            "remedies": settings.remedies_text.strip(),
        },
        # Named by its hash: a later logo is another row, so a re-render prints this one.
        "logo": (
            TitreLogo.objects.filter(pk=settings.logo_id)
            .values("sha256", "format", "width", "height")
            .first()
            if settings.logo_id
            else None
        ),
    }


def _snapshot(titre: RevenueTitle, mentions: dict, batch: TitreBatch) -> dict:
    """Every mention of the titre, frozen as issued: the PDF is rendered from this alone."""
    original = titre.original
    return {
        "consortium": mentions["consortium"],
        "issuer": mentions["issuer"],
        "signatory": mentions["signatory"],
        "debtor": party_snapshot(titre.debtor),
        "tenant": {"code": titre.tenant.code, "name": titre.tenant.name} if titre.tenant else None,
        "legal": {**mentions["legal"], "grid_year": titre.fiscal_year.year},
        "imputation": mentions["imputation"],
        "payment": mentions["payment"],
        "court": mentions["court"],
        # The drafter's heading and basis (a draft's only snapshot) over the settings' wording.
        "wording": {**mentions["wording"], **(titre.snapshot or {}).get("wording", {})},
        "logo": mentions["logo"],
        "batch_number": batch.number,
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


def _check_corrections(titres: list[RevenueTitle]) -> dict[int, dict]:
    """A correction never takes a titre below zero, nor a line below zero; the originals are
    locked while checking. Returns, by correction, what it settles: what the debtor has paid,
    what remains due, and the trop-perçu it makes, to be refunded by mandat. The corrections
    are taken in their order, each after those before it (as if issued one by one)."""
    corrections = [titre for titre in titres if titre.original_id]
    if not corrections:
        return {}
    original_ids = {titre.original_id for titre in corrections}
    list(RevenueTitle.objects.select_for_update().filter(pk__in=original_ids).order_by("pk"))
    originals = titre_selectors.balances_of(original_ids)
    held = defaultdict(
        lambda: ZERO,
        TitreLine.objects.filter(reduces__titre__in=original_ids, titre__state=TitreState.ISSUED)
        .values("reduces")
        .annotate(total=Sum("amount"))
        .values_list("reduces", "total"),
    )
    lines = defaultdict(list)
    for line in TitreLine.objects.filter(titre__in=corrections).select_related("reduces"):
        lines[line.titre_id].append(line)
    corrected = defaultdict(lambda: ZERO)  # by the corrections before, in this issue
    settlements = {}
    for titre in corrections:
        original = originals[titre.original_id]
        if original.state != TitreState.ISSUED or original.kind not in CHARGING_KINDS:
            raise ValidationError(_("Seul un titre émis de paiement peut être annulé ou réduit."))
        net = original.net - corrected[original.pk]
        if titre.total > net:
            raise ValidationError(
                _("Le titre n° %(reference)s n'a plus que %(remaining)s à annuler ou réduire.")
                % {"reference": original.reference, "remaining": format_euros(net)}
            )
        for line in lines[titre.pk]:
            reduced = line.reduces
            if reduced is None or reduced.titre_id != original.pk:
                raise ValidationError(
                    _("Chaque ligne d'une correction réduit une ligne du titre corrigé.")
                )
            left = reduced.amount - held[reduced.pk]
            if line.amount > left:
                raise ValidationError(
                    _(
                        "La ligne « %(line)s » du titre n° %(reference)s n'a plus que "
                        "%(left)s à réduire."
                    )
                    % {
                        "line": reduced.label,
                        "reference": original.reference,
                        "left": format_euros(left),
                    }
                )
            held[reduced.pk] += line.amount
        paid = original.paid - original.refunded
        after = net - titre.total
        refund = max(paid - after, ZERO) - max(paid - net, ZERO)
        settlements[titre.pk] = {
            "paid": str(paid),
            "net_after": str(after),
            "still_due": str(max(after - paid, ZERO)),
            "refund": str(refund),
        }
        corrected[original.pk] += titre.total
    return settlements


def _check_decided(titre: RevenueTitle) -> None:
    if titre.state == TitreState.WAIVED:
        raise ValidationError(
            _("Ce titre n'est pas mis en recouvrement : décidez d'abord de l'émettre.")
        )
    if titre.below_threshold and not titre.recovery_confirmed:
        raise ValidationError(
            _("Ce titre est inférieur au seuil de recouvrement : décidez d'abord de l'émettre.")
        )


ISSUED_FIELDS = [
    "state",
    "exercise",
    "number",
    "issued_on",
    "due_on",
    "issued_at",
    "issued_by",
    "snapshot",
]


def _write_issued(titres: list[RevenueTitle]) -> None:
    """The issued titres in one UPDATE per thousand, each row at once (issued iff numbered).

    What they share is one value; the number and the snapshot are matched by primary key (a
    CASE of one branch per titre: `bulk_update()` would make one for each of the 8 columns).
    """
    first = titres[0]
    for start in range(0, len(titres), BULK):
        chunk = titres[start : start + BULK]
        by_pk = {
            name: Case(
                *(When(pk=titre.pk, then=Value(getattr(titre, name), field)) for titre in chunk),
                output_field=field,
            )
            for name in ("number", "snapshot", "due_on")
            for field in [RevenueTitle._meta.get_field(name)]
        }
        RevenueTitle.objects.filter(pk__in=[titre.pk for titre in chunk]).update(
            state=first.state,
            exercise=first.exercise,
            issued_on=first.issued_on,
            issued_at=first.issued_at,
            issued_by=first.issued_by,
            **by_pk,
        )


def _issue(titres: list[RevenueTitle], batch: TitreBatch, user) -> list[RevenueTitle]:
    """Number the drafts (locked, in this order), freeze their mentions and make them final,
    on the batch's date: the settings and the mentions are read once, the numbers taken at
    once under the sequence's lock, the titres written in bulk, then `titres_issued` sent."""
    consortium = batch.fiscal_year.consortium
    settings = settings_required(consortium)
    issued_on = batch.issue_date
    check_issue_date(issued_on)
    year = issued_on.year
    numbers = next_numbers(consortium, year, TITRE, len(titres))
    # Numbers and dates run together: nothing is issued before a titre already numbered.
    latest = RevenueTitle.objects.filter(
        consortium=consortium, exercise=year, state=TitreState.ISSUED
    ).aggregate(latest=Max("issued_on"))["latest"]
    if latest and issued_on < latest:
        raise ValidationError(
            _(
                "Un titre de %(year)s est déjà émis le %(latest)s : la date d'émission ne peut "
                "pas être antérieure."
            )
            % {"year": year, "latest": latest.strftime("%d/%m/%Y")}
        )
    settlements = _check_corrections(titres)
    mentions = shared_mentions(consortium, settings)
    issued_at = timezone.now()
    drafts = []
    for titre, number in zip(titres, numbers, strict=True):
        drafts.append(copy.copy(titre))  # as it was, for the audit trail
        titre.state = TitreState.ISSUED
        titre.exercise = year
        titre.number = number
        titre.issued_on = issued_on
        titre.due_on = (
            issued_on + datetime.timedelta(days=settings.payment_days)
            if titre.kind in CHARGING_KINDS
            else issued_on
        )
        titre.issued_at = issued_at
        titre.issued_by = user
        titre.snapshot = _snapshot(titre, mentions, batch)
        if titre.pk in settlements:
            titre.snapshot["settlement"] = settlements[titre.pk]
        validate_in_bulk(titre)
    _write_issued(titres)
    # What is left to pay, stored: the new titres', and their originals' for corrections.
    balances.refresh([t.pk for t in titres] + [t.original_id for t in titres if t.original_id])
    log_updated(zip(drafts, titres, strict=True), ISSUED_FIELDS)
    # In this transaction: what the drafters keep of the titres (cost sharing locks the runs
    # they came from) is written with them or not at all.
    titres_issued.send(sender=RevenueTitle, titres=titres)
    return titres


def _drafts_to_issue(titres) -> list[RevenueTitle]:
    """The drafts locked, with what their snapshots print."""
    return list(
        titres.select_for_update(of=("self",)).select_related(
            "debtor__organisation", "tenant", "fiscal_year", "original"
        )
    )


@transaction.atomic
def titre_issue(*, titre: RevenueTitle, user=None) -> RevenueTitle:
    """Number the draft, freeze its mentions and make it final, on its batch's date."""
    locked = _drafts_to_issue(RevenueTitle.objects.filter(pk=titre.pk))
    if not locked or locked[0].state == TitreState.ISSUED:
        raise ValidationError(_("Ce titre est déjà émis."))
    titre = locked[0]
    _check_decided(titre)
    batch = TitreBatch.objects.select_related("fiscal_year__consortium").get(pk=titre.batch_id)
    return _issue([titre], batch, user)[0]


@transaction.atomic
def batch_issue(*, batch: TitreBatch, user=None) -> TitreBatch:
    """Issue every draft of the batch in one transaction, then render and e-mail after commit.

    A few dozen queries whatever the batch's size: each titre is numbered, frozen and written
    with the others (`_issue`)."""
    batch = TitreBatch.objects.select_for_update().select_related("fiscal_year").get(pk=batch.pk)
    if not batch.is_draft:
        raise ValidationError(_("Ce bordereau est déjà émis."))
    check_issue_date(batch.issue_date)
    drafts = _drafts_to_issue(
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
    _issue(drafts, batch, user)
    queue_batch(batch)
    return batch


def batch_resume(*, batch: TitreBatch) -> None:
    """Queue an issued batch's job again; PDFs and e-mails already done are not done twice."""
    if batch.is_draft:
        raise ValidationError(_("Ce bordereau n'est pas encore émis."))
    queue_batch(batch)
