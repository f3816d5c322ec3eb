from django.shortcuts import get_object_or_404

from ligeris.lib.roles import Role
from partners.consortia import request_consortium_or_404
from titres.models import FiscalYear

#: Cost sharing is finance's business; partner users read their own shares. Committee
#: secretaries have no business here: they get 403.
BILLING_READERS = frozenset({Role.ADMIN, Role.FINANCE, Role.PARTNER})


def fiscal_year_or_404(request, year: int) -> FiscalYear:
    return get_object_or_404(
        FiscalYear.objects.select_related("grid", "consortium"),
        consortium=request_consortium_or_404(request),
        year=year,
    )
