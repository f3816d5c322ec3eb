"""Reads of titres: balances, statuses, the overdue list, scoped through the partners selectors."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, Round
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ligeris.lib.roles import STAFF, role_of
from partners.models import Consortium, Partner
from partners.selectors import acting_partner_id
from titres import overdue as overdue_set
from titres.models import (
    CHARGING_KINDS,
    CORRECTING_KINDS,
    FiscalYear,
    Payment,
    Refund,
    RevenueTitle,
    TitreBatch,
    TitreEmail,
    TitreSettings,
    TitreState,
)
from titres.money import ZERO, round_money

MONEY = DecimalField(max_digits=13, decimal_places=2)


def _sum_of(queryset: QuerySet, group: str, field: str) -> Subquery:
    return Subquery(
        queryset.values(group).annotate(total=Sum(field)).values("total")[:1], output_field=MONEY
    )


def _cents(expression) -> Round:
    """Rounded to the cent in the query: SQLite adds money as floating point numbers, where
    3 473,69 − (1 077,70 + 2 395,99) leaves 4.5e-13 due."""
    return Round(expression, 2, output_field=MONEY)


def with_balance(titres: QuerySet[RevenueTitle]) -> QuerySet[RevenueTitle]:
    """Annotate `corrected` (issued corrections), `paid` (payments not reversed), `refunded`
    (trop-perçu paid back by mandat), `net`, `balance` (net − paid + refunded) and `to_refund`
    (the trop-perçu still to pay back: never a negative balance shown)."""
    corrections = RevenueTitle.objects.filter(original=OuterRef("pk"), state=TitreState.ISSUED)
    payments = Payment.objects.filter(titre=OuterRef("pk"), reversal__isnull=True)
    refunds = Refund.objects.filter(titre=OuterRef("pk"))
    zero = Value(ZERO, output_field=MONEY)
    return (
        titres.annotate(
            corrected=Coalesce(_cents(_sum_of(corrections, "original", "total")), zero),
            paid=Coalesce(_cents(_sum_of(payments, "titre", "amount")), zero),
            refunded=Coalesce(_cents(_sum_of(refunds, "titre", "amount")), zero),
        )
        .annotate(
            net=_cents(F("total") - F("corrected")),
            balance=Case(
                When(
                    state=TitreState.ISSUED,
                    kind__in=CHARGING_KINDS,
                    then=_cents(F("net") - F("paid") + F("refunded")),
                ),
                default=zero,
                output_field=MONEY,
            ),
        )
        .annotate(
            to_refund=Case(
                When(balance__lt=0, then=-F("balance")), default=zero, output_field=MONEY
            )
        )
    )


BALANCE_FIELDS = ("corrected", "paid", "refunded", "net", "balance", "to_refund")


def balances_of(pks) -> dict[int, RevenueTitle]:
    """The titres again, annotated by `with_balance`, to the cent (SQLite computes in floating
    point: 5839.03000000000), by primary key."""
    titres = {}
    for titre in with_balance(RevenueTitle.objects.filter(pk__in=list(pks))):
        for name in BALANCE_FIELDS:
            setattr(titre, name, round_money(getattr(titre, name)))
        titres[titre.pk] = titre
    return titres


def balance_of(titre: RevenueTitle) -> RevenueTitle:
    """The titre again, annotated by `with_balance`, to the cent."""
    return balances_of([titre.pk])[titre.pk]


def titres_visible_to(user) -> QuerySet[RevenueTitle]:
    """Staff see every titre; a partner user the issued titres of which its partner is debtor."""
    titres = RevenueTitle.objects.select_related("debtor", "tenant", "batch", "fiscal_year")
    if role_of(user) in STAFF:
        return with_balance(titres)
    return with_balance(titres.filter(debtor_id=acting_partner_id(user), state=TitreState.ISSUED))


def listed(titres: QuerySet[RevenueTitle]) -> QuerySet[RevenueTitle]:
    """For `TitreTable`: the issued titre's frozen copy (a few KiB of JSON each) left unread but
    its heading, and only the debtor and the tenant joined (not the batch, not the year)."""
    return (
        titres.select_related(None)
        .select_related("debtor", "tenant")
        .defer("snapshot")
        .annotate(wording_heading=KT("snapshot__wording__heading"))
    )


def batches_of(fiscal_year: FiscalYear) -> QuerySet[TitreBatch]:
    return fiscal_year.batches.order_by("-issue_date", "-pk")


def settings_of(consortium: Consortium) -> TitreSettings | None:
    return TitreSettings.objects.filter(consortium=consortium).first()


@dataclass(frozen=True)
class Status:
    code: str  # draft, waived, issued, due, overdue, partial, paid, overpaid, cancelled, correction
    label: str


def status_of(titre: RevenueTitle, today: datetime.date | None = None) -> Status:
    """The status a reader expects, from a titre annotated by `with_balance`."""
    today = today or timezone.localdate()
    if titre.state == TitreState.DRAFT:
        return Status("draft", _("Brouillon"))
    if titre.state == TitreState.WAIVED:
        return Status("waived", _("Non mis en recouvrement"))
    if titre.kind in CORRECTING_KINDS:
        return Status("correction", _("Émis"))
    if titre.net <= ZERO:
        return Status(
            "cancelled",
            _("Annulé, trop-perçu à rembourser") if titre.balance < ZERO else _("Annulé"),
        )
    if titre.balance < ZERO:
        return Status("overpaid", _("Trop-perçu à rembourser"))
    if titre.balance == ZERO:
        return Status("paid", _("Soldé"))
    if titre.due_on < today:
        return Status("overdue", _("En retard"))
    if titre.paid > ZERO:
        return Status("partial", _("Payé partiellement"))
    return Status("due", _("À payer"))


def _unpaid_before(consortium: Consortium, today: datetime.date) -> RawSQL:
    """The pks of the issued titres due before `today` with something left to pay, from
    payments, corrections and refunds each summed once per titre in one pass (three subqueries
    for each of 11,500 titres took seconds)."""
    return RawSQL(*overdue_set.unpaid_before_sql(consortium, today))  # noqa: S611


def overdue(consortium: Consortium, today: datetime.date | None = None) -> QuerySet[RevenueTitle]:
    """Issued titres past their due date with something left to pay, oldest first."""
    today = today or timezone.localdate()
    return (
        with_balance(
            RevenueTitle.objects.filter(
                consortium=consortium,
                state=TitreState.ISSUED,
                kind__in=CHARGING_KINDS,
                due_on__lt=today,
                pk__in=_unpaid_before(consortium, today),
            )
            .select_related("debtor", "tenant", "batch")
            .defer("snapshot")  # the issued titre's frozen copy: not shown in a list
            .annotate(wording_heading=KT("snapshot__wording__heading"))
        )
        .filter(balance__gt=0)
        .order_by("due_on", "exercise", "number")
    )


@dataclass(frozen=True)
class ExclusionFlag:
    partner: Partner
    titres: list[RevenueTitle]
    days_late: int  # of its oldest unpaid titre
    amount_due: Decimal


def exclusion_flags(
    consortium: Consortium, today: datetime.date | None = None, *, debtors=None
) -> list[ExclusionFlag]:
    """Partners with a titre unpaid beyond the setting (art. 8: exclusion for non-payment).

    `debtors`: some of `overdue.late_debtors` (a page of them); by default all, from one query
    of the overdue set. Then one query, whatever the number of titres: their late titres.
    """
    today = today or timezone.localdate()
    if debtors is None:
        cutoff = overdue_set.exclusion_cutoff(settings_of(consortium), today)
        debtors = overdue_set.late_debtors(overdue_set.overdue_rows(consortium, today), cutoff)
    titres: dict[int, list[RevenueTitle]] = {}
    late = [row for debtor in debtors for row in debtor.rows]
    for titre in overdue_set.titres_of(late, related=("debtor",)):  # ~4 titres a debtor
        titres.setdefault(titre.debtor_id, []).append(titre)
    return [
        ExclusionFlag(
            partner=titres[debtor.debtor_id][0].debtor,
            titres=titres[debtor.debtor_id],
            days_late=(today - debtor.oldest).days,
            amount_due=debtor.amount_due,
        )
        for debtor in debtors
    ]


def annual_titres(run_id: int) -> QuerySet[RevenueTitle]:
    """The issued titres of a billed run: what a true-up or a specific run's reduction corrects
    (the same recipient's)."""
    return RevenueTitle.objects.filter(
        run_id=run_id, state=TitreState.ISSUED, kind__in=CHARGING_KINDS
    ).select_related("debtor", "tenant")


def open_drafts(batch: TitreBatch) -> QuerySet[RevenueTitle]:
    return batch.titres.filter(state=TitreState.DRAFT)


def undecided_below_threshold(batch: TitreBatch) -> QuerySet[RevenueTitle]:
    return open_drafts(batch).filter(below_threshold=True, recovery_confirmed=False)


@dataclass(frozen=True)
class BatchProgress:
    """How far the background job of an issued batch is: chunks rendered (the PDFs they hold),
    e-mails sent. The bar counts chunks: one moves it by the titres it holds."""

    total: int
    rendered: int
    to_send: int
    sent: int
    chunks: int = 0
    chunks_done: int = 0

    @property
    def done(self) -> bool:
        return self.rendered >= self.total and self.sent >= self.to_send

    @property
    def percent(self) -> int:
        steps = self.total + self.to_send
        if not steps:
            return 100
        # Before the job cuts its chunks (or for a batch rendered before chunks), the PDFs.
        rendering = self.chunks_done / self.chunks if self.chunks else self.rendered / self.total
        return round(100 * (rendering * self.total + self.sent) / steps)

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "rendered": self.rendered,
            "to_send": self.to_send,
            "sent": self.sent,
            "chunks": self.chunks,
            "chunks_done": self.chunks_done,
            "percent": self.percent,
            "done": self.done,
        }


def batch_progress(batch: TitreBatch) -> BatchProgress:
    issued = batch.titres.filter(state=TitreState.ISSUED)
    chunks = batch.chunks.aggregate(
        count=Count("pk"), done=Count("pk", filter=Q(done_at__isnull=False))
    )
    return BatchProgress(
        total=issued.count(),
        rendered=issued.filter(document__isnull=False).count(),
        to_send=issued.exclude(snapshot__debtor__email="").count(),
        sent=TitreEmail.objects.filter(titre__batch=batch, sent_at__isnull=False).count(),
        chunks=chunks["count"],
        chunks_done=chunks["done"],
    )
