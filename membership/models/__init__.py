"""The files of the convention's events. One module per event kind."""

from membership.models.admission import Candidacy, CandidacyState, RequestedTenant  # noqa: F401
