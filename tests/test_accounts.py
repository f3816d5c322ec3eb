"""Sign-in by e-mail, rate limits, closed sign-up, invitations, and compulsory 2FA."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.conftest import PASSWORD
from tests.factories import UserFactory

LOGIN = "/comptes/login/"


def test_login_by_email(client, users):
    response = client.post(LOGIN, {"login": "finance@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_unverified_email_cannot_sign_in(client, db):
    user = UserFactory(email="pending@example.org")
    EmailAddress.objects.filter(user=user).update(verified=False)
    response = client.post(LOGIN, {"login": "pending@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert "confirm-email" in response["Location"]
    assert client.get("/").status_code == 302  # still signed out


def test_sixth_failed_attempt_within_five_minutes_is_refused(client, users):
    for _ in range(5):
        response = client.post(LOGIN, {"login": "finance@example.org", "password": "mauvais"})
        assert response.status_code == 200
        assert "L’adresse e-mail ou le mot de passe sont incorrects." in response.text
    # The sixth attempt is refused, even with the right password.
    response = client.post(LOGIN, {"login": "finance@example.org", "password": PASSWORD})
    assert response.status_code == 200
    assert "Trop de tentatives de connexion échouées" in response.text
    assert client.get("/").status_code == 302  # not signed in
    # Another e-mail is not affected.
    response = client.post(LOGIN, {"login": "secretary@example.org", "password": PASSWORD})
    assert response.status_code == 302


def test_signup_is_closed(client, db):
    response = client.get("/comptes/signup/")
    assert "Inscriptions fermées" in response.text
    client.post(
        "/comptes/signup/",
        {
            "email": "intrus@example.org",
            "password1": "Un-Mot-De-Passe-1",
            "password2": "Un-Mot-De-Passe-1",
        },
    )
    assert not User.objects.filter(email="intrus@example.org").exists()


def test_invitation_sets_a_password_and_verifies_the_email(
    client_for, users, world, django_capture_on_commit_callbacks
):
    admin = client_for("admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            reverse("accounts:user_invite"),
            {"email": "Nouvelle@Example.org", "role": "partner", "partner": world.partner_a.pk},
        )
    assert response.status_code == 302
    invited = User.objects.get(email="nouvelle@example.org")
    assert invited.partner == world.partner_a
    assert not invited.has_usable_password()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nouvelle@example.org"]
    link = re.search(r"http://\S+", mail.outbox[0].body).group(0)
    path = link.removeprefix("http://127.0.0.1:8000")

    admin.logout()
    assert admin.get(path).status_code == 200
    response = admin.post(
        path, {"new_password1": "Archives-Ligeris-2026", "new_password2": "Archives-Ligeris-2026"}
    )
    assert response.status_code == 302
    invited.refresh_from_db()
    assert invited.check_password("Archives-Ligeris-2026")
    assert EmailAddress.objects.get(user=invited).verified
    assert (
        admin.get(reverse("partners:partner_detail", args=[world.partner_a.pk])).status_code == 200
    )
    # The link dies once used.
    admin.logout()
    assert admin.get(path).status_code == 404


def test_invitation_of_a_partner_user_without_partner_is_refused(client_for, users):
    response = client_for("admin").post(
        reverse("accounts:user_invite"), {"email": "x@example.org", "role": "partner"}
    )
    assert response.status_code == 200
    assert "doit être rattaché à un partenaire" in response.text
    assert not User.objects.filter(email="x@example.org").exists()


@pytest.fixture
def require_2fa(settings):
    settings.LIGERIS_REQUIRE_2FA = True


def test_2fa_is_demanded_of_finance_staff_without_it(require_2fa, client, users):
    client.post(LOGIN, {"login": "finance@example.org", "password": PASSWORD})
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("partners:partner_list")).status_code == 302
    # Set-up pages stay reachable (allauth first asks for the password again).
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith("/comptes/reauthenticate/")


def test_2fa_is_not_demanded_once_set_up(require_2fa, client_for, users):
    Authenticator.objects.create(
        user=users["finance"], type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    assert client_for("finance").get("/").status_code == 200


def test_2fa_is_optional_for_partner_users(require_2fa, client_for):
    assert client_for("partner_a").get("/").status_code == 200


def test_2fa_not_demanded_when_the_setting_is_off(client_for, settings):
    settings.LIGERIS_REQUIRE_2FA = False
    assert client_for("finance").get("/").status_code == 200


@pytest.mark.parametrize("role", ["admin", "finance", "secretary"])
def test_2fa_is_demanded_of_every_staff_role_without_it(require_2fa, client_for, role):
    client = client_for(role)
    for path in ("/", reverse("partners:partner_list")):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")


def test_the_django_admin_is_closed_to_an_administrator_without_2fa(require_2fa, client_for):
    response = client_for("admin").get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_a_superuser_without_2fa_is_sent_to_set_it_up(require_2fa, client, world):
    # A superuser acts as an administrator whatever its role field says.
    UserFactory(
        email="root@example.org",
        role="partner",
        partner=world.partner_a,
        is_superuser=True,
        is_staff=True,
    )
    client.post(LOGIN, {"login": "root@example.org", "password": PASSWORD})
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def _accept_invitation(client, user) -> object:
    from accounts.services import invitation_path

    return client.post(
        invitation_path(user),
        {"new_password1": "Archives-Ligeris-2026", "new_password2": "Archives-Ligeris-2026"},
    )


def test_an_invited_administrator_is_sent_to_set_up_2fa_at_once(require_2fa, client, db):
    invited = UserFactory(email="nouvel-admin@example.org", role="admin")
    invited.set_unusable_password()
    invited.save()
    response = _accept_invitation(client, invited)
    assert response.status_code == 302
    # Signed in, but nothing but the 2FA set-up is open to them.
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get("/admin/")["Location"] == reverse("mfa_activate_totp")
    # The set-up page stays open to them (allauth first confirms the password, as for anyone).
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith("/comptes/reauthenticate/")


def test_accepting_an_invitation_never_skips_a_second_factor_already_set_up(client, db):
    invited = UserFactory(email="deja-2fa@example.org", role="admin")
    invited.set_unusable_password()
    invited.save()
    Authenticator.objects.create(user=invited, type=Authenticator.Type.TOTP, data={"secret": "x"})
    response = _accept_invitation(client, invited)
    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/2fa/authenticate/")
    # Not signed in until the code is given.
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/login/")
