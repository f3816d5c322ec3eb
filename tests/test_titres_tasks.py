"""The background work of an issued batch, in eager mode: one PDF and one e-mail per titre.

Celery runs eagerly in tests: issuing a batch queues `process_batch` on commit, run here by
`django_capture_on_commit_callbacks(execute=True)`. A failing send is simulated by an e-mail
backend that raises OSError (an SMTP error is one) on its first message.
"""

import datetime
import smtplib
from decimal import Decimal

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from billing.services import titres
from partners import services as partner_services
from tests.titre_fixtures import ISSUE_DATE, issued, twenty_drafts
from titres import tasks
from titres.models import RevenueTitle, TitreDocument, TitreEmail, TitreKind
from titres.titre_pdf import sha256

BASE_URL = "https://ligeris.example.org"


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.LIGERIS_BASE_URL = BASE_URL + "/"


class RefusingBackend(EmailBackend):
    """The locmem backend, refusing every message to the addresses in `refused`."""

    refused: frozenset[str] = frozenset()

    def send_messages(self, messages):
        if any(address in type(self).refused for m in messages for address in m.to):
            raise smtplib.SMTPRecipientsRefused({})
        return super().send_messages(messages)


class FailingOnceBackend(EmailBackend):
    """The locmem backend, except that its first message after `arm()` raises OSError."""

    armed = False

    @classmethod
    def arm(cls) -> None:
        cls.armed = True

    def send_messages(self, messages):
        if type(self).armed:
            type(self).armed = False
            raise OSError("SMTP indisponible")
        return super().send_messages(messages)


@pytest.fixture
def failing_once(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingOnceBackend"
    FailingOnceBackend.arm()
    yield FailingOnceBackend
    FailingOnceBackend.armed = False


def _sent() -> dict[int, int]:
    """{titre pk: number of e-mails} from the outbox, by the attachment's name."""
    counts: dict[int, int] = {}
    for message in mail.outbox:
        (name, _content, _mimetype) = message.attachments[0]
        titre = RevenueTitle.objects.get(exercise=2026, number=int(name[-9:-4]))
        counts[titre.pk] = counts.get(titre.pk, 0) + 1
    return counts


def test_issuing_a_batch_renders_and_mails_every_titre_once(
    world, billing_year, django_capture_on_commit_callbacks
):
    batch = twenty_drafts(world, billing_year)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        titres.batch_issue(batch=batch)
    assert len(callbacks) == 1  # the batch's task, queued once on commit

    titres_ = issued(batch)
    assert len(titres_) == 20
    documents = TitreDocument.objects.filter(titre__batch=batch)
    assert documents.count() == 20
    for document in documents:
        pdf = bytes(document.pdf)
        assert pdf.startswith(b"%PDF")
        assert document.sha256 == sha256(pdf) and document.size == len(pdf)
    assert len(mail.outbox) == 20
    by_reference = {message.attachments[0][0]: message for message in mail.outbox}
    for titre in titres_:
        message = by_reference[f"titre-{titre.reference}.pdf"]
        assert message.to == [titre.debtor.billing_email] == [titre.snapshot["debtor"]["email"]]
        (_name, content, mimetype) = message.attachments[0]
        assert mimetype == "application/pdf"
        assert content == bytes(titre.document.pdf)
    assert TitreEmail.objects.filter(titre__batch=batch, sent_at__isnull=False).count() == 20

    # Run again (a duplicate or a retry): nothing new.
    assert tasks.process_batch.delay(batch.pk).get() == {"rendered": 0, "sent": 0}
    assert tasks.process_batch.delay(batch.pk).get() == {"rendered": 0, "sent": 0}
    assert len(mail.outbox) == 20
    assert TitreDocument.objects.count() == 20 and TitreEmail.objects.count() == 20


def test_a_debtor_without_billing_email_gets_no_mail_and_no_record(
    world, billing_year, django_capture_on_commit_callbacks
):
    batch = twenty_drafts(world, billing_year, without_email=2)
    with django_capture_on_commit_callbacks(execute=True):
        titres.batch_issue(batch=batch)

    silent = [t for t in issued(batch) if not t.debtor.billing_email]
    assert len(silent) == 2
    assert all(t.snapshot["debtor"]["email"] == "" for t in silent)
    assert TitreDocument.objects.filter(titre__batch=batch).count() == 20  # rendered all the same
    assert len(mail.outbox) == 18
    assert not TitreEmail.objects.filter(titre__in=silent).exists()
    assert TitreEmail.objects.count() == 18


def test_the_email_of_a_titre_says_what_to_pay_and_links_to_it(world, issued_batch):
    partner_services.partner_save(partner=world.partner_b, name="Communauté d'agglomération")
    # Renamed after issue: the e-mail is the titre as issued, "Agglopolys".
    assert tasks.process_batch(issued_batch.pk) == {"rendered": 4, "sent": 4}

    titre = issued(issued_batch)[0]
    message = next(m for m in mail.outbox if m.attachments[0][0] == "titre-2026-00001.pdf")
    assert message.subject == "Test : Titre annuel (terme à échoir) n° 2026-00001"
    text = message.body
    assert "À l'attention du service financier de Agglopolys," in text
    assert (
        "Veuillez trouver ci-joint le titre annuel (terme à échoir) n° 2026-00001 émis le "
        "20/01/2026." in text
    )
    assert f"Objet : {titre.object}" in text
    assert "Montant : 7\u202f062,83\u00a0€" in text
    assert "Échéance : 19/02/2026" in text
    assert (
        "Paiement par virement à Paierie départementale d'Indre-et-Loire, IBAN "
        "FR7630001007941234567890185, en rappelant la référence du titre." in text
    )
    assert f"{BASE_URL}/finances/titres/{titre.pk}/" in text
    assert text.rstrip().endswith("Département d'Indre-et-Loire")
    assert "&#x27;" not in text and "&amp;" not in text and "<" not in text
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{BASE_URL}/finances/titres/{titre.pk}/"' in html
    assert "Paierie départementale d&#x27;Indre-et-Loire" in html
    assert "7\u202f062,83\u00a0€" in html


def test_the_email_of_a_correction_asks_for_no_payment(
    world, issued_batch, django_capture_on_commit_callbacks
):
    original = RevenueTitle.objects.get(batch=issued_batch, tenant=world.tenant_a)
    with django_capture_on_commit_callbacks(execute=True):  # queued by the correction
        titres.titre_correct(
            original=original,
            kind=TitreKind.REDUCTION,
            amount=Decimal("100"),
            reason="Remise",
            issue_date=datetime.date(2026, 2, 1),
        )

    (message,) = mail.outbox
    assert message.to == [world.partner_a.billing_email]
    assert message.subject == "Test : Titre de réduction n° 2026-00005"
    assert "le titre de réduction n° 2026-00005 émis le 01/02/2026" in message.body
    assert "Réduction du titre n° 2026-00003 du 20/01/2026" in message.body
    assert "Échéance" not in message.body and "Paiement par virement" not in message.body


def test_a_failed_send_leaves_no_sent_record_and_the_next_run_sends_it(
    world, issued_batch, failing_once
):
    tasks.render_missing(issued_batch.pk)
    with pytest.raises(OSError, match="SMTP indisponible"):
        tasks.send_missing(issued_batch.pk)
    first, *others = issued(issued_batch)
    assert first.pk not in _sent()
    assert TitreEmail.objects.get(titre=first).sent_at is None  # rolled back with the send
    assert _sent() == {titre.pk: 1 for titre in others}  # the others went out meanwhile

    assert tasks.send_missing(issued_batch.pk) == 1
    assert _sent() == {titre.pk: 1 for titre in issued(issued_batch)}
    assert TitreEmail.objects.filter(sent_at__isnull=False).count() == 4


def test_an_address_refused_does_not_hold_back_the_others(world, issued_batch, settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    RefusingBackend.refused = frozenset({world.partner_b.billing_email})  # the first two titres
    tasks.render_missing(issued_batch.pk)
    for _attempt in range(2):  # the task's retries meet the same refusal
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            tasks.send_missing(issued_batch.pk)
    assert [m.to for m in mail.outbox] == [[world.partner_a.billing_email]] * 2
    sent = TitreEmail.objects.filter(sent_at__isnull=False)
    assert sorted(sent.values_list("titre__number", flat=True)) == [3, 4]

    RefusingBackend.refused = frozenset()  # the address is fixed on the server's side
    assert tasks.send_missing(issued_batch.pk) == 2
    assert _sent() == {titre.pk: 1 for titre in issued(issued_batch)}


def test_the_task_asks_for_a_retry_when_a_send_fails_and_the_retry_sends(
    world, issued_batch, failing_once
):
    # Eager mode propagates the retry request instead of scheduling it (a worker retries).
    with pytest.raises(Retry):
        tasks.process_batch.delay(issued_batch.pk)
    first = issued(issued_batch)[0]
    assert len(mail.outbox) == 3 and first.pk not in _sent()
    assert not TitreEmail.objects.filter(titre=first, sent_at__isnull=False).exists()
    assert TitreDocument.objects.count() == 4  # the PDFs stay stored

    assert tasks.process_batch.delay(issued_batch.pk).get() == {"rendered": 0, "sent": 1}
    assert _sent() == {titre.pk: 1 for titre in issued(issued_batch)}


def test_a_batch_not_issued_is_left_alone(drafts):
    assert tasks.process_batch(drafts.pk) == {"rendered": 0, "sent": 0}
    assert mail.outbox == [] and not TitreDocument.objects.exists()
    assert drafts.issue_date == ISSUE_DATE
