"""The minutes PDF of a large meeting, laid out by a background task: its state, then its bytes."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.models.meetings import Meeting
from ligeris.lib.fields import user_field
from ligeris.lib.scopes import scoped_manager


class MinutesExport(models.Model):
    """One PDF of a meeting's minutes, asked for by a reader, built once by a task.

    `closed_at` is the meeting's `minutes_closed_at` when it was asked: the minutes of a closed
    meeting never change, so that PDF is kept and given to every reader again (its SHA-256
    says so; reopened and closed again, the meeting gets another). Asked before the closing, it
    is a draft of that moment, replaced by the next one asked. Not a final row: its bytes are
    stored once, by an update guarded by `done_at`.
    """

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("séance"), on_delete=models.CASCADE, related_name="+"
    )
    closed_at = models.DateTimeField(_("procès-verbal clos le"), null=True, blank=True)
    pdf = models.BinaryField(_("PDF"), null=True, blank=True)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("taille (octets)"), default=0)
    error = models.CharField(_("erreur"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    created_by = user_field(_("demandé par"))
    done_at = models.DateTimeField(_("produit le"), null=True, blank=True)

    objects = scoped_manager("meeting__body__consortium")

    class Meta:
        verbose_name = _("procès-verbal préparé")
        verbose_name_plural = _("procès-verbaux préparés")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.meeting_id} — {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_draft(self) -> bool:
        return self.closed_at is None

    def as_dict(self) -> dict:
        return {"done": self.done_at is not None, "error": self.error}
