from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    """Committees, meetings, attendance and proxies, tenant votes, minutes and actions."""

    name = "governance"
    verbose_name = _("Gouvernance")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from governance import models

        for model in (
            models.Body,
            models.Seat,
            models.Meeting,
            models.AgendaItem,
            models.Attendance,
            models.Decision,
            models.Vote,
            models.Action,
            models.ClosedYear,
            models.MeetingRequest,
        ):
            auditlog.register(model)
