"""Titres de recette: drafts from a run or a true-up, issuing, corrections, payments and refunds.

One module per stage; this package's names are the services the rest of the project calls.
"""

from billing.services.titres.drafts import batch_delete, drafts_from_run, titre_decide_recovery
from billing.services.titres.trueup import drafts_from_trueup
from titres.services.common import settings_save
from titres.services.corrections import titre_correct
from titres.services.given import drafts_from_lines
from titres.services.issuing import batch_issue, batch_resume, party_snapshot, titre_issue
from titres.services.payments import payment_record, payment_reverse, refund_record

__all__ = [
    "batch_delete",
    "batch_issue",
    "batch_resume",
    "drafts_from_lines",
    "drafts_from_run",
    "drafts_from_trueup",
    "party_snapshot",
    "payment_record",
    "payment_reverse",
    "refund_record",
    "settings_save",
    "titre_correct",
    "titre_decide_recovery",
    "titre_issue",
]
