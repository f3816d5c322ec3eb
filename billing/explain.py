"""The French explanation of a share: the base it was computed on."""

from decimal import Decimal
from functools import lru_cache

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from billing import allocation
from billing.allocation import ShareResult
from titres.money import format_euros, format_megabytes


def base_text(key: str, base: int, base_total: int, months: int | None) -> str:
    """The base of a share in the active language, e.g. "1,25 To sur 14,30 To"."""
    return _base_text(get_language(), key, base, base_total, months)


@lru_cache(maxsize=65_536)
def _base_text(language: str, key: str, base: int, base_total: int, months: int | None) -> str:
    # Per tenant, thousands of shares have the same base: the text is built once per language.
    if key == allocation.STORAGE_VOLUME:
        # Translators: decimal units of storage (megabyte, gigabyte, terabyte).
        units = (_("Mo"), _("Go"), _("To"))
        text = _("%(base)s sur %(total)s") % {
            "base": format_megabytes(base, unit_of=base_total, units=units),
            "total": format_megabytes(base_total, units=units),
        }
        if months is not None and months < 12:
            text += _(", sur %(months)s/12 mois") % {"months": months}
        return text
    if key in (allocation.PER_TENANT, allocation.STAFF_TIME):
        return ngettext(
            "%(months)s mois facturable sur %(total)s mois-tenants",
            "%(months)s mois facturables sur %(total)s mois-tenants",
            base,
        ) % {"months": base, "total": base_total}
    if key == allocation.EQUAL_PER_MEMBER:
        text = _("1 membre sur %(total)s") % {"total": base_total}
        if months is not None and months < 12:
            text += _(", %(months)s/12 mois de participation") % {"months": months}
        return text
    return _("imputation directe")


def share_base(result: ShareResult, key: str) -> str:
    return base_text(key, result.base, result.base_total, result.months)


def staff_cap_text(*, cap: Decimal, asked: Decimal, pools: int) -> str:
    """Why a staff-time amount is lower than asked: the one yearly cap of annex 1."""
    if pools == 1:
        return _(
            "plafonné à %(cap)s (plafond annuel du temps RH, annexe 1 ; %(asked)s demandés)"
        ) % {
            "cap": format_euros(cap),
            "asked": format_euros(asked),
        }
    return _(
        "plafond annuel du temps RH (annexe 1) appliqué : %(asked)s sur %(pools)s postes de "
        "temps RH ramenés à %(cap)s, au prorata"
    ) % {"cap": format_euros(cap), "asked": format_euros(asked), "pools": pools}
