"""Timeline events read from billing: shares per year, titres, payments, corrections, refunds.

Titres are those a partner user sees of its own: issued, the partner being the debtor (the
scoping of `titres.titre_selectors.titres_visible_to`), with their balances from `with_balance`.
"""

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from billing.models import AllocationRun, RunKind, Share
from membership.selectors.timeline.common import MONEY, day_of, euros, french_date
from membership.timeline_types import TimelineEvent
from partners.models import Partner
from titres.models import CHARGING_KINDS, Payment, Refund, RevenueTitle, TitreState
from titres.money import ZERO, round_money
from titres.titre_selectors import with_balance

RUN_KINDS = {RunKind.BUDGET: gettext_lazy("prévisionnel"), RunKind.ACTUAL: gettext_lazy("réel")}


def _shown_runs(partner: Partner) -> list[dict]:
    """Per fiscal year: the budget run it was billed on (the one a titre used, else the latest,
    as `billing.selectors.billed_run` and the partner's "Mes quotes-parts" page) and the latest
    actual run."""
    rows = AllocationRun.objects.filter(
        fiscal_year__consortium=partner.consortium_id, kind__in=list(RUN_KINDS)
    ).values("pk", "kind", "version", "locked_at", "created_at", "fiscal_year__year")
    chosen: dict[tuple[int, str], dict] = {}
    for row in rows:
        key = (row["fiscal_year__year"], row["kind"])
        current = chosen.get(key)
        rank = (row["kind"] == RunKind.BUDGET and row["locked_at"] is not None, row["version"])
        if current is None or rank > current["rank"]:
            chosen[key] = {**row, "rank": rank}
    return list(chosen.values())


def share_events(partner: Partner) -> list[TimelineEvent]:
    """Its total share of each year, budget and actual, with a link to the run."""
    runs = {row["pk"]: row for row in _shown_runs(partner)}
    if not runs:
        return []
    totals = (
        Share.objects.filter(run_id__in=list(runs), partner=partner)
        .values("run_id")
        .annotate(total=Sum("amount"), count=Count("pk"))
        .order_by()
    )
    events = []
    for row in totals:
        run = runs[row["run_id"]]
        events.append(
            TimelineEvent(
                day_of(run["created_at"]),
                MONEY,
                _("Quotes-parts %(year)s, %(kind)s (version %(version)s) : %(total)s")
                % {
                    "year": run["fiscal_year__year"],
                    "kind": RUN_KINDS[run["kind"]],
                    "version": run["version"],
                    "total": euros(round_money(row["total"])),
                },
                detail=ngettext("%(count)s quote-part", "%(count)s quotes-parts", row["count"])
                % {"count": row["count"]},
                url=reverse("billing:run_detail", args=[run["pk"]]),
                order=60,
            )
        )
    return events


def titre_events(partner: Partner) -> list[TimelineEvent]:
    """Titres issued to it, their corrections, and what is still due on them by when."""
    today = timezone.localdate()
    titres = with_balance(
        RevenueTitle.objects.filter(debtor=partner, state=TitreState.ISSUED).select_related(
            "original"
        )
    ).order_by("issued_on", "exercise", "number")
    events = []
    for titre in titres:
        url = titre.get_absolute_url()
        names = {
            "kind": titre.heading,
            "reference": titre.reference,
            "total": euros(titre.total),
        }
        if titre.kind in CHARGING_KINDS:
            title = _("Titre n° %(reference)s émis : %(kind)s, %(total)s") % names
        else:
            names["original"] = titre.original.reference
            title = _("%(kind)s n° %(reference)s du titre %(original)s : %(total)s") % names
        detail = titre.object if titre.kind in CHARGING_KINDS else titre.reason
        events.append(TimelineEvent(titre.issued_on, MONEY, title, detail, url, order=70))
        balance = round_money(titre.balance)
        if titre.kind in CHARGING_KINDS and balance > ZERO:
            due = {"reference": titre.reference, "balance": euros(balance)}
            late = titre.due_on < today
            events.append(
                TimelineEvent(
                    titre.due_on,
                    MONEY,
                    (
                        _("Échéance dépassée du titre n° %(reference)s : %(balance)s restant dû")
                        if late
                        else _("Échéance du titre n° %(reference)s : %(balance)s à payer")
                    )
                    % due,
                    url=url,
                    is_deadline=not late,
                    order=79,
                )
            )
    return events


def payment_events(partner: Partner) -> list[TimelineEvent]:
    """Payments received on its titres, and their counter-entries when one was a mistake."""
    payments = (
        Payment.objects.filter(titre__debtor=partner, titre__state=TitreState.ISSUED)
        .select_related("titre", "reversal")
        .order_by("paid_on", "pk")
    )
    events = []
    for payment in payments:
        titre = payment.titre
        names = {
            "amount": euros(payment.amount),
            "reference": titre.reference,
            "payment": payment.reference,
            "date": french_date(payment.paid_on),
        }
        url = titre.get_absolute_url()
        events.append(
            TimelineEvent(
                payment.paid_on,
                MONEY,
                _("Paiement reçu : %(amount)s sur le titre n° %(reference)s") % names,
                detail=_("référence %(payment)s") % names,
                url=url,
                order=75,
            )
        )
        reversal = getattr(payment, "reversal", None)
        if reversal is not None:
            events.append(
                TimelineEvent(
                    reversal.reversed_on,
                    MONEY,
                    _("Paiement du %(date)s contre-passé : %(amount)s, titre n° %(reference)s")
                    % names,
                    detail=reversal.reason,
                    url=url,
                    order=76,
                )
            )
    return events


def refund_events(partner: Partner) -> list[TimelineEvent]:
    """Trop-perçus paid back to it by mandat."""
    refunds = (
        Refund.objects.filter(titre__debtor=partner)
        .select_related("titre")
        .order_by("paid_on", "pk")
    )
    return [
        TimelineEvent(
            refund.paid_on,
            MONEY,
            _("Remboursement du trop-perçu : %(amount)s, titre n° %(reference)s")
            % {"amount": euros(refund.amount), "reference": refund.titre.reference},
            detail=_("mandat n° %(number)s") % {"number": refund.mandate_number},
            url=refund.titre.get_absolute_url(),
            order=77,
        )
        for refund in refunds
    ]
