"""Meetings, their attendance and proxies, their agenda and its documents.

Once the minutes are closed the meeting and the rows of its record are history: they refuse
to be saved, deleted or moved (`ligeris.lib.final`; on PostgreSQL, triggers refuse raw SQL too).
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from governance.models.bodies import Body, Seat
from ligeris.lib.final import FinalRows, FinalRowsManager
from ligeris.lib.scopes import scoped_manager
from partners.models import Person

CLOSED_MINUTES = _("Le procès-verbal de cette séance est clos : rien n'y change.")
CLOSED = Q(minutes_closed_at__isnull=False)


class Meeting(FinalRows):
    """Once its minutes are closed, the meeting is history: nothing of its record changes.

    Its parents (body, chair, secretary) protect it: no cascade reaches it.
    """

    final_rows = CLOSED
    final_message = CLOSED_MINUTES

    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("instance")
    )
    starts_at = models.DateTimeField(_("date et heure"))
    place = models.CharField(_("lieu"), max_length=300, blank=True)
    # How the minutes introduce the place: "à l'"Hôtel du Département, "au" siège de…
    place_preposition = models.CharField(
        _("introduction du lieu"),
        max_length=30,
        blank=True,
        default="à",
        help_text=_(
            "Comme le procès-verbal l'écrit devant le lieu : « à l' » Hôtel du Département, "
            "« au » siège de…, « à la » Maison…, « à » Tours."
        ),
    )
    video_link = models.URLField(_("lien de visioconférence"), blank=True)
    chair = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("président de séance"),
    )
    chair_title = models.CharField(
        _("qualité du président de séance"),
        max_length=200,
        blank=True,
        help_text=_(
            "Telle qu'elle figure au procès-verbal et sous sa signature, par ex. « Maire de "
            "Châteauroux », « Présidente du Conseil départemental ». Vide : sa fonction."
        ),
    )
    secretary = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("secrétaire de séance"),
    )
    # Stamped when the product sends the convocation; typed in for a convocation sent otherwise.
    convened_at = models.DateTimeField(_("convocation envoyée le"), null=True, blank=True)
    minutes_closed_at = models.DateTimeField(_("procès-verbal clos le"), null=True, blank=True)

    objects = scoped_manager("body__consortium", FinalRowsManager)

    class Meta:
        verbose_name = _("séance")
        verbose_name_plural = _("séances")
        ordering = ("-starts_at",)
        constraints = [
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(video_link=""),
                name="meeting_has_place_or_link",
                violation_error_message=_("Indiquez un lieu ou un lien de visioconférence."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body} — {self.starts_at:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("governance:meeting_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.minutes_closed_at is not None

    @property
    def place_phrase(self) -> str:
        """ "à l'Hôtel du Département, Tours": the place as the minutes introduce it."""
        if not self.place:
            return ""
        preposition = self.place_preposition.strip()
        if not preposition:
            return self.place
        glue = "" if preposition.endswith(("'", "’")) else " "
        return f"{preposition}{glue}{self.place}"


class ClosedMinutesGuard(FinalRows):
    """A row of a meeting's record: final once the minutes are closed, and nothing is put
    under a closed meeting. The services check first and explain; this is the last line.
    """

    final_message = CLOSED_MINUTES

    class Meta:
        abstract = True

    def _meeting_id(self) -> int | None:
        raise NotImplementedError

    def get_additional_data(self) -> dict:
        """Kept with each audit entry, so the meeting's history finds removed rows too."""
        return {"meeting_id": self._meeting_id()}


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Présent")
    EXCUSED = "excused", _("Excusé")
    PROXY = "proxy", _("Excusé, a donné pouvoir")
    ABSENT = "absent", _("Absent")


class Attendance(ClosedMinutesGuard):
    final_rows = Q(meeting__minutes_closed_at__isnull=False)
    refused_parents = {"meeting": CLOSED}

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="attendances")
    status = models.CharField(_("présence"), max_length=10, choices=AttendanceStatus.choices)
    proxy_to = models.ForeignKey(
        Seat,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proxies_held",
        verbose_name=_("pouvoir donné à"),
    )

    objects = scoped_manager("meeting__body__consortium", FinalRowsManager)

    class Meta:
        verbose_name = _("présence")
        verbose_name_plural = _("présences")
        constraints = [
            models.UniqueConstraint(
                fields=("meeting", "seat"),
                name="attendance_unique_seat",
                violation_error_message=_(
                    "La présence de ce membre est déjà enregistrée pour cette séance."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status=AttendanceStatus.PROXY, proxy_to__isnull=False)
                | (~Q(status=AttendanceStatus.PROXY) & Q(proxy_to__isnull=True)),
                name="attendance_proxy_iff_holder",
                violation_error_message=_(
                    "Un pouvoir désigne son mandataire ; sans pouvoir, aucun mandataire."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(proxy_to=models.F("seat")),
                name="attendance_no_proxy_to_self",
                violation_error_message=_("Un membre ne peut se donner pouvoir à lui-même."),
            ),
        ]

    def __str__(self) -> str:
        # The enum's label, not get_status_display(): a sheet of 2,000 rows is audited at once.
        return f"{self.seat} : {AttendanceStatus(self.status).label}"

    def _meeting_id(self):
        return self.meeting_id


class ItemKind(models.TextChoices):
    INFORMATION = "information", _("Pour information")
    DECISION = "decision", _("Pour décision")


class AgendaItem(ClosedMinutesGuard):
    final_rows = Q(meeting__minutes_closed_at__isnull=False)
    refused_parents = {"meeting": CLOSED}

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="items", verbose_name=_("séance")
    )
    position = models.PositiveSmallIntegerField(_("rang"))
    title = models.CharField(_("intitulé"), max_length=300)
    kind = models.CharField(_("nature"), max_length=12, choices=ItemKind.choices)
    number = models.CharField(
        _("numéro de délibération"),
        max_length=30,
        blank=True,
        help_text=_("Pour une instance qui numérote ses délibérations, par ex. « 2026-03 »."),
    )
    summary = models.TextField(_("compte rendu des échanges"), blank=True)

    objects = scoped_manager("meeting__body__consortium", FinalRowsManager)

    class Meta:
        verbose_name = _("point de l'ordre du jour")
        verbose_name_plural = _("points de l'ordre du jour")
        ordering = ("meeting", "position")
        constraints = [
            models.UniqueConstraint(
                fields=("meeting", "position"),
                name="item_unique_position",
                violation_error_message=_("L'ordre du jour a déjà un point à ce rang."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    def _meeting_id(self):
        return self.meeting_id


def _document_path(instance: "AgendaDocument", filename: str) -> str:
    return f"governance/meetings/{instance.item.meeting_id}/{filename}"


class AgendaDocument(ClosedMinutesGuard):
    final_rows = Q(item__meeting__minutes_closed_at__isnull=False)
    refused_parents = {"item": Q(meeting__minutes_closed_at__isnull=False)}

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("titre"), max_length=200)
    file = models.FileField(_("fichier"), upload_to=_document_path)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = scoped_manager("item__meeting__body__consortium", FinalRowsManager)

    class Meta:
        verbose_name = _("document joint")
        verbose_name_plural = _("documents joints")
        ordering = ("uploaded_at",)

    def __str__(self) -> str:
        return self.title

    def _meeting_id(self):
        return self.item.meeting_id
