"""What the governance views share."""

from ligeris.lib.roles import RECORDERS, role_of


class RecorderContextMixin:
    """Tells templates whether the user records (secretaries, administrators)."""

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "can_record": role_of(self.request.user) in RECORDERS,
        }
