"""Model fields shared by the apps."""

from django.conf import settings
from django.db import models


def acting_user(verbose_name) -> models.ForeignKey:
    """Who proposed or decided something: emptied if the account goes, the act stays."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )
