from typing import Any


def save(instance, **fields: Any):
    """Set the fields, validate the row (clean and constraints), save it."""
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance
