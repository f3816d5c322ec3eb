"""What users typed reaches every PDF and e-mail as text: HTML, a `file://` URL, `@import`, a
link to a listener on 127.0.0.1 that counts requests, Django template syntax and the titre
engine's markup are printed literally, the server fetches nothing and reads no file, and a line
break in an e-mail subject never becomes a header.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.urls import reverse

from governance.minutes import minutes_pdf
from governance.services.meetings import convocation_send, minutes_close
from membership.amendment_pdf import amendment_pdf
from membership.letters import letter_pdf
from partners.models import Person
from tests.exclusion_fixtures import decided_case_of_a
from tests.governance_fixtures import vote_all
from tests.membership_amendments_fixtures import world_amendment
from tests.test_titres_pdf import compact, issue_budget_batch, text_of
from titres.tasks import render_missing, send_missing
from titres.titre_pdf import render_titre

SECRET = "contenu-secret-du-serveur-7f3a"


class _Counter(BaseHTTPRequestHandler):
    requests: list

    def do_GET(self):
        self.requests.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def listener():
    handler = type("Counter", (_Counter,), {"requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    server.requests = handler.requests
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def hostile(world, listener, tmp_path):
    """Hostile text in partner A's names, and (for meetings) a place, a title and a name."""
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    url = listener.url
    texts = {
        "name": f'<img src="{url}/img"> <b>gras</b> {{{{ settings.SECRET_KEY }}}} & #read("x")',
        "short_name": "{% debug %}<i>A</i>",
        "place": f'<style>@import url("{url}/css");</style><link href="{url}/link">',
        "title": f'<iframe src="file://{secret}"></iframe> $x^2$ [crochet] \\ @import "e.typ"',
        "last_name": f"<script src='{url}/js'></script>Blésois",
    }
    partner = world.partner_a
    partner.name, partner.short_name = texts["name"], texts["short_name"]
    partner.save(update_fields=["name", "short_name"])
    return texts


@pytest.fixture
def hostile_copil(hostile, world, copil):
    texts = hostile
    partner = world.partner_a
    copil.meeting.place = texts["place"]
    copil.meeting.save(update_fields=["place"])
    copil.item.title = texts["title"]
    copil.item.save(update_fields=["title"])
    Person.objects.filter(pk=copil.people[partner.pk].pk).update(last_name=texts["last_name"])
    return texts


def _assert_literal(text: str, *pieces: str) -> None:
    for piece in pieces:
        assert compact(piece) in compact(text), piece


def _assert_nothing_leaked(text: str, listener) -> None:
    assert SECRET not in text
    assert "dev-only-secret" not in text and "django.conf" not in text
    assert listener.requests == []


def test_minutes_print_hostile_text_literally_and_fetch_nothing(hostile_copil, copil, listener):
    vote_all(copil.meeting, copil.decision)
    meeting = minutes_close(meeting=copil.meeting)
    text = text_of(minutes_pdf(meeting))
    _assert_literal(text, "{% debug %}<i>A</i>", "<style>@import url(", "<link href=")
    _assert_literal(text, "<iframe src=", "$x^2$ [crochet]", "<script src=")
    _assert_nothing_leaked(text, listener)


def test_the_exclusion_letter_prints_hostile_text_literally(hostile, world, listener):
    letter = text_of(letter_pdf(decided_case_of_a(world)))
    _assert_literal(letter, "{{ settings.SECRET_KEY }}", '<img src="')
    _assert_nothing_leaked(letter, listener)


def test_the_amendment_prints_hostile_text_literally(hostile, copil, listener):
    amendment = text_of(amendment_pdf(world_amendment(copil)))
    _assert_literal(amendment, "{{ settings.SECRET_KEY }}", "<b>gras</b>")
    _assert_nothing_leaked(amendment, listener)


def test_the_recap_and_the_titres_print_hostile_text_literally(
    hostile, world, billing_year, titre_settings, client_for, listener
):
    titres = issue_budget_batch(billing_year)
    of_a = [t for t in titres if t.debtor_id == world.partner_a.pk]
    assert of_a
    titre_text = text_of(render_titre(of_a[0]))
    _assert_literal(titre_text, "{{ settings.SECRET_KEY }}", '#read("x")', "<b>gras</b>")
    _assert_nothing_leaked(titre_text, listener)
    response = client_for("finance").get(reverse("billing:recap_pdf", args=[2026]))
    assert response.status_code == 200
    recap = text_of(response.content)
    _assert_literal(recap, "{% debug %}<i>A</i>")
    _assert_nothing_leaked(recap, listener)


def test_e_mails_and_their_calendar_keep_hostile_text_out_of_headers_and_markup(
    hostile,
    world,
    copil,
    billing_year,
    titre_settings,
    listener,
    django_capture_on_commit_callbacks,
):
    copil.body.name = "Comité\r\nBcc: intrus@example.org"
    copil.body.short_name = "COPIL\nBcc: intrus@example.org"
    copil.body.save(update_fields=["name", "short_name"])
    copil.meeting.place = "Tours\r\nATTENDEE:mailto:intrus@example.org"
    copil.meeting.save(update_fields=["place"])
    with django_capture_on_commit_callbacks(execute=True):
        convocation_send(meeting=copil.meeting)
    batch = issue_budget_batch(billing_year)[0].batch
    render_missing(batch.pk)
    send_missing(batch.pk)
    assert mail.outbox, "convocations and titres were sent"
    for message in mail.outbox:
        raw = message.message().as_bytes().decode("utf-8", "replace")
        assert "\n" not in message.subject and "\r" not in message.subject
        assert "intrus@example.org" not in " ".join(message.recipients())
        headers = raw.split("\n\n", 1)[0]
        assert "\nBcc:" not in headers and "\nbcc:" not in headers.lower().replace("bcc: ", "")
        for body, kind in getattr(message, "alternatives", []):
            if kind == "text/html":
                assert "<img src=" not in body and "<script" not in body
        for attachment in message.attachments:
            _name, content, mimetype = attachment
            if mimetype.startswith("text/calendar"):
                calendar = content.decode() if isinstance(content, bytes) else content
                lines = calendar.replace("\r\n ", "").splitlines()
                assert not any(line.startswith("ATTENDEE:mailto:intrus") for line in lines)
    assert listener.requests == []
