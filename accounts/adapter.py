from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """No public sign-up: the coordinator invites every user."""

    def is_open_for_signup(self, request) -> bool:
        return False
