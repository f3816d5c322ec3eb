"""The files of the convention's events. One module per event kind."""

from membership.models.exclusion import ExclusionCase, ExclusionGround, ExclusionState  # noqa: F401
