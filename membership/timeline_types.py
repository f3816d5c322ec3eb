"""One event of a partner's story, as every source of the timeline gives it."""

import datetime
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TimelineEvent:
    day: datetime.date
    #: The filter it falls under: "membership", "governance", "tenants", "money", "letters".
    category: str
    #: What happened, in French, e.g. "Préavis de retrait reçu (LRAR 1A 234 567 8901 2)".
    title: str
    detail: str = ""
    #: A page where the event is shown in full, when the reader may open one.
    url: str = ""
    #: A deadline still to come is shown as such ("échéance").
    is_deadline: bool = False
    #: Ties on the same day keep the order in which things happen (candidacy before decision).
    order: int = field(default=0, compare=False)


def dated_events(url: str, *events: dict) -> list[TimelineEvent]:
    """The events among `events` (each the fields of a TimelineEvent) whose day is known, each
    opening `url`: a record's steps become events as they happen."""
    return [TimelineEvent(url=url, **event) for event in events if event["day"] is not None]
