"""A legal body (Organisation: SIRET, name, address) is a member of several consortia: one
organisation, one Partner per consortium."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from partners import services
from partners.models import Organisation, Partner, PartnerKind
from tests.factories import ConsortiumFactory, PartnerFactory, valid_siret

REGION = valid_siret(4242)


def _region_in(consortium, **fields):
    return services.partner_save(
        partner=Partner(consortium=consortium),
        **{
            "name": "Région Centre-Val de Loire",
            "short_name": "Région",
            "kind": PartnerKind.REGION,
            "siret": REGION,
            "address": "9 rue Saint-Pierre-Lentin",
            "postal_code": "45000",
            "city": "Orléans",
            "representative_name": "M. le Président",
            "representative_title": "Président du Conseil régional",
            **fields,
        },
    )


def test_the_same_siret_in_two_consortia_is_one_organisation(db):
    ligeris, recia = ConsortiumFactory(), ConsortiumFactory()
    in_ligeris = _region_in(ligeris)
    in_recia = _region_in(recia, address="1 place de la Loire")

    assert in_ligeris.organisation_id == in_recia.organisation_id
    assert Organisation.objects.count() == 1
    assert list(Organisation.objects.get().memberships.order_by("pk")) == [in_ligeris, in_recia]
    # The address is the legal body's: the latest one recorded, whichever membership records it.
    in_ligeris.refresh_from_db()
    assert in_ligeris.address == "1 place de la Loire"


def test_a_siret_twice_in_one_consortium_is_refused_and_writes_nothing(db):
    consortium = ConsortiumFactory()
    _region_in(consortium)
    with pytest.raises(ValidationError) as refused:
        _region_in(consortium, name="Région (doublon)", address="ailleurs")

    assert refused.value.messages == [
        "Cette organisation (même SIRET) est déjà partenaire du groupement."
    ]
    assert Partner.objects.count() == 1
    assert Organisation.objects.get().address == "9 rue Saint-Pierre-Lentin"


def test_the_database_refuses_a_second_membership_of_one_consortium(db):
    partner = PartnerFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Partner.objects.bulk_create(
            [
                Partner(
                    consortium=partner.consortium,
                    organisation=partner.organisation,
                    name="Autre nom",
                    short_name="Autre",
                    kind=PartnerKind.COMMUNE,
                )
            ]
        )


def test_a_siret_belongs_to_one_organisation(db):
    first, second = PartnerFactory(), PartnerFactory()
    with pytest.raises(ValidationError) as refused:
        services.partner_save(partner=second, siret=first.siret)

    assert refused.value.message_dict == {"siret": ["Une organisation porte déjà ce SIRET."]}
    second.refresh_from_db()
    assert second.siret != first.siret


def test_a_wrong_siret_is_refused_before_any_organisation_is_made(db):
    with pytest.raises(ValidationError) as refused:
        _region_in(ConsortiumFactory(), siret="22370001800012", postal_code="450")

    assert refused.value.message_dict["siret"] == [
        "Ce SIRET n'est pas valide : sa clé de contrôle ne correspond pas."
    ]
    assert "Le code postal compte 5 chiffres." in refused.value.messages
    assert not Organisation.objects.exists()
    assert not Partner.objects.exists()


def test_the_form_reuses_another_consortiums_organisation(world, client_for):
    other = _region_in(ConsortiumFactory())
    response = client_for("finance").post(
        reverse("partners:partner_create"),
        {
            "name": "Région Centre-Val de Loire",
            "short_name": "Région",
            "kind": "region",
            "siret": " ".join([REGION[:3], REGION[3:6], REGION[6:9], REGION[9:]]),
            "address": "9 rue Saint-Pierre-Lentin",
            "postal_code": "45000",
            "city": "Orléans",
            "representative_name": "M. le Président",
            "representative_title": "Président",
        },
    )

    assert response.status_code == 302
    created = Partner.objects.get(consortium=world.consortium, name="Région Centre-Val de Loire")
    assert created.organisation_id == other.organisation_id
    assert Organisation.objects.filter(siret=REGION).count() == 1


def test_bulk_creation_reuses_organisations_by_siret(db):
    known = PartnerFactory()
    consortium = ConsortiumFactory()
    rows = [
        Partner(
            consortium=consortium,
            name=f"Commune {n}",
            short_name=f"C{n}",
            kind=PartnerKind.COMMUNE,
            siret=siret,
            address="1 place de la Mairie",
            postal_code="37000",
            city="Tours",
        )
        for n, siret in enumerate([known.siret, valid_siret(9001), valid_siret(9002)])
    ]
    created = services.partners_bulk_create(rows)

    assert created[0].organisation_id == known.organisation_id
    assert Organisation.objects.count() == 3
    assert {p.siret for p in Partner.objects.filter(consortium=consortium)} == {
        known.siret,
        valid_siret(9001),
        valid_siret(9002),
    }
