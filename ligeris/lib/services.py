"""What every app's services share."""

from typing import Any


def save_validated(instance, **fields: Any):
    """Set the fields, validate the row (clean() and the model's constraints), save it."""
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance
