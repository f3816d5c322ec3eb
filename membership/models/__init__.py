"""The files of the convention's events. One module per event kind."""

from membership.models.admission import Candidacy, CandidacyState, RequestedTenant  # noqa: F401
from membership.models.amendments import AmendmentFile, AmendmentParty  # noqa: F401
from membership.models.deliberations import (  # noqa: F401
    DeliberationSubmission,
    SubmissionState,
)
from membership.models.exclusion import ExclusionCase, ExclusionGround, ExclusionState  # noqa: F401
from membership.models.inbox import InboxDigest  # noqa: F401
from membership.models.term import TermConsultation  # noqa: F401
from membership.models.termination import Termination  # noqa: F401
from membership.models.withdrawal import WithdrawalNotice  # noqa: F401
