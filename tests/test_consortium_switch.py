"""Several consortia in one installation: staff work for theirs and switch between them; a
partner user acts for its organisation in each consortium it belongs to, never mixed."""

from django.urls import reverse

from ligeris.lib.roles import Role
from partners import services
from partners.consortia import SESSION_KEY
from partners.models import Partner, PartnerKind
from tests.factories import ConsortiumFactory, PartnerFactory, UserFactory

SWITCH = reverse("partners:consortium_switch")


def _recia_with_commune():
    recia = ConsortiumFactory(name="GIP RECIA", short_name="RECIA")
    PartnerFactory(consortium=recia, name="Communauté de communes du Grand Chambord")
    return recia


def test_staff_of_two_consortia_switch_between_them(world, client):
    recia = _recia_with_commune()
    user = UserFactory(email="operateur@example.org", consortia=[world.consortium, recia])
    client.force_login(user)

    page = client.get(reverse("partners:partner_list")).text
    assert "Ville de Blois" in page and "Grand Chambord" not in page
    assert f'action="{SWITCH}"' in page  # the switcher: two consortia to choose from

    response = client.post(SWITCH, {"consortium": recia.pk})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.session[SESSION_KEY] == recia.pk
    page = client.get(reverse("partners:partner_list")).text
    assert "Grand Chambord" in page and "Ville de Blois" not in page
    assert (
        client.get(reverse("partners:partner_detail", args=[world.partner_a.pk])).status_code == 404
    )


def test_no_switcher_for_staff_of_one_consortium(world, users, client_for):
    page = client_for("finance").get(reverse("home")).text
    assert f'action="{SWITCH}"' not in page


def test_a_consortium_not_ones_own_is_refused(world, users, client_for):
    recia = _recia_with_commune()
    client = client_for("finance")
    for value in (recia.pk, "abc", ""):
        response = client.post(SWITCH, {"consortium": value})
        assert response.status_code == 404
        assert SESSION_KEY not in client.session
    page = client.get(reverse("partners:partner_list")).text
    assert "Ville de Blois" in page and "Grand Chambord" not in page


def test_new_staff_work_for_the_inviting_administrators_consortium(world, users, client_for):
    _recia_with_commune()
    client_for("admin").post(
        reverse("accounts:user_invite"),
        {"email": "nouvelle@example.org", "role": Role.FINANCE, "first_name": "Ana"},
    )
    from accounts.models import User

    assert list(User.objects.get(email="nouvelle@example.org").consortia.all()) == [
        world.consortium
    ]


def test_a_partner_user_sees_each_membership_apart(world, users, issued_batch, client_for):
    """Partner A's organisation is also a member of GIP RECIA: its user switches membership."""
    recia = _recia_with_commune()
    in_recia = services.partner_save(
        partner=Partner(consortium=recia),
        name="Ville de Blois (RECIA)",
        short_name="Blois",
        kind=PartnerKind.COMMUNE,
        siret=world.partner_a.siret,
        address=world.partner_a.address,
        postal_code=world.partner_a.postal_code,
        city=world.partner_a.city,
        representative_name="M. le Maire",
        representative_title="Maire",
    )
    assert in_recia.organisation_id == world.partner_a.organisation_id
    titres = list(issued_batch.titres.filter(debtor=world.partner_a, number__isnull=False))
    assert titres
    client = client_for("partner_a")

    assert "blaisois" in client.get(reverse("billing:my_shares")).text  # a tenant it co-holds
    ligeris_titres = client.get(reverse("billing:my_titres")).text
    assert all(titre.reference in ligeris_titres for titre in titres)
    assert f'action="{SWITCH}"' in ligeris_titres

    assert client.post(SWITCH, {"consortium": recia.pk}).status_code == 302
    users["partner_a"].refresh_from_db()
    assert users["partner_a"].partner == in_recia
    recia_titres = client.get(reverse("billing:my_titres")).text
    assert not any(titre.reference in recia_titres for titre in titres)
    shares = client.get(reverse("billing:my_shares"))
    assert shares.status_code in (200, 404)  # RECIA has no fiscal year yet
    assert "blaisois" not in shares.text
    # Its Ligeris membership's pages answer 404 while it works in RECIA.
    mine = client.get(reverse("partners:partner_detail", args=[world.partner_a.pk]))
    assert mine.status_code == 404
    assert client.get(reverse("partners:partner_detail", args=[in_recia.pk])).status_code == 200

    assert client.post(SWITCH, {"consortium": world.consortium.pk}).status_code == 302
    back = client.get(reverse("billing:my_titres")).text
    assert all(titre.reference in back for titre in titres)
