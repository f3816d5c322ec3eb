"""What every app's services share."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator


def refuse_null_characters(instance) -> None:
    """A NUL in a text: PostgreSQL refuses it with a DataError (a server error), SQLite keeps
    it. Forms refuse it already; services called straight (imports, commands) refuse it here."""
    message = ProhibitNullCharactersValidator.message
    errors = {
        field.name: message
        for field in instance._meta.concrete_fields
        if isinstance(getattr(instance, field.attname, None), str)
        and "\x00" in getattr(instance, field.attname)
    }
    if errors:
        raise ValidationError(errors)


def save_validated(instance, **fields: Any):
    """Set the fields, validate the row (clean() and the model's constraints), save it."""
    for name, value in fields.items():
        setattr(instance, name, value)
    refuse_null_characters(instance)
    instance.full_clean()
    instance.save()
    return instance


def validate_in_bulk(instance) -> None:
    """Validate a row a service writes in bulk: its fields and clean(), in Python only.

    Its foreign keys are rows the service holds, and the database checks the constraints:
    `full_clean()` would ask the database for each (a query per key and per constraint, for
    each row), which a batch of thousands cannot afford.
    """
    refuse_null_characters(instance)
    exclude = [field.name for field in instance._meta.concrete_fields if field.is_relation]
    instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
