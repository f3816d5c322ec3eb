from django.db import models

from ligeris.lib.fields import user_field  # noqa: F401 (the billing models' name for it)


def money_field(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=13, decimal_places=2, **kwargs)
