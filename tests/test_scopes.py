"""An unscoped query on a consortium's rows is an error, not a leak (`ligeris.lib.scopes`).

Each test runs unscoped (conftest); these enter a scope, or leave every scope, on purpose.
"""

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import include, path
from django_scopes import scope

from governance.models import Body
from ligeris.lib.roles import Role
from ligeris.lib.scopes import ScopeError, consortium_scope, in_scope_of, scoped_manager
from partners.models import Consortium, Partner, Tenant
from tests.factories import ConsortiumFactory, PartnerFactory, UserFactory


@pytest.fixture
def other(world) -> Partner:
    """A partner of a second consortium, GIP RECIA."""
    recia = ConsortiumFactory(name="GIP RECIA", short_name="RECIA")
    return PartnerFactory(consortium=recia, name="Région Centre", short_name="Région")


def _names(queryset) -> set[str]:
    return set(queryset.values_list("name", flat=True))


def test_a_query_outside_any_scope_raises(world):
    with scope(_enabled=True):  # what a worker or a shell sees: no scope at all
        with pytest.raises(ScopeError):
            list(Partner.objects.all())
        with pytest.raises(ScopeError):
            Partner.objects.filter(name="Ville de Blois")
        with pytest.raises(ScopeError):
            Tenant.objects.count()
        with pytest.raises(ScopeError):
            world.partner_a.holdings.exists()  # related managers are scoped too
        # What is no consortium's stays plain; forward relations read through _base_manager.
        assert Consortium.objects.filter(pk=world.consortium.pk).exists()
        assert world.tenant_a.consortium == world.consortium


def test_inside_a_scope_only_that_consortiums_rows(world, other):
    with consortium_scope(world.consortium):
        assert "Région Centre" not in _names(Partner.objects.all())
        assert "Ville de Blois" in _names(Partner.objects.all())
        assert not Partner.objects.filter(pk=other.pk).exists()
    with consortium_scope(other.consortium):
        assert _names(Partner.objects.all()) == {"Région Centre"}
        assert not Tenant.objects.exists()
    with consortium_scope(None):  # a request that works for no consortium sees nothing
        assert not Partner.objects.exists()


def test_a_form_field_built_out_of_scope_takes_the_scope_of_its_form(world, other):
    from django import forms

    with scope(_enabled=True):  # out of any scope, as a ModelForm's foreign key is at import

        class PickPartner(forms.Form):
            partner = forms.ModelChoiceField(Partner.objects.all())

        with pytest.raises(ScopeError):
            list(PickPartner().fields["partner"].choices)

    with consortium_scope(other.consortium):
        choices = {label for _value, label in PickPartner().fields["partner"].choices}
    assert "Région Centre" in choices
    assert not any("Blois" in str(label) for label in choices)


def test_finalrows_managers_keep_their_guard_once_scoped():
    from ligeris.lib.final import FinalRowsQuerySet
    from titres.models import RevenueTitle

    with consortium_scope(1):
        assert isinstance(RevenueTitle.objects.all(), FinalRowsQuerySet)
    assert scoped_manager("consortium").consortium_path == "consortium"


def _forgetful_view(request):
    """A view whose selector forgot `in_consortium`: every partner, it believes."""
    return HttpResponse("\n".join(sorted(Partner.objects.values_list("name", flat=True))))


urlpatterns = [
    path("oubli/", _forgetful_view),
    path("", include("ligeris.urls")),
]


@override_settings(ROOT_URLCONF=__name__)
def test_a_request_sees_its_consortiums_rows_even_when_a_selector_forgets(world, other, client):
    recia_staff = UserFactory(
        email="finance@recia.example.org", role=Role.FINANCE, consortia=[other.consortium]
    )
    client.force_login(recia_staff)
    assert client.get("/oubli/").content.decode() == "Région Centre"

    ligeris_staff = UserFactory(
        email="finance@ligeris.example.org", role=Role.FINANCE, consortia=[world.consortium]
    )
    client.force_login(ligeris_staff)
    seen = client.get("/oubli/").content.decode()
    assert "Ville de Blois" in seen
    assert "Région Centre" not in seen


@override_settings(ROOT_URLCONF=__name__)
def test_a_request_for_no_consortium_sees_nothing(world, client):
    client.force_login(UserFactory(email="nobody@example.org", role=Role.FINANCE, consortia=[]))
    assert client.get("/oubli/").content.decode() == ""


def test_a_task_sees_only_the_consortium_of_its_row(world, other):
    @in_scope_of(Partner, "partner_id")
    def task(partner_id):
        return _names(Partner.objects.all())  # a query the task forgot to filter

    with scope(_enabled=True):  # a worker: no scope but the task's
        assert task(other.pk) == {"Région Centre"}
        assert "Région Centre" not in task(partner_id=world.partner_a.pk)
        assert task(0) == set()  # the row is gone: nothing


def test_a_real_task_runs_in_its_rows_consortium(copil, other, mailoutbox):
    from governance.tasks import send_convocation

    with scope(_enabled=True):  # a worker: the task finds its meeting's consortium itself
        assert send_convocation.apply(args=(copil.meeting.pk,)).get() == 3
        with pytest.raises(ScopeError):
            Body.objects.count()  # and leaves no scope behind
    assert len(mailoutbox) == 3


def test_the_admin_shows_superusers_every_consortium(world, other, client):
    root = UserFactory(email="root@example.org", role=Role.ADMIN, is_superuser=True, is_staff=True)
    client.force_login(root)
    response = client.get("/admin/partners/partner/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Région Centre" in page and "Ville de Blois" in page
