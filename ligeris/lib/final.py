"""Rows that become final: once a row matches its model's `final_rows`, the ORM refuses to
change it, whichever way it is asked.

`save()` and `delete()` check the row as stored (a stale instance cannot overwrite it) and the
parents it would be under after the save (`refused_parents`: nothing is put under a parent that
takes no new row, e.g. a closed meeting). The queryset's `update()`, `delete()`,
`bulk_create()` and `bulk_update()` check the same, and so do related managers.
A cascade only starts from a row that is itself checked: the foreign keys of final rows either
protect or point to such a row (the tests check it).

The services refuse first and explain; this is the last line in Python, and the only one on
SQLite. On PostgreSQL, triggers refuse the same for raw SQL (see the apps' migrations).
"""

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

RECORD_IMMUTABLE = _("Cet enregistrement est définitif : il ne se modifie ni ne se supprime.")


class FinalRowsQuerySet(models.QuerySet):
    def update(self, **kwargs):
        self.model.refuse_update(self, kwargs)
        return super().update(**kwargs)

    def delete(self):
        self.model.refuse_delete(self)
        return super().delete()

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)  # checked before Django's atomic block (no savepoint) is entered
        self.model.refuse_update(self.filter(pk__in=[obj.pk for obj in objs]), {})
        self.model.refuse_rows(objs)
        return super().bulk_update(objs, fields, *args, **kwargs)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        self.model.refuse_rows(objs)
        return super().bulk_create(objs, *args, **kwargs)


#: For a model that also scopes its rows: `scoped_manager(path, FinalRowsManager)`.
FinalRowsManager = models.Manager.from_queryset(FinalRowsQuerySet)


class FinalRows(models.Model):
    """A model whose rows become final; by default every stored row is (written once)."""

    #: The stored rows that no longer change, as a filter of this model.
    final_rows: ClassVar[Q] = Q()
    #: Foreign keys that may not point to some parents, by field name: a filter of the parent.
    refused_parents: ClassVar[dict[str, Q]] = {}
    final_message: ClassVar = RECORD_IMMUTABLE

    objects = FinalRowsQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.refuse_save(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_stored_final():
            self.refuse()
        return super().delete(*args, **kwargs)

    def refuse_save(self, update_fields) -> None:
        """Raise unless this save may be done; a model may allow a change of its own."""
        if self.is_stored_final():
            self.refuse()
        type(self).refuse_rows([self])

    def is_stored_final(self) -> bool:
        return (
            self.pk is not None
            and type(self)._base_manager.filter(self.final_rows, pk=self.pk).exists()
        )

    @classmethod
    def refuse(cls):
        raise ValidationError(cls.final_message)

    @classmethod
    def refuse_rows(cls, objs: list) -> None:
        """Raise if one of these rows, as it would be written, may not be (by default: if it
        would be under a refused parent)."""
        cls.refuse_parent_ids(
            {name: {getattr(obj, f"{name}_id") for obj in objs} for name in cls.refused_parents}
        )

    @classmethod
    def refuse_update(cls, queryset, values: dict) -> None:
        if queryset.filter(cls.final_rows).exists():
            cls.refuse()
        moved = {}
        for name in cls.refused_parents:
            field = cls._meta.get_field(name)
            for key in {field.name, field.attname} & values.keys():
                value = values[key]
                if hasattr(value, "resolve_expression"):  # F(), a subquery: cannot be checked
                    cls.refuse()
                moved[name] = {getattr(value, "pk", value)}
        cls.refuse_parent_ids(moved)

    @classmethod
    def refuse_delete(cls, queryset) -> None:
        if queryset.filter(cls.final_rows).exists():
            cls.refuse()

    @classmethod
    def refuse_parent_ids(cls, ids_by_field: dict[str, set]) -> None:
        for name, ids in ids_by_field.items():
            ids = ids - {None}
            parents = cls._meta.get_field(name).related_model._base_manager
            if ids and parents.filter(cls.refused_parents[name], pk__in=ids).exists():
                cls.refuse()
