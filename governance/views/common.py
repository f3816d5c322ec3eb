"""What the governance views share."""

from django.http import Http404
from django.utils.translation import gettext as _

from ligeris.lib.roles import RECORDERS, role_of
from partners.selectors import current_consortium


def consortium_or_404():
    consortium = current_consortium()
    if consortium is None:
        raise Http404(_("Aucun groupement n'est encore configuré."))
    return consortium


class RecorderContextMixin:
    """Tells templates whether the user records (secretaries, administrators)."""

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "can_record": role_of(self.request.user) in RECORDERS,
        }
