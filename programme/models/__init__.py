"""Workstreams (chantiers), their deliverables and COPIL follow-ups; the meetings' secretariat
rota, guests and recordings. Every row is scoped by a consortium, directly or through a meeting."""

from programme.models.meetings import (
    GuestKind,
    MeetingGuest,
    MeetingRecording,
    MeetingSecretariat,
    RotaEntry,
)
from programme.models.workstreams import (
    Deliverable,
    DeliverableStatus,
    MemberRole,
    ObjectivesStatus,
    Workstream,
    WorkstreamMember,
    WorkstreamReview,
)

__all__ = [
    "Deliverable",
    "DeliverableStatus",
    "GuestKind",
    "MeetingGuest",
    "MeetingRecording",
    "MeetingSecretariat",
    "MemberRole",
    "ObjectivesStatus",
    "RotaEntry",
    "Workstream",
    "WorkstreamMember",
    "WorkstreamReview",
]
