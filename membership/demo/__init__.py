"""The demo's membership events: each module adds its own; `load` runs them in the story's order."""

from membership.demo import admission, amendments, withdrawal
from partners.models import Consortium


def load(consortium: Consortium) -> None:
    """Add the demo's candidacy, notices, exclusion case and amendments."""
    amendments.load(consortium)
    admission.load(consortium)
    withdrawal.load(consortium)
