"""The files of the convention's events. One module per event kind."""

from membership.models.withdrawal import WithdrawalNotice  # noqa: F401
