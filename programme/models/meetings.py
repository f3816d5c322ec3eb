"""What the partnership adds to a meeting (article 4.2 of the Cergy-Pontoise convention): the
rotating secretariat, guests invited without a vote, the audio recording shared with partners."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.models import Meeting
from ligeris.lib.scopes import scoped_manager
from partners.models import Consortium, Partner


class RotaEntry(models.Model):
    """A partner's turn in the consortium's secretariat rota, in the order they take it."""

    consortium = models.ForeignKey(
        Consortium, on_delete=models.PROTECT, related_name="+", verbose_name=_("groupement")
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="+", verbose_name=_("partenaire")
    )
    position = models.PositiveIntegerField(_("rang"))

    objects = scoped_manager("consortium")

    class Meta:
        verbose_name = _("tour du secrétariat")
        verbose_name_plural = _("secrétariat tournant")
        ordering = ("position",)
        constraints = [
            models.UniqueConstraint(
                fields=("consortium", "partner"),
                name="rota_unique_partner",
                violation_error_message=_("Ce partenaire figure déjà dans le tour de rôle."),
            ),
            models.UniqueConstraint(
                fields=("consortium", "position"),
                name="rota_unique_position",
                violation_error_message=_("Ce rang du tour de rôle est déjà pris."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.partner}"


class MeetingSecretariat(models.Model):
    """The partner that holds a meeting's secretariat: the rota's proposal, or another one."""

    meeting = models.OneToOneField(
        Meeting, on_delete=models.PROTECT, related_name="secretariat", verbose_name=_("séance")
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="+", verbose_name=_("partenaire")
    )
    proposed = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposé par le tour de rôle"),
    )

    objects = scoped_manager("meeting__body__consortium")

    class Meta:
        verbose_name = _("secrétariat de la séance")
        verbose_name_plural = _("secrétariats des séances")

    def __str__(self) -> str:
        return f"{self.meeting} : {self.partner}"

    @property
    def is_override(self) -> bool:
        return self.proposed_id is not None and self.proposed_id != self.partner_id


class GuestKind(models.TextChoices):
    ELECTED = "elected", _("Élu du territoire")
    OUTSIDE = "outside", _("Partenaire extérieur")


class MeetingGuest(models.Model):
    """Someone invited to a meeting: in its attendance and minutes, never in a vote base."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="guests", verbose_name=_("séance")
    )
    kind = models.CharField(_("qualité"), max_length=10, choices=GuestKind.choices)
    name = models.CharField(_("nom"), max_length=200)
    title = models.CharField(
        _("fonction"), max_length=200, blank=True, help_text=_("Par ex. « Maire d'Osny ».")
    )
    organisation = models.CharField(_("organisme"), max_length=200, blank=True)
    attended = models.BooleanField(_("présent"), default=True)

    objects = scoped_manager("meeting__body__consortium")

    class Meta:
        verbose_name = _("invité")
        verbose_name_plural = _("invités")
        ordering = ("kind", "name", "pk")

    def __str__(self) -> str:
        parts = [self.name, self.title, self.organisation]
        return ", ".join(part for part in parts if part)


def _recording_path(instance: "MeetingRecording", filename: str) -> str:
    return f"programme/meetings/{instance.meeting_id}/{filename}"


class MeetingRecording(models.Model):
    """The audio recording of a remote meeting, shared with the partners that see the meeting."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="recordings", verbose_name=_("séance")
    )
    title = models.CharField(_("titre"), max_length=200)
    file = models.FileField(_("fichier audio"), upload_to=_recording_path)
    audio_format = models.CharField(_("format"), max_length=10, editable=False)
    size = models.PositiveBigIntegerField(_("taille (octets)"), editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    uploaded_at = models.DateTimeField(_("déposé le"), auto_now_add=True)

    objects = scoped_manager("meeting__body__consortium")

    class Meta:
        verbose_name = _("enregistrement audio")
        verbose_name_plural = _("enregistrements audio")
        ordering = ("uploaded_at", "pk")

    def __str__(self) -> str:
        return self.title
