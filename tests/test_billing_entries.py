"""Single entries by finance staff: one storage-volume reading, declared staff time."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from billing.models import StaffTime, StorageVolume
from billing.services import volumes
from partners import services as partner_services
from tests.billing_fixtures import JAN_1, record_actuals
from tests.factories import PartnerFactory

JAN_1_2027 = "2027-01-01"


def _post_volume(client, world, quantity, unit="Go", day=JAN_1_2027, tenant=None):
    tenant = tenant or world.tenant_a
    return client.post(
        reverse("billing:volume_create"),
        {"tenant": tenant.pk, "measured_on": day, "quantity": quantity, "unit": unit},
    )


@pytest.mark.parametrize(
    ("quantity", "unit", "gigabytes"),
    [
        ("1250", "Go", "1250.000"),
        ("1,25 To", "Go", "1250.000"),  # the unit written with the volume wins
        ("1,25", "To", "1250.000"),
        ("1 250,5", "Go", "1250.500"),
        ("830 000", "Mo", "830.000"),
    ],
)
def test_a_reading_is_recorded_with_the_units_of_the_import(
    world, client_for, quantity, unit, gigabytes
):
    response = _post_volume(client_for("finance"), world, quantity, unit)
    assert response.status_code == 302
    assert response["Location"] == reverse("billing:volume_list")
    reading = StorageVolume.objects.get()
    assert reading.tenant == world.tenant_a
    assert reading.measured_on == datetime.date(2027, 1, 1)
    assert reading.gigabytes == Decimal(gigabytes)
    assert reading.source is None


@pytest.mark.parametrize(
    ("quantity", "unit", "message"),
    [
        ("-2", "Go", "Volume négatif (-2)."),
        ("beaucoup", "Go", "Volume « beaucoup » : ce n&#x27;est pas un nombre."),
        ("", "Go", "Ce champ est obligatoire."),
        ("12 Xo", "Go", "Unité « xo » inconnue (Mo, Go, To ou Po)."),
    ],
)
def test_a_bad_reading_says_why_in_french_and_saves_nothing(
    world, client_for, quantity, unit, message
):
    response = _post_volume(client_for("finance"), world, quantity, unit)
    assert response.status_code == 200
    assert message in response.text
    assert not StorageVolume.objects.exists()


def test_one_reading_per_tenant_and_date(world, billing_year, client_for):
    client = client_for("finance")
    response = _post_volume(client, world, "99", day=JAN_1.isoformat())
    assert response.status_code == 200
    assert "Le tenant blois a déjà un relevé au 01/01/2026 : modifiez ce relevé." in response.text
    assert world.tenant_a.volumes.get().gigabytes == Decimal("1250.000")


def test_a_reading_is_corrected(world, billing_year, client_for):
    client = client_for("finance")
    reading = world.tenant_a.volumes.get()
    url = reverse("billing:volume_update", args=[reading.pk])
    page = client.get(url)
    assert page.context["form"].initial["quantity"] == "1250"
    response = client.post(
        url,
        {"tenant": world.tenant_a.pk, "measured_on": "2026-01-01", "quantity": "1,5", "unit": "To"},
    )
    assert response.status_code == 302
    reading.refresh_from_db()
    assert reading.gigabytes == Decimal("1500.000")
    # Moving it onto another tenant's date that has its reading is refused.
    response = client.post(
        url,
        {"tenant": world.tenant_b.pk, "measured_on": "2026-01-01", "quantity": "1", "unit": "Go"},
    )
    assert "Le tenant agglo a déjà un relevé au 01/01/2026" in response.text
    reading.refresh_from_db()
    assert reading.tenant == world.tenant_a


def test_the_service_refuses_another_consortiums_tenant(world):
    other = PartnerFactory(name="Ville d'ailleurs", short_name="Ailleurs").consortium
    with pytest.raises(ValidationError) as error:
        volumes.volume_save(
            volume=StorageVolume(),
            consortium=other,
            tenant=world.tenant_a,
            measured_on=JAN_1,
            quantity="5",
        )
    assert "n'appartient pas au groupement" in str(error.value)
    assert not StorageVolume.objects.exists()


def test_another_consortiums_reading_is_not_found(world, client_for):
    payer = PartnerFactory(name="Ville d'ailleurs", short_name="Ailleurs")
    tenant = partner_services.tenant_create(
        consortium=payer.consortium, code="ailleurs", name="Ailleurs", opened_on=JAN_1, payer=payer
    )
    reading = StorageVolume.objects.create(tenant=tenant, measured_on=JAN_1, gigabytes=1)
    response = client_for("finance").get(reverse("billing:volume_update", args=[reading.pk]))
    assert response.status_code == 404


def test_the_year_and_volume_pages_link_to_the_entry_screens(world, billing_year, client_for):
    client = client_for("finance")
    year = client.get(reverse("billing:year_detail", args=[2026])).text
    assert f"{reverse('billing:volume_create')}?date=2026-01-01" in year
    listing = client.get(reverse("billing:volume_list")).text
    assert reverse("billing:volume_create") in listing
    reading = world.tenant_a.volumes.get()
    assert reverse("billing:volume_update", args=[reading.pk]) in listing
    form = client.get(reverse("billing:volume_create"), {"date": "2026-01-01"})
    assert form.context["form"].initial["measured_on"] == JAN_1


def test_staff_time_is_edited_and_deleted(world, billing_year, client_for):
    record_actuals(billing_year)
    client = client_for("finance")
    item = billing_year.rh.staff_times.get()
    pool_page = client.get(reverse("billing:pool_detail", args=[billing_year.rh.pk])).text
    assert reverse("billing:staff_time_update", args=[item.pk]) in pool_page
    assert reverse("billing:staff_time_delete", args=[item.pk]) in pool_page
    url = reverse("billing:staff_time_update", args=[item.pk])
    response = client.post(url, {"period_end": "2026-06-30", "days": "12.5", "description": "S1"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.days == Decimal("12.50")
    assert item.period_end == datetime.date(2026, 6, 30)

    response = client.post(url, {"period_end": "2027-01-31", "days": "3"})
    assert response.status_code == 200
    assert "La date doit appartenir à l&#x27;exercice 2026." in response.text
    response = client.post(url, {"period_end": "2026-06-30", "days": "0"})
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.days == Decimal("12.50")

    response = client.post(reverse("billing:staff_time_delete", args=[item.pk]))
    assert response.status_code == 302
    assert not StaffTime.objects.filter(pk=item.pk).exists()


def test_staff_time_is_declared_from_the_pool_page(world, billing_year, client_for):
    client = client_for("finance")
    url = reverse("billing:staff_time_create", args=[billing_year.rh.pk])
    assert url in client.get(reverse("billing:pool_detail", args=[billing_year.rh.pk])).text
    response = client.post(url, {"period_end": "2026-03-31", "days": "4"})
    assert response.status_code == 302
    assert billing_year.rh.staff_times.get().days == Decimal("4.00")
    wrong_pool = reverse("billing:staff_time_create", args=[billing_year.heb.pk])
    response = client.post(wrong_pool, {"period_end": "2026-03-31", "days": "4"})
    assert "Le temps RH se déclare sur un poste de clé « temps RH »." in response.text
    assert StaffTime.objects.count() == 1


def test_the_year_page_lists_tenants_missing_a_reading_with_a_link(world, billing_year, client_for):
    client = client_for("finance")
    page = client.get(reverse("billing:year_detail", args=[2026])).text
    assert 'id="missing-volumes"' not in page  # tours opens on 15 March: no reading needed
    world.tenant_b.volumes.all().delete()
    page = client.get(reverse("billing:year_detail", args=[2026])).text
    link = f"{reverse('billing:volume_create')}?date=2026-01-01&amp;tenant={world.tenant_b.pk}"
    assert link in page
    form = client.get(
        reverse("billing:volume_create"), {"date": "2026-01-01", "tenant": world.tenant_b.pk}
    )
    assert form.context["form"].initial == {"measured_on": JAN_1, "tenant": world.tenant_b.pk}
    response = _post_volume(client, world, "3 To", day="2026-01-01", tenant=world.tenant_b)
    assert response.status_code == 302
    page = client.get(reverse("billing:year_detail", args=[2026])).text
    assert 'id="missing-volumes"' not in page
