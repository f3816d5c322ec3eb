"""Candidacy files (article 8): prepared, put to a COPIL, applied when the admission is adopted."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from billing.services.costs import setup_charges_create
from governance.models import DecisionKind, ItemKind, Meeting
from governance.services.meetings import item_add
from ligeris.lib.services import save_validated as save
from membership.models import Candidacy, CandidacyState, RequestedTenant
from membership.services.status import status_set
from partners.models import Partner, PartnerStatus, Tenant
from partners.services import tenant_create
from titres.models import FiscalYear

#: The fields of the file staff fill in.
FILE_FIELDS = (
    "has_archives_service",
    "archives_head",
    "has_it_service",
    "it_head",
    "maturity_notes",
    "wished_opening_on",
    "opening_on",
    "letter_of_intent_on",
)


def _refuse_unless_open(candidacy: Candidacy) -> None:
    if candidacy.state in (CandidacyState.ADMITTED, CandidacyState.REFUSED):
        raise ValidationError(
            _("Cette candidature est close (%(state)s) : elle ne se modifie plus.")
            % {"state": candidacy.get_state_display()}
        )


def _set(candidacy: Candidacy, fields: dict[str, Any]) -> Candidacy:
    unknown = set(fields) - set(FILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown candidacy fields: {sorted(unknown)}")
    return save(candidacy, **fields)


@transaction.atomic
def candidacy_create(*, partner: Partner, **fields: Any) -> Candidacy:
    if partner.status != PartnerStatus.CANDIDATE:
        raise ValidationError(
            {
                "partner": _("%(partner)s n'est pas candidat : il est %(status)s.")
                % {"partner": partner, "status": partner.get_status_display().lower()}
            }
        )
    if Candidacy.objects.filter(partner=partner).exists():
        raise ValidationError({"partner": _("Ce candidat a déjà un dossier de candidature.")})
    return _set(Candidacy(partner=partner), fields)


@transaction.atomic
def candidacy_update(*, candidacy: Candidacy, **fields: Any) -> Candidacy:
    candidacy = Candidacy.objects.select_for_update().get(pk=candidacy.pk)
    _refuse_unless_open(candidacy)
    return _set(candidacy, fields)


def _check_code(candidacy: Candidacy, code: str) -> None:
    consortium_id = candidacy.partner.consortium_id
    if Tenant.objects.filter(consortium_id=consortium_id, code=code).exists():
        raise ValidationError({"code": _("Un tenant du groupement porte déjà ce code.")})
    if candidacy.requested_tenants.filter(code=code).exists():
        raise ValidationError({"code": _("Ce dossier demande déjà un tenant de ce code.")})


def _check_payer(candidacy: Candidacy, is_shared: bool, payer: Partner) -> None:
    candidate = candidacy.partner
    if not is_shared and payer.pk != candidate.pk:
        raise ValidationError(
            {"payer": _("Un tenant propre au candidat est payé par le candidat lui-même.")}
        )
    if payer.consortium_id != candidate.consortium_id:
        raise ValidationError({"payer": _("Ce partenaire n'appartient pas au groupement.")})
    if payer.pk != candidate.pk and payer.status != PartnerStatus.MEMBER:
        raise ValidationError(
            {"payer": _("Le payeur d'un tenant partagé est le candidat ou un membre.")}
        )


@transaction.atomic
def requested_tenant_add(
    *,
    candidacy: Candidacy,
    code: str,
    name: str,
    payer: Partner,
    is_shared: bool = False,
    volume_gb: Decimal = Decimal(0),
) -> RequestedTenant:
    candidacy = Candidacy.objects.select_for_update().get(pk=candidacy.pk)
    if candidacy.state != CandidacyState.DRAFT:
        raise ValidationError(_("Le dossier est inscrit au COPIL : ses tenants ne changent plus."))
    _check_code(candidacy, code)
    _check_payer(candidacy, is_shared, payer)
    return save(
        RequestedTenant(candidacy=candidacy),
        code=code,
        name=name,
        is_shared=is_shared,
        payer=payer,
        volume_gb=volume_gb,
    )


@transaction.atomic
def requested_tenant_remove(*, requested_tenant: RequestedTenant) -> None:
    candidacy = Candidacy.objects.select_for_update().get(pk=requested_tenant.candidacy_id)
    if candidacy.state != CandidacyState.DRAFT:
        raise ValidationError(_("Le dossier est inscrit au COPIL : ses tenants ne changent plus."))
    requested_tenant.delete()


def put_to_copil_refusals(candidacy: Candidacy) -> list[str]:
    """Why this file cannot go to a COPIL yet (article 8), in French; empty when it can."""
    refusals = []
    missing = candidacy.criteria_missing()
    if missing:
        refusals.append(
            _(
                "Article 8 : le candidat doit disposer d'un service d'archives et d'un service "
                "informatique. Il manque %(missing)s : le dossier ne peut pas aller au COPIL."
            )
            % {"missing": _(" et ").join(missing)}
        )
    if not candidacy.requested_tenants.exists():
        refusals.append(_("Le dossier ne demande aucun tenant."))
    return refusals


@transaction.atomic
def candidacy_put_to_copil(
    *, candidacy: Candidacy, meeting: Meeting, number: str = ""
) -> Candidacy:
    """Add the admission to a COPIL's agenda: a decision item about the candidate.

    Governance refuses an admission outside a steering committee, and recuses the candidate
    from the vote (it speaks for no tenant).
    """
    candidacy = Candidacy.objects.select_for_update().select_related("partner").get(pk=candidacy.pk)
    if candidacy.state != CandidacyState.DRAFT:
        raise ValidationError(_("Ce dossier est déjà inscrit à l'ordre du jour d'un COPIL."))
    refusals = put_to_copil_refusals(candidacy)
    if refusals:
        raise ValidationError(refusals)
    if meeting.body.consortium_id != candidacy.partner.consortium_id:
        raise ValidationError(_("Cette séance est celle d'un autre groupement."))
    partner = candidacy.partner
    item = item_add(
        meeting=meeting,
        title=_("Adhésion de %(partner)s") % {"partner": partner.name},
        kind=ItemKind.DECISION,
        summary=_(
            "Dossier de candidature (article 8), simulation de l'impact sur les quote-parts."
        ),
        motion=_(
            "Le comité de pilotage admet %(partner)s comme membre du groupement, avec ouverture "
            "de ses tenants le %(day)s."
        )
        % {"partner": partner.name, "day": candidacy.opens_on.strftime("%d/%m/%Y")},
        decision_kind=DecisionKind.ADMISSION,
        concerned_partner=partner,
        number=number,
    )
    candidacy.decision = item.decision
    candidacy.state = CandidacyState.AT_COPIL
    candidacy.save(update_fields=["decision", "state"])
    return candidacy


@transaction.atomic
def candidacy_admit(*, candidacy: Candidacy) -> list[Tenant]:
    """The COPIL adopted the admission: the candidate is a member, its tenants open on the decided
    date, and the grid's set-up lines it owes alone are charged to it in the year of opening."""
    candidacy = Candidacy.objects.select_for_update().select_related("partner").get(pk=candidacy.pk)
    if candidacy.state == CandidacyState.ADMITTED:
        return []
    opens_on = candidacy.opens_on
    partner = status_set(partner=candidacy.partner, status=PartnerStatus.MEMBER, since=opens_on)
    tenants = [
        tenant_create(
            consortium=partner.consortium,
            code=row.code,
            name=row.name,
            opened_on=opens_on,
            payer=row.payer,
            co_holders=[partner] if row.payer_id != partner.pk else [],
        )
        for row in candidacy.requested_tenants.select_related("payer")
    ]
    fiscal_year = FiscalYear.objects.filter(
        consortium=partner.consortium, year=opens_on.year
    ).first()
    if fiscal_year is not None:
        setup_charges_create(fiscal_year=fiscal_year, partner=partner, tenants=tenants)
    candidacy.state = CandidacyState.ADMITTED
    candidacy.opening_on = opens_on
    candidacy.save(update_fields=["state", "opening_on"])
    return tenants
