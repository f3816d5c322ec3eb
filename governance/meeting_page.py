"""Reads for the meeting page and a decision's votes page, in queries that do not grow with the
meeting: attendance counted in SQL and paginated, each decision's first votes in one query (the
full sheet on the votes page, paginated). The minutes (PDF) keep the whole record
(`selectors.meeting_record`)."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from governance.models import (
    Action,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Meeting,
    Vote,
    VoteChoice,
)
from governance.vote_base import SEAT_NAME_COLUMNS, SeatName, TenantName, vote_base

ATTENDANCE_PER_PAGE = 50
#: Votes shown under each decision on the meeting page; the others on the votes page.
VOTES_SHOWN = 20
VOTES_PER_PAGE = 100


#: The body's protocol order (that of the minutes); the key makes it total.
PROTOCOL_ORDER = ("seat__order", "seat__partner__name", "seat__person__last_name", "pk")


@dataclass(frozen=True)
class AttendanceRow:
    """An attendance row as the page shows it, its seats named from a row (`SeatName`): 50
    attendances with their seats, people and partners were some 350 model instances."""

    pk: int
    status: str
    proxy_to_id: int | None
    seat: SeatName
    proxy_to: SeatName | None

    def get_status_display(self) -> str:
        return str(AttendanceStatus(self.status).label)


_SEAT = tuple(f"seat__{column}" for column in SEAT_NAME_COLUMNS)
_PROXY_TO = tuple(f"proxy_to__{column}" for column in SEAT_NAME_COLUMNS)


class AttendanceRows:
    """The attendance in the body's protocol order, sliced a page at a time (a `Paginator`'s
    list): the page's keys chosen on the sort's columns alone, then only those rows read with
    their seats' names. Sorting the 2,000 rows joined in full cost 20 ms of PostgreSQL for the
    50 shown."""

    def __init__(self, meeting: Meeting):
        self.meeting = meeting

    def __getitem__(self, page: slice) -> list[AttendanceRow]:
        # The keys as a list, not a subquery: given `pk IN (subquery)`, PostgreSQL joined all
        # 60,000 attendance rows of the consortium to their seats and people before keeping 50
        # (130 ms against 2 ms for the two queries).
        keys = list(
            self.meeting.attendances.order_by(*PROTOCOL_ORDER).values_list("pk", flat=True)[page]
        )
        rows = Attendance.objects.filter(pk__in=keys).order_by(*PROTOCOL_ORDER)
        width = len(SEAT_NAME_COLUMNS)
        return [
            AttendanceRow(
                pk,
                status,
                proxy_to_id,
                SeatName.from_row(*names[:width]),
                SeatName.from_row(*names[width:]) if proxy_to_id else None,
            )
            for pk, status, proxy_to_id, *names in rows.values_list(
                "pk", "status", "proxy_to_id", *_SEAT, *_PROXY_TO
            )
        ]


def attendance_counts(meeting: Meeting) -> dict[str, int]:
    """How many seats have each status (every status, 0 included), and the total."""
    counts = dict.fromkeys(AttendanceStatus.values, 0)
    for row in meeting.attendances.values("status").annotate(n=Count("pk")).order_by():
        counts[row["status"]] = row["n"]
    counts["total"] = sum(counts.values())
    return counts


def decision_votes(decision_id: int) -> QuerySet[Vote]:
    return (
        Vote.objects.filter(decision_id=decision_id)
        .select_related("tenant", "cast_by__person", "proxy_from__person")
        .order_by("tenant__code", "pk")
    )


@dataclass(frozen=True)
class ShownVote:
    """One of a decision's first votes as the meeting page shows it, from a row: its tenant
    (`TenantName`) and the seats that cast it (`SeatName`, whose `person` is the name shown)."""

    pk: int
    decision_id: int
    choice: str
    is_advisory: bool
    tenant: TenantName
    cast_by: SeatName
    proxy_from: SeatName | None

    def get_choice_display(self) -> str:
        return str(VoteChoice(self.choice).label)


_TENANT = ("tenant_id", "tenant__code", "tenant__name", "tenant__deployed_on")
_CAST_BY = tuple(f"cast_by__{column}" for column in SEAT_NAME_COLUMNS)
_PROXY_FROM = tuple(f"proxy_from__{column}" for column in SEAT_NAME_COLUMNS)


def _first_votes(meeting: Meeting) -> dict[int, list[ShownVote]]:
    """The first `VOTES_SHOWN` votes of each decision of the meeting, in two queries: ranked on
    their keys and tenant codes alone, then only those read with their names (the window over
    every vote joined in full sorted 5,000 wide rows, 28 ms of PostgreSQL for 40 shown)."""
    rank = Window(RowNumber(), partition_by=F("decision_id"), order_by=F("tenant__code").asc())
    ranked = Vote.objects.filter(decision__item__meeting=meeting).annotate(rank=rank)
    keys = list(ranked.filter(rank__lte=VOTES_SHOWN).order_by().values_list("pk", flat=True))
    rows = (
        Vote.objects.filter(pk__in=keys)
        .order_by("decision_id", "tenant__code")
        .values_list(
            "pk",
            "decision_id",
            "choice",
            "is_advisory",
            "proxy_from_id",
            *_TENANT,
            *_CAST_BY,
            *_PROXY_FROM,
        )
    )
    tenant_end = 5 + len(_TENANT)
    cast_by_end = tenant_end + len(_CAST_BY)
    by_decision: dict[int, list[ShownVote]] = {}
    for row in rows:
        vote = ShownVote(
            *row[:4],
            tenant=TenantName(*row[5:tenant_end]),
            cast_by=SeatName.from_row(*row[tenant_end:cast_by_end]),
            proxy_from=SeatName.from_row(*row[cast_by_end:]) if row[4] else None,
        )
        by_decision.setdefault(vote.decision_id, []).append(vote)
    return by_decision


def meeting_page(meeting: Meeting, *, with_record: bool, attendance_page=1) -> dict:
    """The meeting page: agenda, attendance counts and one page of it, each decision's first
    votes and their number, the quorum. Without `with_record`: the agenda only."""
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("decision__concerned_partner")
        .annotate(
            vote_count=Count("decision__votes"),
            advisory_count=Count("decision__votes", filter=Q(decision__votes__is_advisory=True)),
        )
        .prefetch_related("documents")
        .order_by("position")
    )
    first_votes = _first_votes(meeting) if with_record else {}
    for item in items:
        decision = getattr(item, "decision", None) if item.kind == "decision" else None
        item.decision_record = decision
        item.votes_list = first_votes.get(decision.pk, []) if decision else []
        item.more_votes = with_record and item.vote_count > len(item.votes_list)
    context = {
        "meeting": meeting,
        "items": items,
        "quorum": None,
        "attendance_counts": None,
        "attendance_page": None,
        "actions": Action.objects.filter(item__meeting=meeting).select_related("owner", "item"),
        "convocations_sent": meeting.deliveries.filter(sent_at__isnull=False).count(),
    }
    if with_record:
        counts = attendance_counts(meeting)
        paginator = Paginator(AttendanceRows(meeting), ATTENDANCE_PER_PAGE)
        paginator.count = counts["total"]  # counted above: no second COUNT
        context.update(
            quorum=vote_base(meeting).quorum(),
            attendance_counts=counts,
            attendance_page=paginator.get_page(attendance_page) if counts["total"] else None,
        )
    return context
