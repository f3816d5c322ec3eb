"""Hostile text (see `test_hostile_documents.py`) into the four e-mails the other files left out:
the meeting-frequency reminder, the consultation before the convention's term, the partner's
weekly digest and the answer to a meeting request. Subjects on one line, no injected header or
recipient, HTML escaped, nothing fetched from the listener, no file read."""

import datetime

from django.core import mail

from governance import tasks as governance_tasks
from governance.models import Body
from governance.services.requests import meeting_request_answer
from membership import tasks as membership_tasks
from partners.models import Consortium, Convention
from tests.portal_fixtures import request_of
from tests.test_governance_tasks import behind, frozen  # noqa: F401 (fixtures)
from tests.test_hostile_documents import (  # noqa: F401 (fixtures)
    SECRET,
    hostile,
    listener,
)
from tests.test_hostile_documents_more import INJECTED, _assert_clean_message

CRLF_BCC = f"\r\nBcc: {INJECTED}"


def _escaped(message) -> str:
    html = {kind: body for body, kind in message.alternatives}["text/html"]
    assert SECRET not in html
    return html


def test_the_frequency_reminder_keeps_a_hostile_body_name_out_of_headers(
    behind,  # noqa: F811
    frozen,  # noqa: F811
    hostile,  # noqa: F811
    listener,  # noqa: F811
    users,
):
    Body.objects.filter(pk=behind.cotech.pk).update(name=hostile["title"] + CRLF_BCC)
    frozen(2026, 10, 2)
    mail.outbox.clear()
    assert governance_tasks.check_meeting_frequency() == 1
    (message,) = mail.outbox
    _assert_clean_message(message, listener)
    assert "&lt;iframe src=" in _escaped(message)


def test_the_term_consultation_keeps_hostile_names_out_of_headers_and_markup(
    world,
    hostile,  # noqa: F811
    listener,  # noqa: F811
    users,
):
    # The subject names the consortium, the body the convention.
    Consortium.objects.filter(pk=world.consortium.pk).update(
        short_name=hostile["short_name"] + CRLF_BCC
    )
    Convention.objects.filter(consortium=world.consortium).update(title=hostile["title"])
    mail.outbox.clear()
    day = datetime.date(2027, 7, 15)
    assert membership_tasks.consult_consortium(world.consortium.pk, today=day) == 1
    (message,) = mail.outbox
    _assert_clean_message(message, listener)
    assert message.subject.startswith("{% debug %}<i>A</i>")  # plain text, as typed
    assert "&lt;iframe src=" in _escaped(message)


def test_the_digest_and_the_answer_print_a_hostile_request_literally(
    world,
    users,
    copil,
    hostile,  # noqa: F811
    listener,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    request = request_of(
        world.partner_a, copil.cotech, users["partner_a"], subject=hostile["title"] + CRLF_BCC
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_request_answer(request=request, answer=hostile["place"], user=users["admin"])
    (answer,) = mail.outbox
    _assert_clean_message(answer, listener)
    assert "&lt;style&gt;@import" in _escaped(answer)

    # The answer awaits A in its inbox: the week's digest names it.
    mail.outbox.clear()
    assert membership_tasks.send_inbox_digest(users["partner_a"].pk, "2026-11-30") == 1
    (digest,) = mail.outbox
    _assert_clean_message(digest, listener)
    assert "&lt;iframe src=" in _escaped(digest)
