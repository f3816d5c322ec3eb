"""Amendments drawn up from COPIL decisions, approved by every party in the same terms (art. 10).

In force only once every party has approved: `effective_on` is then the date of the last
deliberation, unless a later date is given when the last approval is recorded.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import Decision, DecisionKind
from membership.models import AmendmentFile, AmendmentParty
from partners.models import Amendment, AmendmentKind, Convention, Partner, PartnerStatus
from partners.selectors import current_convention
from partners.services import amendment_save

#: Decisions that draw their amendment up when the minutes close.
AMENDMENT_KINDS = {
    DecisionKind.ADMISSION: AmendmentKind.ADMISSION,
    DecisionKind.EXCLUSION: AmendmentKind.EXCLUSION,
    DecisionKind.TERMINATION: AmendmentKind.TERMINATION,
}
#: Who is a party: every member, a withdrawing one included until it has left.
PARTY_STATUSES = (PartnerStatus.MEMBER, PartnerStatus.WITHDRAWING)


def _title(decision: Decision, kind: str) -> str:
    partner = decision.concerned_partner
    if kind == AmendmentKind.ADMISSION:
        return _("Adhésion de %(partner)s") % {"partner": partner}
    if kind == AmendmentKind.EXCLUSION:
        return _("Exclusion de %(partner)s") % {"partner": partner}
    if kind == AmendmentKind.TERMINATION:
        return _("Résiliation de la convention d'un commun accord")
    return decision.item.title


def parties_of(decision: Decision) -> list[Partner]:
    """The members at the time of the decision; the candidate of an admission is one of them."""
    consortium = decision.item.meeting.body.consortium
    partners = list(consortium.partners.filter(status__in=PARTY_STATUSES).order_by("name"))
    candidate = decision.concerned_partner
    if decision.kind == DecisionKind.ADMISSION and candidate not in partners:
        partners = sorted([*partners, candidate], key=lambda p: p.name)
    if decision.kind == DecisionKind.EXCLUSION:
        partners = [p for p in partners if p != candidate]
    return partners


@transaction.atomic
def amendment_draw_up(*, decision: Decision) -> AmendmentFile:
    """The amendment of an adopted decision: next number of the convention, object, parties.

    Drawing it up twice gives the same file.
    """
    existing = AmendmentFile.objects.filter(decision=decision).first()
    if existing is not None:
        return existing
    # Read afresh: a caller's copy may predate the closing of the minutes.
    decision = Decision.objects.select_related(
        "item__meeting__body__consortium", "concerned_partner"
    ).get(pk=decision.pk)
    meeting = decision.item.meeting
    if not decision.is_adopted or not meeting.is_closed:
        raise ValidationError(
            _("Un avenant s'établit d'après une décision adoptée dont le procès-verbal est clos.")
        )
    convention = current_convention(meeting.body.consortium)
    if convention is None:
        raise ValidationError(_("Le groupement n'a pas de convention à modifier par avenant."))
    # One number at a time per convention.
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    last = convention.amendments.aggregate(last=Max("number"))["last"] or 0
    kind = AMENDMENT_KINDS.get(decision.kind, AmendmentKind.OTHER)
    decided_on = timezone.localdate(meeting.starts_at)
    amendment = amendment_save(
        amendment=Amendment(convention=convention),
        number=last + 1,
        kind=kind,
        title=_title(decision, kind),
        partner=decision.concerned_partner,
        summary=decision.motion,
    )
    file = AmendmentFile.objects.create(
        amendment=amendment, decision=decision, drawn_up_on=decided_on
    )
    AmendmentParty.objects.bulk_create(
        AmendmentParty(file=file, partner=partner, position=position)
        for position, partner in enumerate(parties_of(decision), start=1)
    )
    return file


def missing_approvals(file: AmendmentFile) -> list[AmendmentParty]:
    return [party for party in file.parties.select_related("partner") if not party.has_approved]


def _refuse_missing(file: AmendmentFile) -> None:
    missing = missing_approvals(file)
    if missing:
        raise ValidationError(
            _(
                "L'avenant n° %(number)s ne peut entrer en vigueur : il doit être approuvé dans "
                "les mêmes termes par tous les partenaires (article 10). Approbation manquante : "
                "%(names)s."
            )
            % {
                "number": file.amendment.number,
                "names": ", ".join(party.partner.name for party in missing),
            }
        )


def _last_approval(file: AmendmentFile) -> datetime.date:
    return file.parties.aggregate(last=Max("approved_on"))["last"]


@transaction.atomic
def amendment_mark_in_force(
    *, file: AmendmentFile, effective_on: datetime.date | None = None
) -> AmendmentFile:
    """In force once every party has approved; refused, and nothing saved, otherwise."""
    file = AmendmentFile.objects.select_for_update().select_related("amendment").get(pk=file.pk)
    _refuse_missing(file)
    last = _last_approval(file)
    effective_on = effective_on or last
    if effective_on < last:
        raise ValidationError(
            {
                "effective_on": _(
                    "L'avenant ne peut prendre effet avant la dernière approbation (%(day)s)."
                )
                % {"day": last.strftime("%d/%m/%Y")}
            }
        )
    amendment_save(amendment=file.amendment, effective_on=effective_on, signed_on=last)
    return file


@transaction.atomic
def approval_record(
    *,
    party: AmendmentParty,
    approving_body: str,
    approved_on: datetime.date,
    deliberation_number: str = "",
    scan=None,
    effective_on: datetime.date | None = None,
    user=None,
) -> AmendmentParty:
    """Record a party's approving deliberation; the last one puts the amendment in force."""
    file = AmendmentFile.objects.select_for_update().select_related(
        "amendment", "decision__item__meeting"
    )
    file = file.get(pk=party.file_id)
    party = AmendmentParty.objects.select_for_update().get(pk=party.pk)
    if file.is_in_force:
        raise ValidationError(
            _("L'avenant est en vigueur : les approbations des parties ne changent plus.")
        )
    errors = {}
    if not approving_body.strip():
        errors["approving_body"] = _("Indiquez l'instance qui a délibéré.")
    decided_on = timezone.localdate(file.decision.item.meeting.starts_at)
    if approved_on > timezone.localdate():
        errors["approved_on"] = _("La délibération ne peut être datée d'un jour à venir.")
    elif approved_on < decided_on:
        errors["approved_on"] = _(
            "La délibération ne peut précéder la décision du comité (%(day)s)."
        ) % {"day": decided_on.strftime("%d/%m/%Y")}
    if errors:
        raise ValidationError(errors)
    party.approving_body = approving_body.strip()
    party.approved_on = approved_on
    party.deliberation_number = deliberation_number.strip()
    if scan:
        party.scan = scan
    party.recorded_at = timezone.now()
    party.recorded_by = user
    party.full_clean()
    party.save()
    if not missing_approvals(file):
        amendment_mark_in_force(file=file, effective_on=effective_on)
    return party
