"""One scope, the consortium: a query on a consortium's rows made outside of one is an error.

Selectors filter by the request's consortium themselves (`partners.selectors.in_consortium`);
this is the guard behind them (django-scopes, as pretix does). A model whose rows belong to one
consortium has `objects = scoped_manager("<path to its consortium>")`: inside
`consortium_scope(c)` its queries only see c's rows, outside any scope they raise `ScopeError`.
`_base_manager` stays Django's plain one: forward relations (`tenant.consortium`,
`user.partner`), `refresh_from_db` and cascades read what the rows point to.

Requests run in their consortium's scope (`ScopeMiddleware`), tasks in the scope of the row
they are given (`in_scope_of`); commands, migrations and the tests' set-up in
`scopes_disabled()`.
"""

import functools
import inspect
from contextlib import contextmanager

from django.db import models
from django_scopes import ScopedManager, ScopeError, get_scope, scope, scopes_disabled
from django_scopes.manager import DisabledQuerySet

__all__ = [
    "ScopeError",
    "consortium_id_of",
    "consortium_scope",
    "get_scope",
    "in_scope_of",
    "scoped_manager",
    "scopes_disabled",
]

#: A scope value matching no row (django-scopes filters `__in=[]`; None would filter nothing).
NO_CONSORTIUM: list = []


class OutOfScope(DisabledQuerySet):
    """A query made outside any scope: running or filtering it raises `ScopeError`.

    Only `all()` does not raise: it takes the scope of the moment it is called in. A form
    field's queryset is built when its form class is (at import, out of scope), then copied
    with `all()` for each form, in the request's scope: each form sees its consortium's rows.
    """

    def all(self):
        now = get_scope()
        if now.get("_enabled", True) and "consortium" not in now:
            return self._clone()
        return self.model._default_manager.all()


def scoped_manager(path: str, manager_class: type[models.Manager] = models.Manager):
    """The default manager of a model whose rows belong to the consortium at `path`."""

    class ConsortiumScopedManager(
        type(ScopedManager(_manager_class=manager_class, consortium=path))
    ):
        def get_queryset(self):
            queryset = super().get_queryset()
            if type(queryset) is DisabledQuerySet:
                return OutOfScope(self.model, using=self._db, missing_scopes=["consortium"])
            return queryset

    manager = ConsortiumScopedManager()
    manager.consortium_path = path
    return manager


def consortium_scope(consortium):
    """The scope of `consortium` (an instance or a pk); None: a scope that matches nothing."""
    if consortium is None:
        return scope(consortium=NO_CONSORTIUM)
    return scope(consortium=getattr(consortium, "pk", consortium))


def consortium_id_of(model: type[models.Model], pk) -> int | None:
    """The consortium of `model`'s row `pk`, read unscoped; None when there is no such row."""
    path = model._default_manager.consortium_path
    with scopes_disabled():
        return model._default_manager.filter(pk=pk).values_list(path, flat=True).first()


@contextmanager
def scope_of(model: type[models.Model], pk):
    """Run inside the scope of the consortium of `model`'s row `pk` (of none when it is gone)."""
    with consortium_scope(consortium_id_of(model, pk)):
        yield


def in_scope_of(model: type[models.Model], argument: str):
    """Decorate a task taking the id of a `model` row as `argument`: it runs in that row's
    consortium, so that a query it forgets to filter still only sees that consortium."""

    def decorate(func):
        signature = inspect.signature(func)

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            pk = signature.bind(*args, **kwargs).arguments[argument]
            with scope_of(model, pk):
                return func(*args, **kwargs)

        return wrapper

    return decorate


def unscope_script() -> None:
    """For a script (bench/): every consortium's rows in this thread from now on, as a
    command; the requests it makes through a test client still run in their own scope."""
    from django_scopes.state import state

    state.set({"_enabled": False})


def unscoped(func):
    """Decorate work that is across consortia by nature (a daily sweep of every consortium)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with scopes_disabled():
            return func(*args, **kwargs)

    return wrapper
