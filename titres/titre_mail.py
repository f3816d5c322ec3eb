"""The e-mail of each issued titre to its debtor's address (frozen at issue), sent once, a chunk
of titres at a time.

Per chunk: one query for the titres left to send, one for the PDFs not already in hand, one
insert of their delivery records, the templates loaded once and one mail connection. Then, per
e-mail, its message built and one transaction: the record dated by an UPDATE ... WHERE sent_at
IS NULL, the message sent, the commit. The dated row stays locked until that commit, so another
run of the same chunk (a retry, a duplicate on another worker) waits for it, then finds the row
dated and skips the titre; a failed send rolls the date back and the next run sends it. A
process killed between the send and its commit sends that one e-mail again: no mail server lets
a send and a commit be one.
"""

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone

from ligeris.lib.email import TemplatedEmail
from titres.models import RevenueTitle, TitreDocument, TitreEmail, TitreState


def unsent(batch_id: int, first_number: int = 1, last_number: int | None = None):
    """The batch's issued titres (numbers `first_number` to `last_number`) whose PDF is stored
    and whose e-mail is not sent yet, in the order of their numbers."""
    titres = (
        RevenueTitle.objects.filter(
            batch_id=batch_id,
            state=TitreState.ISSUED,
            number__gte=first_number,
            document__isnull=False,
        )
        .exclude(emails__sent_at__isnull=False)
        .order_by("number")
    )
    if last_number is not None:
        titres = titres.filter(number__lte=last_number)
    return titres


def address(titre: RevenueTitle) -> str:
    return (titre.snapshot or {}).get("debtor", {}).get("email") or ""


def send_titres(
    batch_id: int,
    first_number: int = 1,
    last_number: int | None = None,
    pdfs: dict[int, bytes] | None = None,
) -> int:
    """E-mail each titre of the batch (or of its numbers `first_number` to `last_number`) with
    its PDF, once; `pdfs`: those in hand, by titre pk (the others are read). Return how many
    were sent.

    A failed send does not hold back the titres after it: they are sent, then the first error
    is raised so that the task retries what is left.
    """
    titres = [titre for titre in unsent(batch_id, first_number, last_number) if address(titre)]
    if not titres:
        return 0
    pdfs = {titre.pk: pdfs[titre.pk] for titre in titres if titre.pk in (pdfs or {})}
    wanted = [titre.pk for titre in titres if titre.pk not in pdfs]
    if wanted:
        stored = TitreDocument.objects.filter(titre_id__in=wanted).values_list("titre_id", "pdf")
        pdfs.update((pk, bytes(pdf)) for pk, pdf in stored)
    # Created undated beforehand, all at once: the send only dates its own.
    TitreEmail.objects.bulk_create(
        [TitreEmail(titre_id=titre.pk, email=address(titre)) for titre in titres],
        ignore_conflicts=True,
    )
    template = TemplatedEmail("titre")
    base_url = settings.LIGERIS_BASE_URL.rstrip("/")
    sent = 0
    failure: OSError | None = None
    with mail.get_connection() as connection:
        for titre in titres:
            message = template.message(
                to=[address(titre)],
                context={
                    "titre": titre,
                    "snapshot": titre.snapshot,
                    "link": base_url + titre.get_absolute_url(),
                },
                attachments=[(f"titre-{titre.reference}.pdf", pdfs[titre.pk], "application/pdf")],
            )
            try:
                sent += _send_once(titre, message, connection)
            except OSError as error:
                failure = failure or error
                connection.close()  # the next send opens a fresh one (a dropped SMTP session)
    if failure is not None:
        raise failure
    return sent


def _send_once(titre: RevenueTitle, message, connection) -> bool:
    with transaction.atomic():
        # The base manager: this row is never final yet (sent_at is null), so the ORM's check
        # of final rows would be a query that always finds nothing; PostgreSQL's trigger still
        # allows only this change.
        claimed = TitreEmail._base_manager.filter(
            titre_id=titre.pk, email=message.to[0], sent_at__isnull=True
        ).update(sent_at=timezone.now())
        if not claimed:  # sent meanwhile by another run of the chunk
            return False
        if connection.send_messages([message]) != 1:
            raise OSError(f"the e-mail of titre {titre.reference} was not sent")
        return True
