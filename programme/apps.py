from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    """A partnership programme (seeds 001/003): workstreams and their deliverables followed by
    the COPIL, the rotating secretariat, guests and audio recordings of the meetings."""

    name = "programme"
    verbose_name = _("Programme partenarial")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from programme import models

        for model in (
            models.Workstream,
            models.WorkstreamMember,
            models.WorkstreamReview,
            models.RotaEntry,
            models.MeetingSecretariat,
            models.MeetingGuest,
        ):
            auditlog.register(model)
        auditlog.register(models.Deliverable, exclude_fields=["document"])
        auditlog.register(models.MeetingRecording, exclude_fields=["file"])
