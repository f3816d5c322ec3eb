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


def user_field(verbose_name) -> models.ForeignKey:
    """Who did it: kept when the user goes (PROTECT), empty for the demo and background jobs."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )


def money_field(verbose_name, **kwargs) -> models.DecimalField:
    """An amount in euros, to the cent."""
    return models.DecimalField(verbose_name, max_digits=13, decimal_places=2, **kwargs)
