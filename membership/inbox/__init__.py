"""A partner's inbox: what awaits it and what it sent, with their states.

The inbox is a list of sections, each built by a small provider function of the partner. A new
kind of thing the partner deals with (purchase orders, say) adds its providers to `AWAITING` or
`SENT`; nothing else changes (the page and the digest list the sections they are given).
"""

from membership.inbox.sections import AWAITING, SENT, InboxItem, Section, inbox_of

__all__ = ["AWAITING", "SENT", "InboxItem", "Section", "inbox_of"]
