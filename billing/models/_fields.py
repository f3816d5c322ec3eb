from django.db import models


def money_field(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=13, decimal_places=2, **kwargs)
