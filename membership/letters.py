"""The exclusion's notification letter (article 8): a French official letter sent as a
registered letter with acknowledgment of receipt, rendered by WeasyPrint like the minutes.

The wording is built here, in French; the template lays it out.
"""

from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from governance import wording
from ligeris.lib import french
from ligeris.lib.pdf import render_pdf
from membership.models import ExclusionCase
from partners.models import PartnerStatus

#: Before the receipt is recorded, the letter states the period as the convention does.
FROM_RECEIPT = "six mois à compter de la réception de la présente"


def _decision_sentence(case: ExclusionCase) -> str:
    decision = case.decision
    item = decision.item
    meeting = item.meeting
    parts = [
        _("Réuni le %(day)s") % {"day": french.long_date(meeting.starts_at)},
    ]
    if meeting.place:
        parts.append(f" {meeting.place_phrase}")
    parts.append(
        _(", %(body)s a décidé de votre exclusion du partenariat")
        % {"body": french.with_article(meeting.body.name, feminine=False)}
    )
    if meeting.body.numbers_deliberations and item.number:
        parts.append(_(" par sa délibération n° %(number)s") % {"number": item.number})
    parts.append(
        _(" (%(outcome)s : %(tally)s)")
        % {
            "outcome": french.lower_first(decision.get_result_display()),
            "tally": wording.tally(
                decision.votes_for, decision.votes_against, decision.abstentions
            ),
        }
    )
    parts.append(
        _(". Conformément à la convention, %(partner)s n'a pas pris part au vote.")
        % {"partner": case.partner.name}
    )
    return "".join(parts)


def _period_sentence(case: ExclusionCase) -> str:
    tenants = [h.tenant for h in case.partner.holdings.select_related("tenant")]
    codes = ", ".join(f"{t.name} ({t.code})" for t in tenants) or _("votre tenant")
    text = _(
        "Conformément à l'article 8 de la convention, vous disposez d'un délai de %(period)s pour "
        "récupérer les données de votre tenant : %(tenants)s."
    ) % {"period": FROM_RECEIPT, "tenants": codes}
    if case.deadline:
        text += " " + _(
            "Cette lettre ayant été reçue le %(received)s, ce délai expire le %(deadline)s."
        ) % {
            "received": french.short_long_date(case.received_on),
            "deadline": french.short_long_date(case.deadline),
        }
    return text


def letter_context(case: ExclusionCase) -> dict:
    consortium = case.partner.consortium
    coordinator = consortium.coordinator
    day = case.letter_sent_on or timezone.localdate()
    decision = case.decision
    return {
        "case": case,
        "partner": case.partner,
        "consortium": consortium,
        "coordinator": coordinator,
        "place_and_date": _("%(city)s, le %(day)s")
        % {"city": coordinator.city if coordinator else "", "day": french.short_long_date(day)},
        "decision_sentence": _decision_sentence(case),
        "period_sentence": _period_sentence(case),
        "meeting_day": french.short_long_date(decision.item.meeting.starts_at),
        "deliberation_number": decision.item.number
        if decision.item.meeting.body.numbers_deliberations
        else "",
        "costs_amount": case.costs_pool.budget_amount if case.costs_pool_id else None,
        "is_draft": not case.letter_reference,
        "is_excluded": case.partner.status == PartnerStatus.EXCLUDED,
        "reference": _("Notification d'exclusion — %(partner)s") % {"partner": case.partner},
    }


def letter_pdf(case: ExclusionCase) -> bytes:
    """An official French letter, whatever language the reader browses in."""
    with translation.override("fr"):
        return render_pdf("membership/exclusion_letter_pdf.html", letter_context(case))


def letter_filename(case: ExclusionCase) -> str:
    return f"notification-exclusion-{slugify(case.partner.short_name)}.pdf"
