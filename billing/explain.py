"""The French explanation of a share: the base it was computed on."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from billing import allocation
from billing.allocation import ShareResult
from billing.money import format_megabytes


def share_base(result: ShareResult, key: str) -> str:
    if key == allocation.STORAGE_VOLUME:
        text = _("%(base)s sur %(total)s") % {
            "base": format_megabytes(result.base, unit_of=result.base_total),
            "total": format_megabytes(result.base_total),
        }
        if result.months is not None and result.months < 12:
            text += _(", sur %(months)s/12 mois") % {"months": result.months}
        return text
    if key in (allocation.PER_TENANT, allocation.STAFF_TIME):
        return ngettext(
            "%(months)s mois facturable sur %(total)s mois-tenants",
            "%(months)s mois facturables sur %(total)s mois-tenants",
            result.base,
        ) % {"months": result.base, "total": result.base_total}
    if key == allocation.EQUAL_PER_MEMBER:
        return _("1 membre sur %(total)s") % {"total": result.base_total}
    return _("imputation directe")
