"""Sessions end on the server: 30 minutes idle, 12 hours in all, a new id at sign-in, nothing left
after sign-out; a deactivated user or a removed role counts from the next request; failed sign-ins
slow an attacker for a while but lock nobody out for good."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session

from ligeris.lib.roles import Role
from tests.conftest import PASSWORD

LOGIN = "/comptes/login/"
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _sign_in(client, email="finance@example.org"):
    response = client.post(LOGIN, {"login": email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]


def test_the_timeouts_are_thirty_minutes_idle_and_twelve_hours_in_all():
    assert settings.LIGERIS_SESSION_IDLE_SECONDS == 30 * 60
    assert settings.LIGERIS_SESSION_ABSOLUTE_SECONDS == 12 * 3600
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
    assert settings.SESSION_COOKIE_HTTPONLY


def test_a_session_idle_for_thirty_minutes_is_signed_out(client, users):
    with time_machine.travel(START, tick=False) as clock:
        _sign_in(client)
        clock.shift(dt.timedelta(minutes=29))
        assert client.get("/").status_code == 200
        # Activity keeps it alive: 29 more minutes after that request are fine.
        clock.shift(dt.timedelta(minutes=29))
        assert client.get("/").status_code == 200
        clock.shift(dt.timedelta(minutes=31))
        response = client.get("/partenaires/")
        assert response.status_code == 302
        assert response["Location"] == f"{LOGIN}?next=/partenaires/"
        page = client.get(response["Location"])
        assert "30 minutes d’inactivité" in page.text
        # Signed out on the server: the next request is anonymous too.
        assert client.get("/").status_code == 302


def test_a_session_ends_twelve_hours_after_sign_in_however_active(client, users):
    with time_machine.travel(START, tick=False) as clock:
        _sign_in(client)
        for _ in range(47):  # a request every quarter of an hour: 11 h 45 min of activity
            clock.shift(dt.timedelta(minutes=15))
            assert client.get("/").status_code == 200
        clock.shift(dt.timedelta(minutes=16))
        response = client.get("/")
        assert response.status_code == 302
        assert "12 heures" in client.get(LOGIN).text


def test_an_expired_session_writes_nothing(client, users, world):
    name = world.partner_a.name
    with time_machine.travel(START, tick=False) as clock:
        _sign_in(client)
        clock.shift(dt.timedelta(hours=1))
        url = f"/partenaires/{world.partner_a.pk}/modifier/"
        response = client.post(url, {"name": "Réécrit"})
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    world.partner_a.refresh_from_db()
    assert world.partner_a.name == name


def test_sign_in_gives_a_new_session_id(client, users):
    client.get(LOGIN)
    client.session.save()
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    _sign_in(client)
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


def test_sign_out_ends_the_session_on_the_server(client, users):
    _sign_in(client)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.post("/comptes/logout/").status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    # The old cookie replayed is anonymous.
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    assert client.get("/").status_code == 302


def test_a_deactivated_user_is_out_on_the_next_request(client, users):
    _sign_in(client)
    assert client.get("/").status_code == 200
    users["finance"].is_active = False
    users["finance"].save(update_fields=["is_active"])
    assert client.get("/").status_code == 302


def test_a_removed_role_counts_from_the_next_request(client, users):
    _sign_in(client)
    assert client.get("/finances/titres/").status_code == 200
    users["finance"].role = Role.SECRETARY
    users["finance"].save(update_fields=["role"])
    assert client.get("/finances/titres/").status_code == 403


@pytest.mark.parametrize("minutes, signed_in", [(4, False), (6, True)])
def test_failed_sign_ins_slow_an_account_for_five_minutes_not_for_good(
    client, users, minutes, signed_in
):
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(5):
            client.post(LOGIN, {"login": "finance@example.org", "password": "mauvais"})
        clock.shift(dt.timedelta(minutes=minutes))
        response = client.post(LOGIN, {"login": "finance@example.org", "password": PASSWORD})
    assert (response.status_code == 302) is signed_in


def test_one_address_trying_many_accounts_is_slowed(client, users):
    for n in range(10):
        client.post(LOGIN, {"login": f"inconnu{n}@example.org", "password": "mauvais"})
    response = client.post(LOGIN, {"login": "finance@example.org", "password": PASSWORD})
    assert response.status_code == 200
    assert "Trop de tentatives de connexion échouées" in response.text
