"""Invariants: one payer per tenant, valid SIRET, a convention of at most four years."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from partners import services
from partners.models import Convention, Holding, Partner
from partners.validators import siret_is_valid, validate_siret
from tests.factories import PartnerFactory, valid_siret


# --- One payer per tenant -------------------------------------------------------------------
def test_database_refuses_a_second_payer(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Holding.objects.filter(tenant=world.tenant_shared, partner=world.partner_a).update(
            is_payer=True
        )


def test_service_refuses_a_second_payer(world):
    other = PartnerFactory(consortium=world.consortium)
    with pytest.raises(ValidationError, match="déjà un interlocuteur financier unique"):
        services.holding_add(tenant=world.tenant_a, partner=other, is_payer=True)
    assert not Holding.objects.filter(partner=other).exists()


def test_moving_the_payer_keeps_exactly_one(world):
    holding_a = world.holding(world.tenant_shared, world.partner_a)
    services.holding_make_payer(holding=holding_a)
    payers = world.tenant_shared.holdings.filter(is_payer=True)
    assert list(payers.values_list("partner", flat=True)) == [world.partner_a.pk]


def test_the_payer_cannot_be_removed(world):
    with pytest.raises(ValidationError, match="désignez d'abord un autre payeur"):
        services.holding_remove(holding=world.holding(world.tenant_shared, world.partner_b))
    assert world.tenant_shared.holdings.count() == 2


def test_second_payer_on_the_form_shows_a_french_message(world, client_for):
    other = PartnerFactory(consortium=world.consortium)
    url = reverse("partners:holding_create", args=[world.tenant_a.pk])
    response = client_for("finance").post(url, {"partner": other.pk, "is_payer": "on"})
    assert response.status_code == 200
    assert "Ce tenant a déjà un interlocuteur financier unique (Ville de Blois)" in response.text
    assert not Holding.objects.filter(partner=other).exists()


# --- SIRET ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("siret", "valid"),
    [
        ("22370001800012", False),  # check digit off
        ("73282932000074", True),  # a real, published SIRET
        ("35600000000048", True),  # La Poste's head office
        ("35600000012341", True),  # La Poste: digit sum divisible by 5
        ("35600000012342", False),
        ("7328293200007", False),  # 13 digits
        ("7328293200007A", False),
    ],
)
def test_siret_check_digits(siret, valid):
    assert siret_is_valid(siret) is valid


def test_siret_errors_are_french():
    with pytest.raises(ValidationError, match="exactement 14 chiffres"):
        validate_siret("1234")
    with pytest.raises(ValidationError, match="clé de contrôle"):
        validate_siret("22370001800012")


def _partner_form(world, **overrides):
    data = {
        "name": "Commune nouvelle",
        "short_name": "Nouvelle",
        "kind": "commune",
        "status": "candidate",
        "siret": valid_siret(999),
        "address": "1 place de la Mairie",
        "postal_code": "37000",
        "city": "Tours",
        "representative_name": "Mme Louise Petit",
        "representative_title": "Maire",
    }
    return {**data, **overrides}


def test_wrong_siret_on_the_form_saves_nothing(world, client_for):
    response = client_for("finance").post(
        reverse("partners:partner_create"), _partner_form(world, siret="22370001800012")
    )
    assert response.status_code == 200
    assert "Ce SIRET n&#x27;est pas valide : sa clé de contrôle ne correspond pas." in response.text
    assert not Partner.objects.filter(name="Commune nouvelle").exists()


def test_siret_typed_with_spaces_is_accepted(world, client_for):
    spaced = " ".join([valid_siret(999)[:3], valid_siret(999)[3:6], valid_siret(999)[6:]])
    response = client_for("finance").post(
        reverse("partners:partner_create"), _partner_form(world, siret=spaced)
    )
    assert response.status_code == 302
    assert Partner.objects.get(name="Commune nouvelle").siret == valid_siret(999)


# --- Convention: at most four years (article 11) --------------------------------------------
def _convention(world, ends_on):
    return Convention(
        consortium=world.consortium,
        title="C",
        signed_on=datetime.date(2024, 1, 1),
        starts_on=datetime.date(2024, 1, 1),
        ends_on=ends_on,
    )


def test_convention_of_exactly_four_years_is_accepted(world):
    services.convention_save(convention=_convention(world, datetime.date(2028, 1, 1)))


def test_convention_a_day_longer_is_refused(world):
    with pytest.raises(ValidationError, match="ne peut excéder quatre ans"):
        services.convention_save(convention=_convention(world, datetime.date(2028, 1, 2)))
    assert world.consortium.conventions.count() == 1


def test_database_refuses_a_convention_far_beyond_four_years(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        _convention(world, datetime.date(2030, 1, 1)).save()


def test_convention_too_long_on_the_form_saves_nothing(world, client_for):
    response = client_for("finance").post(
        reverse("partners:convention_create"),
        {
            "title": "Trop longue",
            "signed_on": "2024-01-01",
            "starts_on": "2024-01-01",
            "ends_on": "2029-06-30",
            "notice_months": 3,
        },
    )
    assert response.status_code == 200
    assert (
        "La convention ne peut excéder quatre ans (article 11) : date de fin au plus tard le 01/01/2028."
        in (response.text.replace("&#x27;", "'"))
    )
    assert not Convention.objects.filter(title="Trop longue").exists()


def test_tenant_cannot_be_deployed_before_it_opens(world):
    with pytest.raises(ValidationError, match="déployé avant son ouverture"):
        services.tenant_save(tenant=world.tenant_a, deployed_on=datetime.date(2023, 1, 1))
