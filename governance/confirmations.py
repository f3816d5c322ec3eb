"""Reads behind the confirmation pages: what sending the convocation and closing the minutes will
do, before anything is done. The services check the same refusals again when they act."""

from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from governance import selectors, wording
from governance.models import Decision, DecisionKind, DecisionResult, Meeting, Seat
from ligeris.lib import french
from ligeris.lib.email import render_subject

#: The convocation e-mail's attachment (the agenda documents are reached through its link).
ICS_FILENAME = "convocation.ics"


def convocation_context(meeting: Meeting, seat: Seat) -> dict:
    """The convocation e-mail's context: the same for the preview and for the sending."""
    link = settings.LIGERIS_BASE_URL.rstrip("/") + meeting.get_absolute_url()
    when = f"{french.long_date(meeting.starts_at)} à {french.hour(meeting.starts_at)}"
    return {
        "meeting": meeting,
        "seat": seat,
        "items": meeting.items.all(),
        "link": link,
        "when": when,
    }


@dataclass(frozen=True)
class Recipient:
    seat: Seat
    sent_at: object = None  # when an earlier sending reached this seat: it gets nothing more


@dataclass
class ConvocationPreview:
    meeting: Meeting
    recipients: list[Recipient]
    subject: str = ""
    text: str = ""
    attachments: list[str] = field(default_factory=list)
    documents: list = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def new_recipients(self) -> list[Recipient]:
        return [r for r in self.recipients if r.sent_at is None]


def convocation_preview(meeting: Meeting) -> ConvocationPreview:
    sent = {
        d.seat_id: d.sent_at for d in meeting.deliveries.filter(sent_at__isnull=False).only("seat")
    }
    recipients = [
        Recipient(seat=seat, sent_at=sent.get(seat.pk))
        for seat in selectors.active_seats(meeting.body).order_by(
            "order", "partner__name", "person__last_name"
        )
    ]
    preview = ConvocationPreview(meeting=meeting, recipients=recipients)
    items = list(meeting.items.prefetch_related("documents"))
    if meeting.is_closed:
        preview.refusals.append(_("Le procès-verbal de cette séance est clos."))
    if not items:
        preview.refusals.append(_("L'ordre du jour est vide : ajoutez-y au moins un point."))
    if not preview.new_recipients:
        preview.refusals.append(_("Chaque membre de l'instance a déjà reçu la convocation."))
    if meeting.starts_at <= timezone.now():
        preview.warnings.append(
            _("La séance a déjà eu lieu : la convocation partira tout de même aux membres.")
        )
    if selectors.notice_is_short(meeting):
        preview.warnings.append(
            _(
                "Délai de convocation court : %(days)s avant la séance, l'instance en prévoit "
                "%(min)s."
            )
            % {
                "days": _days(selectors.notice_days(meeting)),
                "min": _days(meeting.body.notice_days),
            }
        )
    preview.documents = [doc for item in items for doc in item.documents.all()]
    first = (preview.new_recipients or recipients or [None])[0]
    if first is not None:
        context = convocation_context(meeting, first.seat)
        preview.subject = render_subject("convocation", context)
        preview.text = render_to_string("emails/convocation.txt", context)
        preview.attachments = [ICS_FILENAME]
    return preview


def _days(count) -> str:
    return wording.days(count or 0)


# --- Closing the minutes ------------------------------------------------------------------------


def minutes_close_refusals(meeting: Meeting) -> list[str]:
    """Why the minutes cannot be closed yet; empty when they can."""
    errors = []
    if meeting.is_closed:
        errors.append(_("Le procès-verbal de cette séance est déjà clos."))
    if not meeting.attendances.exists():
        errors.append(_("Les présences ne sont pas enregistrées."))
    if meeting.secretary_id is None:
        errors.append(_("Désignez le secrétaire de séance."))
    if meeting.starts_at > timezone.now():
        errors.append(_("La séance n'a pas encore eu lieu."))
    pending = Decision.objects.filter(item__meeting=meeting, result=DecisionResult.PENDING)
    for decision in pending.select_related("item").order_by("item__position"):
        errors.append(_("Le point « %(item)s » n'a pas été voté.") % {"item": decision.item.title})
    return errors


@dataclass
class ClosingSummary:
    meeting: Meeting
    refusals: list[str]
    decisions: list[Decision]
    partner_changes: list[str]
    partners_informed: int


def minutes_close_summary(meeting: Meeting) -> ClosingSummary:
    decisions = list(
        Decision.objects.filter(item__meeting=meeting)
        .select_related("item", "concerned_partner")
        .order_by("item__position")
    )
    changes = []
    for decision in decisions:
        if not decision.is_adopted:
            continue
        if decision.kind == DecisionKind.ADMISSION:
            changes.append(
                _("%(partner)s devient membre du groupement (admission adoptée).")
                % {"partner": decision.concerned_partner}
            )
        elif decision.kind == DecisionKind.EXCLUSION:
            changes.append(
                _("%(partner)s est exclu du groupement (exclusion adoptée).")
                % {"partner": decision.concerned_partner}
            )
        elif decision.kind == DecisionKind.TERMINATION:
            changes.append(
                _(
                    "La convention est résiliée d'un commun accord : les frais de résiliation "
                    "sont répartis à parts égales entre les membres, la réversibilité selon la "
                    "grille."
                )
            )
    partners = meeting.body.seats.filter(is_active=True).values("partner_id").distinct().count()
    return ClosingSummary(
        meeting=meeting,
        refusals=minutes_close_refusals(meeting),
        decisions=decisions,
        partner_changes=changes,
        partners_informed=partners,
    )
