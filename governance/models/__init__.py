"""Committees, their seats and meetings, attendance and proxies, decisions and tenant votes.

Rules across rows live in `governance.services`; the models hold the data and what one row can
check by itself. Once a meeting's minutes are closed its record is history: the services refuse
any change, and the meeting and the rows of its record refuse to be saved, deleted or moved
(`ligeris.lib.final`; on PostgreSQL, triggers refuse raw SQL too).
"""

from governance.models.bodies import (
    DEFAULT_MINIMUM_MEETINGS,
    Body,
    BodyKind,
    ClosedYear,
    MajorityBase,
    Seat,
)
from governance.models.decisions import Decision, DecisionKind, DecisionResult, Vote, VoteChoice
from governance.models.follow_up import Action, ActionStatus, ConvocationDelivery, FrequencyAlert
from governance.models.meetings import (
    CLOSED,
    CLOSED_MINUTES,
    AgendaDocument,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    ClosedMinutesGuard,
    ItemKind,
    Meeting,
    _document_path,
)
from governance.models.minutes_exports import MinutesExport
from governance.models.requests import MeetingRequest, RequestState

__all__ = [
    "CLOSED",
    "CLOSED_MINUTES",
    "DEFAULT_MINIMUM_MEETINGS",
    "Action",
    "ActionStatus",
    "AgendaDocument",
    "AgendaItem",
    "Attendance",
    "AttendanceStatus",
    "Body",
    "BodyKind",
    "ClosedMinutesGuard",
    "ClosedYear",
    "ConvocationDelivery",
    "Decision",
    "DecisionKind",
    "DecisionResult",
    "FrequencyAlert",
    "ItemKind",
    "MajorityBase",
    "Meeting",
    "MeetingRequest",
    "MinutesExport",
    "RequestState",
    "Seat",
    "Vote",
    "VoteChoice",
    "_document_path",
]
