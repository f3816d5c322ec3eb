"""Hostile text (see `test_hostile_documents.py`) into the documents that file left out: the
admission simulation PDF, the purchase order PDF and its e-mails, the invitation e-mail. Printed
literally, nothing fetched from the listener, no file read, no header from a line break.
"""

import datetime
from decimal import Decimal

from django.core import mail

from accounts.services import user_create
from accounts.tasks import send_invitation
from billing.models import PurchaseOrder
from billing.services import order_review, orders
from billing.services.orders import LineInput
from membership.admission_documents import impact_pdf
from membership.simulation import candidacy_impact
from partners.models import Partner
from tests.admission_fixtures import build_admission
from tests.order_fixtures import IN_PERIOD, open_period, unit_price
from tests.test_hostile_documents import (  # noqa: F401 (fixtures)
    SECRET,
    _assert_literal,
    _assert_nothing_leaked,
    hostile,
    listener,
)
from tests.test_titres_pdf import text_of
from tests.titre_fixtures import settings_for

INJECTED = "intrus@example.org"


def _assert_clean_message(message, listener) -> None:  # noqa: F811
    """One-line subject, no injected recipient or header, HTML escaped, nothing leaked."""
    assert "\n" not in message.subject and "\r" not in message.subject
    assert INJECTED not in " ".join(message.recipients())
    headers = message.message().as_bytes().decode("utf-8", "replace").split("\n\n", 1)[0]
    assert "\nBcc:" not in headers
    bodies = [message.body] + [body for body, _kind in getattr(message, "alternatives", [])]
    for body, kind in getattr(message, "alternatives", []):
        if kind == "text/html":
            assert "<img src=" not in body and "<script" not in body
    for body in bodies:
        _assert_nothing_leaked(body, listener)


def test_the_admission_simulation_prints_hostile_text_literally(hostile, world, listener):  # noqa: F811
    year = build_admission(world, opening=datetime.date(2026, 1, 1))
    Partner.objects.filter(pk=year.candidate.pk).update(
        name=hostile["title"], short_name=hostile["last_name"]
    )
    year.candidacy.refresh_from_db()
    impact = candidacy_impact(candidacy=year.candidacy, fiscal_year=year.fiscal_year)
    text = text_of(impact_pdf(impact))
    # The partners by name: A's and the candidate's.
    _assert_literal(text, "{{ settings.SECRET_KEY }}", "<b>gras</b>", '<img src="')
    _assert_literal(text, "<iframe src=", "$x^2$ [crochet]")
    _assert_nothing_leaked(text, listener)


def test_the_purchase_order_and_its_e_mails_print_hostile_text_literally(
    hostile,  # noqa: F811
    world,
    billing_year,
    listener,  # noqa: F811
    users,
    django_capture_on_commit_callbacks,
):
    fiscal_year = billing_year.fiscal_year
    settings_for(world)
    # A crafted POST can send a line break: it must not become a header of the notice.
    Partner.objects.filter(pk=world.partner_a.pk).update(
        short_name=f"Blois\r\nBcc: {INJECTED}", billing_email="finances@blois.example.org"
    )
    world.partner_a.refresh_from_db()
    open_period(fiscal_year)
    order = orders.order_save(
        partner=world.partner_a,
        fiscal_year=fiscal_year,
        reason=hostile["place"],
        lines=[
            LineInput(quantity=Decimal("2.5"), tariff_line=unit_price(fiscal_year)),
            LineInput(quantity=Decimal("1"), label=hostile["title"]),
        ],
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order = orders.order_submit(order=order, today=IN_PERIOD)
    free = order.lines.get(tariff_line=None)
    with django_capture_on_commit_callbacks(execute=True):
        order = order_review.order_issue(
            order=order, prices={free.pk: Decimal("1500.00")}, today=IN_PERIOD
        )
    order = PurchaseOrder.objects.get(pk=order.pk)
    text = text_of(bytes(order.pdf))
    _assert_literal(text, "<style>@import url(", "<iframe src=", "$x^2$ [crochet]")
    _assert_nothing_leaked(text, listener)
    assert len(mail.outbox) >= 2, "the submission and the issue were notified"
    for message in mail.outbox:
        _assert_clean_message(message, listener)


def test_the_invitation_keeps_hostile_names_out_of_headers_and_markup(db, hostile, listener):  # noqa: F811
    user = user_create(
        email="invitee@example.org",
        role="finance",
        first_name=hostile["name"],
        last_name=f"Dupont\r\nBcc: {INJECTED}",
    )
    mail.outbox.clear()
    assert send_invitation.delay(user.pk).get() is True  # eager in tests
    (message,) = mail.outbox
    assert message.to == ["invitee@example.org"]
    _assert_clean_message(message, listener)
    # The text part prints the name as typed (plain text); the HTML part escapes it.
    assert "{{ settings.SECRET_KEY }}" in message.body
    html = {kind: body for body, kind in message.alternatives}["text/html"]
    assert "&lt;img src=" in html and "&lt;b&gt;gras&lt;/b&gt;" in html
    assert SECRET not in html
