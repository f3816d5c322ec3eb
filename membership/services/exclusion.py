"""Exclusion (article 8): the case, its COPIL decision, the registered letter, its receipt, the
data-recovery period that holds the tenants open, and the costs charged to the excluded partner.

Every function validates, then writes inside one transaction: a refusal leaves nothing behind.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import PoolCategory
from billing.services.costs import direct_charge_record
from governance.models import Decision, DecisionKind, ItemKind, Meeting
from governance.services.meetings import item_add
from ligeris.lib.services import save_validated as save
from membership.models import ExclusionCase, ExclusionGround, ExclusionState
from membership.services.status import seats_end, status_set
from partners.models import Partner, PartnerStatus, Tenant
from titres import titre_selectors
from titres.models import FiscalYear, RevenueTitle
from titres.money import format_euros

#: Who can be excluded: a partner still in the consortium.
EXCLUDABLE = (PartnerStatus.MEMBER, PartnerStatus.WITHDRAWING)


def _day(value: datetime.date) -> str:
    return f"{value:%d/%m/%Y}"


def unpaid_breach(titres: Iterable[RevenueTitle]) -> str:
    """The breach as the letter states it: each unpaid titre, what is left and since when."""
    lines = [
        _("titre n° %(ref)s, échu le %(due)s : %(balance)s restant dus")
        % {"ref": t.reference, "due": _day(t.due_on), "balance": format_euros(t.balance)}
        for t in titres
    ]
    return _("Non-paiement de la participation financière (%(titres)s).") % {
        "titres": " ; ".join(lines)
    }


@transaction.atomic
def exclusion_open(
    *,
    partner: Partner,
    ground: str,
    breach: str = "",
    titres: Iterable[RevenueTitle] = (),
    opened_on: datetime.date | None = None,
) -> ExclusionCase:
    """Propose an exclusion: for unpaid titres (the overdue flag) or for another breach."""
    opened_on = opened_on or timezone.localdate()
    Partner.objects.select_for_update().filter(pk=partner.pk).first()
    if partner.status not in EXCLUDABLE:
        raise ValidationError(
            _("%(partner)s n'est pas membre du groupement (%(status)s) : il ne peut être exclu.")
            % {"partner": partner, "status": partner.get_status_display().lower()}
        )
    ids = [t.pk for t in titres]
    unpaid = list(
        titre_selectors.overdue(partner.consortium, opened_on).filter(debtor=partner, pk__in=ids)
    )
    if len(unpaid) != len(set(ids)):
        raise ValidationError(
            {"titres": _("Ne retenez que des titres de ce partenaire échus et non soldés.")}
        )
    if ground == ExclusionGround.NON_PAYMENT and not unpaid:
        raise ValidationError(
            {"titres": _("Un non-paiement se constate sur au moins un titre échu non soldé.")}
        )
    if ground == ExclusionGround.NON_PAYMENT and not breach.strip():
        breach = unpaid_breach(unpaid)
    if not breach.strip():
        raise ValidationError({"breach": _("Décrivez le manquement constaté.")})
    case = save(
        ExclusionCase(partner=partner),
        ground=ground,
        breach=breach.strip(),
        opened_on=opened_on,
        state=ExclusionState.OPEN,
    )
    case.titres.set(unpaid)
    return case


def _locked(case: ExclusionCase) -> ExclusionCase:
    return ExclusionCase.objects.select_for_update().select_related("partner").get(pk=case.pk)


@transaction.atomic
def exclusion_schedule(
    *, case: ExclusionCase, meeting: Meeting, number: str = "", motion: str = ""
) -> ExclusionCase:
    """Put the exclusion on a COPIL's agenda: a decision item with the partner concerned, who
    is recused from its vote. Only a COPIL may decide it (governance refuses any other body)."""
    case = _locked(case)
    if case.state != ExclusionState.OPEN:
        raise ValidationError(_("Cette procédure est déjà inscrite à l'ordre du jour d'un COPIL."))
    partner = case.partner
    if meeting.body.consortium_id != partner.consortium_id:
        raise ValidationError({"meeting": _("Cette séance est celle d'un autre groupement.")})
    item = item_add(
        meeting=meeting,
        title=_("Exclusion de %(partner)s") % {"partner": partner},
        kind=ItemKind.DECISION,
        summary=case.breach,
        motion=motion.strip()
        or _(
            "Le comité de pilotage prononce l'exclusion de %(partner)s du partenariat, en "
            "application de l'article 8 de la convention, pour le manquement suivant : %(breach)s"
        )
        % {"partner": partner, "breach": case.breach},
        decision_kind=DecisionKind.EXCLUSION,
        concerned_partner=partner,
        number=number,
    )
    case.decision = item.decision
    case.state = ExclusionState.SCHEDULED
    case.save(update_fields=["decision", "state"])
    return case


def exclusion_apply(decision: Decision) -> ExclusionCase:
    """The minutes close with the exclusion adopted: the case is decided, the partner excluded,
    its seats end. A decision put on the agenda without a case gets one, its motion as breach."""
    partner = decision.concerned_partner
    meeting_day = timezone.localdate(decision.item.meeting.starts_at)
    case = ExclusionCase.objects.select_for_update().filter(decision=decision).first()
    if case is None:
        pending = ExclusionCase.objects.select_for_update().filter(
            partner=partner, state__in=(ExclusionState.OPEN, ExclusionState.SCHEDULED)
        )
        case = pending.first() or ExclusionCase(
            partner=partner, ground=ExclusionGround.OTHER, breach=decision.motion
        )
        case.opened_on = case.opened_on or meeting_day
    case.decision = decision
    case.state = ExclusionState.DECIDED
    case.decided_on = meeting_day
    case.full_clean()
    case.save()
    status_set(partner=partner, status=PartnerStatus.EXCLUDED, until=meeting_day)
    seats_end(partner=partner)
    return case


def _refuse_unless_decided(case: ExclusionCase) -> None:
    if case.state != ExclusionState.DECIDED:
        raise ValidationError(_("L'exclusion n'est pas encore décidée par le COPIL."))


def _refuse_future(day: datetime.date, field: str, today: datetime.date) -> None:
    if day > today:
        raise ValidationError({field: _("Cette date est à venir : indiquez celle qui a eu lieu.")})


@transaction.atomic
def exclusion_letter_record(
    *,
    case: ExclusionCase,
    sent_on: datetime.date,
    reference: str,
    today: datetime.date | None = None,
) -> ExclusionCase:
    """The registered letter is sent: its date and its LRAR number."""
    case = _locked(case)
    _refuse_unless_decided(case)
    _refuse_future(sent_on, "letter_sent_on", today or timezone.localdate())
    if sent_on < case.decided_on:
        raise ValidationError(
            {
                "letter_sent_on": _("La lettre ne peut précéder la décision du COPIL du %(day)s.")
                % {"day": _day(case.decided_on)}
            }
        )
    if case.received_on and sent_on > case.received_on:
        raise ValidationError(
            {"letter_sent_on": _("La lettre ne peut être envoyée après sa réception.")}
        )
    if not reference.strip():
        raise ValidationError(
            {"letter_reference": _("Indiquez le numéro de la lettre recommandée.")}
        )
    return save(case, letter_sent_on=sent_on, letter_reference=reference.strip())


@transaction.atomic
def exclusion_receipt_record(
    *, case: ExclusionCase, received_on: datetime.date, today: datetime.date | None = None
) -> ExclusionCase:
    """The partner received the letter (the acknowledgment's date): the six months run from it."""
    case = _locked(case)
    _refuse_unless_decided(case)
    _refuse_future(received_on, "received_on", today or timezone.localdate())
    if received_on < case.decided_on:
        raise ValidationError(
            {
                "received_on": _("La réception ne peut précéder la décision du COPIL du %(day)s.")
                % {"day": _day(case.decided_on)}
            }
        )
    if case.letter_sent_on and received_on < case.letter_sent_on:
        raise ValidationError(
            {
                "received_on": _("La réception ne peut précéder l'envoi de la lettre (%(day)s).")
                % {"day": _day(case.letter_sent_on)}
            }
        )
    return save(case, received_on=received_on)


@transaction.atomic
def exclusion_costs_charge(
    *,
    case: ExclusionCase,
    amount: Decimal,
    label: str,
    invoice_date: datetime.date,
    reference: str = "",
) -> ExclusionCase:
    """The costs of the exclusion (registered letter, data export…) are the excluded partner's:
    a direct charge to it, billed by the next specific run (article 8)."""
    case = _locked(case)
    _refuse_unless_decided(case)
    if case.costs_pool_id:
        raise ValidationError(_("Les frais de cette exclusion sont déjà imputés."))
    partner = case.partner
    fiscal_year = FiscalYear.objects.filter(
        consortium_id=partner.consortium_id, year=invoice_date.year
    ).first()
    if fiscal_year is None:
        raise ValidationError(
            {
                "invoice_date": _("L'exercice %(year)s n'est pas ouvert : créez-le d'abord.")
                % {"year": invoice_date.year}
            }
        )
    pool = direct_charge_record(
        fiscal_year=fiscal_year,
        partner=partner,
        code=f"exclusion-{case.pk}",
        label=label.strip() or _("Frais d'exclusion de %(partner)s") % {"partner": partner},
        category=PoolCategory.EXCLUSION,
        amount=amount,
        invoice_date=invoice_date,
        vendor=str(partner.consortium.coordinator or partner.consortium),
        reference=reference,
    )
    case.costs_pool = pool
    case.save(update_fields=["costs_pool"])
    return case


def tenant_closing_check(*, tenant: Tenant, closed_on: datetime.date) -> None:
    """An excluded partner's tenant stays open until its six months of data recovery are over:
    it may close from the day after the deadline, never before the receipt is recorded."""
    cases = ExclusionCase.objects.filter(
        state=ExclusionState.DECIDED, partner__holdings__tenant=tenant
    ).select_related("partner")
    for case in cases:
        if case.deadline is None:
            raise ValidationError(
                {
                    "closed_on": _(
                        "%(partner)s est exclu, mais la réception de la lettre de notification "
                        "n'est pas enregistrée : le délai de six mois pour récupérer ses données "
                        "n'a pas commencé, le tenant ne peut être fermé."
                    )
                    % {"partner": case.partner}
                }
            )
        if closed_on <= case.deadline:
            raise ValidationError(
                {
                    "closed_on": _(
                        "%(partner)s dispose jusqu'au %(deadline)s pour récupérer les données de "
                        "son tenant (article 8) : le tenant ne peut être fermé qu'à partir du "
                        "%(first)s."
                    )
                    % {
                        "partner": case.partner,
                        "deadline": _day(case.deadline),
                        "first": _day(case.deadline + datetime.timedelta(days=1)),
                    }
                }
            )
