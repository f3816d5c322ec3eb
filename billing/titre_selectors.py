"""Reads of titres: balances, statuses, the overdue list, scoped through the partners selectors."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Round
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing.models import (
    CHARGING_KINDS,
    CORRECTING_KINDS,
    FiscalYear,
    Payment,
    PaymentReversal,
    Refund,
    RevenueTitle,
    TitreBatch,
    TitreEmail,
    TitreSettings,
    TitreState,
)
from billing.money import ZERO, round_money
from ligeris.lib.roles import STAFF, role_of
from partners.models import Consortium, Partner
from partners.selectors import acting_partner_id

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
    """The pks of the issued titres due before `today` with something left to pay: the balance
    of `with_balance`, from payments, corrections and refunds each summed once per titre in one
    pass. Nearly every titre ever issued is past due; three subqueries for each of them made
    the overdue list take seconds at 11,500 titres."""
    titre, payment = RevenueTitle._meta.db_table, Payment._meta.db_table
    reversal, refund = PaymentReversal._meta.db_table, Refund._meta.db_table
    kinds = sorted(CHARGING_KINDS)
    sql = f"""
        SELECT t.id FROM {titre} t
        LEFT JOIN (SELECT original_id AS id, SUM(total) AS amount FROM {titre}
                   WHERE original_id IS NOT NULL AND state = %s GROUP BY original_id) c
               ON c.id = t.id
        LEFT JOIN (SELECT p.titre_id AS id, SUM(p.amount) AS amount FROM {payment} p
                   WHERE NOT EXISTS (SELECT 1 FROM {reversal} r WHERE r.payment_id = p.id)
                   GROUP BY p.titre_id) p
               ON p.id = t.id
        LEFT JOIN (SELECT titre_id AS id, SUM(amount) AS amount FROM {refund} GROUP BY titre_id) f
               ON f.id = t.id
        WHERE t.consortium_id = %s AND t.state = %s AND t.due_on < %s
          AND t.kind IN ({", ".join(["%s"] * len(kinds))})
          AND ROUND(ROUND(t.total - COALESCE(ROUND(c.amount, 2), 0), 2)
                    - COALESCE(ROUND(p.amount, 2), 0) + COALESCE(ROUND(f.amount, 2), 0), 2) > 0
    """  # noqa: S608 (table names from the models; values as parameters)
    return RawSQL(sql, [TitreState.ISSUED, consortium.pk, TitreState.ISSUED, today, *kinds])  # noqa: S611


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


def _late(consortium: Consortium, today: datetime.date) -> QuerySet[RevenueTitle]:
    """Titres unpaid beyond the setting (art. 8: exclusion for non-payment)."""
    settings = settings_of(consortium)
    days = settings.exclusion_after_days if settings else 90
    return overdue(consortium, today).filter(due_on__lt=today - datetime.timedelta(days=days))


def late_debtors(consortium: Consortium, today: datetime.date | None = None) -> QuerySet:
    """Per debtor with a titre unpaid beyond the setting: its oldest due date and what it owes,
    aggregated in SQL (rows of `debtor_id`, `oldest`, `amount_due`), by debtor name."""
    today = today or timezone.localdate()
    return (
        _late(consortium, today)
        .order_by()
        .values("debtor_id")
        .annotate(oldest=Min("due_on"), amount_due=Sum("balance"))
        .order_by("debtor__name", "debtor_id")
    )


def exclusion_flags(
    consortium: Consortium, today: datetime.date | None = None, *, debtors=None
) -> list[ExclusionFlag]:
    """Partners with a titre unpaid beyond the setting (art. 8: exclusion for non-payment).

    `debtors`: some rows of `late_debtors` (a page of them); by default all. Three queries,
    whatever the number of titres: the aggregates, the partners, their late titres.
    """
    today = today or timezone.localdate()
    rows = list(late_debtors(consortium, today) if debtors is None else debtors)
    ids = [row["debtor_id"] for row in rows]
    partners = Partner.objects.in_bulk(ids)
    titres: dict[int, list[RevenueTitle]] = {}
    for titre in _late(consortium, today).filter(debtor_id__in=ids):
        titres.setdefault(titre.debtor_id, []).append(titre)
    return [
        ExclusionFlag(
            partner=partners[row["debtor_id"]],
            titres=titres.get(row["debtor_id"], []),
            days_late=(today - row["oldest"]).days,
            amount_due=round_money(row["amount_due"]),
        )
        for row in rows
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
