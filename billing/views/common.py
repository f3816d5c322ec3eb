from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from billing.models import FiscalYear
from ligeris.lib.roles import Role
from partners.selectors import current_consortium

#: Cost sharing is finance's business; partner users read their own shares. Committee
#: secretaries have no business here: they get 403.
BILLING_READERS = frozenset({Role.ADMIN, Role.FINANCE, Role.PARTNER})


def consortium_or_404():
    consortium = current_consortium()
    if consortium is None:
        raise Http404(_("Aucun groupement n'est encore configuré."))
    return consortium


def fiscal_year_or_404(year: int) -> FiscalYear:
    return get_object_or_404(
        FiscalYear.objects.select_related("grid", "consortium"),
        consortium=consortium_or_404(),
        year=year,
    )
