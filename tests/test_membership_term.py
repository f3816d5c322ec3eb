"""The convention's term (art. 11): an end date within four years, or a tacit renewal; six
months before the end the coordinator's staff are e-mailed once, and the home page says it.

The task runs eagerly here with a fixed day; `test_membership_term_worker.py` runs it through a
real Redis broker and worker."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from ligeris.lib.roles import Role
from membership import tasks
from membership.models import TermConsultation
from partners.models import Convention
from partners.selectors import add_months, term_alert
from partners.services import convention_save
from tests.conftest import ON_POSTGRES
from tests.factories import ConsortiumFactory, UserFactory

pytestmark = pytest.mark.django_db


def _convention(world, **fields) -> Convention:
    convention = world.consortium.conventions.get()
    return convention_save(convention=convention, **fields)


def test_a_tacitly_renewed_convention_needs_no_end(world):
    convention = _convention(world, ends_on=None, renewal_years=2)
    convention.refresh_from_db()
    assert convention.ends_on is None and convention.is_tacitly_renewed
    # Started 1 January 2024, two-year periods: 31/12/2025, then 31/12/2027, 31/12/2029.
    assert convention.current_end(datetime.date(2025, 6, 1)) == datetime.date(2025, 12, 31)
    assert convention.current_end(datetime.date(2026, 1, 1)) == datetime.date(2027, 12, 31)
    assert convention.current_end(datetime.date(2028, 1, 1)) == datetime.date(2029, 12, 31)


def test_a_yearly_renewal_from_a_first_end_date(world):
    convention = _convention(world, ends_on=datetime.date(2024, 12, 31), renewal_years=1)
    assert convention.current_end(datetime.date(2026, 3, 1)) == datetime.date(2026, 12, 31)


def test_a_fixed_term_convention_ends_on_its_date(world):
    convention = world.consortium.conventions.get()
    assert convention.current_end(datetime.date(2030, 1, 1)) == datetime.date(2027, 12, 31)


def test_an_end_more_than_four_years_on_is_refused(world):
    convention = world.consortium.conventions.get()
    with pytest.raises(ValidationError) as error:
        _convention(world, ends_on=datetime.date(2028, 1, 2))
    assert "ne peut excéder quatre ans (article 11)" in str(error.value)
    convention.refresh_from_db()
    assert convention.ends_on == datetime.date(2027, 12, 31)


def test_neither_an_end_nor_a_renewal_is_refused(world):
    with pytest.raises(ValidationError, match="date de fin, ou une durée de reconduction"):
        _convention(world, ends_on=None, renewal_years=None)
    with pytest.raises(ValidationError, match="d'un à quatre ans"):
        _convention(world, ends_on=None, renewal_years=5)


@pytest.mark.skipif(not ON_POSTGRES, reason="the database's own check, asserted on PostgreSQL")
@pytest.mark.postgres
def test_the_database_refuses_a_convention_without_a_term(world):
    convention = world.consortium.conventions.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Convention.objects.filter(pk=convention.pk).update(ends_on=None, renewal_years=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Convention.objects.filter(pk=convention.pk).update(ends_on=datetime.date(2028, 6, 1))


def test_the_alert_runs_from_six_months_before_the_end(world):
    # Ends 31/12/2027: six months before is 30/06/2027 (31 June does not exist).
    assert add_months(datetime.date(2027, 12, 31), -6) == datetime.date(2027, 6, 30)
    assert term_alert(world.consortium, datetime.date(2027, 6, 29)) is None
    alert = term_alert(world.consortium, datetime.date(2027, 6, 30))
    assert (alert["ends_on"], alert["consult_by"]) == (
        datetime.date(2027, 12, 31),
        datetime.date(2027, 6, 30),
    )
    assert term_alert(world.consortium, datetime.date(2028, 1, 1)) is None


def test_the_consultation_e_mail_is_sent_once(world, users):
    other = ConsortiumFactory(name="GIP RECIA", short_name="RECIA")
    UserFactory(email="finance@recia.example.org", role=Role.FINANCE, consortia=[other])
    day = datetime.date(2027, 7, 15)
    assert tasks.consult_consortium(world.consortium.pk, today=day) == 1
    assert tasks.consult_consortium(world.consortium.pk, today=day) == 0
    assert tasks.consult_consortium(world.consortium.pk, today=day + datetime.timedelta(1)) == 0

    (message,) = mail.outbox
    # The coordinator's staff, not the partner users nor another consortium's staff.
    assert sorted(message.to) == [
        "admin@example.org",
        "finance@example.org",
        "secretary@example.org",
    ]
    assert "la convention arrive à son terme le 31/12/2027" in message.subject
    assert "au moins six mois avant la fin de la convention (article 11)" in message.body
    assert "au plus tard le 30/06/2027" in message.body
    record = TermConsultation.objects.get()
    assert record.period_end == datetime.date(2027, 12, 31) and record.sent_at is not None


def test_no_e_mail_before_six_months(world, users):
    assert tasks.consult_consortium(world.consortium.pk, today=datetime.date(2027, 6, 1)) == 0
    assert mail.outbox == [] and not TermConsultation.objects.exists()


def test_a_tacit_renewal_is_reminded_once_per_period(world, users):
    _convention(world, ends_on=None, renewal_years=1)
    # Periods end 31/12/2024, 31/12/2025, …: one reminder each.
    assert tasks.consult_consortium(world.consortium.pk, today=datetime.date(2025, 8, 1)) == 1
    assert tasks.consult_consortium(world.consortium.pk, today=datetime.date(2025, 9, 1)) == 0
    assert tasks.consult_consortium(world.consortium.pk, today=datetime.date(2026, 8, 1)) == 1
    assert sorted(TermConsultation.objects.values_list("period_end", flat=True)) == [
        datetime.date(2025, 12, 31),
        datetime.date(2026, 12, 31),
    ]
    assert "reconduite tacitement" in mail.outbox[0].body


def test_the_home_page_shows_the_alert_to_staff_only(world, client_for):
    today = timezone.localdate()
    # A tacitly renewed convention whose current period ends within six months of today.
    end = add_months(today, 3)
    _convention(
        world,
        starts_on=datetime.date(2024, 1, 1),
        ends_on=min(end, datetime.date(2027, 12, 31)),
        renewal_years=1,
    )
    ends_on = world.consortium.conventions.get().current_end(today)
    assert add_months(ends_on, -6) <= today
    page = client_for("finance").get(reverse("home")).content.decode()
    assert 'id="term-alert"' in page
    assert f"La convention arrive à son terme le {ends_on:%d/%m/%Y}" in page

    page = client_for("partner_a").get(reverse("home")).content.decode()
    assert 'id="term-alert"' not in page


def test_the_home_page_says_nothing_long_before_the_end(world, client_for):
    today = timezone.localdate()
    _convention(world, signed_on=today, starts_on=today, ends_on=add_months(today, 24))
    page = client_for("secretary").get(reverse("home")).content.decode()
    assert 'id="term-alert"' not in page
