"""Run once against the served database, with the server's settings: gives the staff accounts a
TOTP (production requires 2FA of them) and prints, as JSON, the pages bench/pages.py reads.

The objects are the heaviest of their kind (the partner with the most tenants, the largest
meeting…), so the figures are the worst case of the consortium, not its average.
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ligeris.settings")

import django

django.setup()
from ligeris.lib.scopes import unscope_script  # noqa: E402

unscope_script()  # a bench reads and writes every consortium's rows

from allauth.mfa.models import Authenticator  # noqa: E402
from allauth.mfa.totp.internal.auth import TOTP  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import User  # noqa: E402
from billing.models import AllocationRun, RunKind  # noqa: E402
from governance.models import AgendaItem, Body, Meeting  # noqa: E402
from ligeris.lib.roles import STAFF, role_of  # noqa: E402
from partners.models import Partner, Tenant  # noqa: E402
from titres.models import FiscalYear, RevenueTitle  # noqa: E402


def _totp(secret: str) -> None:
    for user in User.objects.all():
        if role_of(user) in STAFF:
            Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
            TOTP.activate(user, secret)


def _pages() -> dict:
    partner = Partner.objects.annotate(n=Count("holdings")).order_by("-n", "pk").first()
    tenant = Tenant.objects.annotate(n=Count("holdings")).order_by("-n", "pk").first()
    titre = RevenueTitle.objects.annotate(n=Count("payments")).order_by("-n", "-pk").first()
    year = FiscalYear.objects.filter(runs__kind=RunKind.BUDGET).order_by("-year").first()
    run = AllocationRun.objects.filter(fiscal_year=year, kind=RunKind.BUDGET).order_by("-pk")[0]
    meeting = Meeting.objects.annotate(n=Count("attendances")).order_by("-n", "-pk").first()
    body = Body.objects.annotate(n=Count("seats")).order_by("-n", "pk").first()
    item = (
        AgendaItem.objects.filter(meeting=meeting, decision__isnull=False)
        .annotate(n=Count("decision__votes"))
        .order_by("-n", "pk")
        .first()
    )
    finance = {
        "home": reverse("home"),
        "partners list": reverse("partners:partner_list"),
        "a partner": reverse("partners:partner_detail", args=[partner.pk]),
        "tenants list": reverse("partners:tenant_list"),
        "a tenant": reverse("partners:tenant_detail", args=[tenant.pk]),
        "titres list": reverse("billing:titre_list"),
        "a titre": reverse("billing:titre_detail", args=[titre.pk]),
        "overdue": reverse("billing:overdue"),
        "recap": reverse("billing:recap", args=[year.year]),
        "recap XLSX": reverse("billing:recap_xlsx", args=[year.year]),
        "a run": reverse("billing:run_detail", args=[run.pk]),
        "a year": reverse("billing:year_detail", args=[year.year]),
        "meetings list": reverse("governance:meeting_list"),
        "meeting detail": reverse("governance:meeting_detail", args=[meeting.pk]),
        "body detail": reverse("governance:body_detail", args=[body.pk]),
        "decisions": reverse("governance:decision_list"),
        "actions": reverse("governance:action_list"),
    }
    secretary = {
        "meeting (secretary)": finance["meeting detail"],
        "attendance": reverse("governance:attendance", args=[meeting.pk]),
        "votes": reverse("governance:votes", args=[item.pk]) if item else None,
    }
    partner_pages = {
        "partner home": reverse("home"),
        "Mes quotes-parts": reverse("billing:my_shares"),
        "Mes titres": reverse("billing:my_titres"),
    }
    users = {
        "finance": ["finance@essai.localhost"],
        "secretary": ["secretaire@essai.localhost"],
        "partner": list(
            User.objects.filter(email__startswith="partenaire")
            .order_by("email")
            .values_list("email", flat=True)
        ),
    }
    return {
        # The answer each page should give, where it is not a 200: a large year's recap XLSX is
        # a redirect to the page of its background export (what its 302s under locust were).
        "expected": {"recap XLSX": {"status": 302, "location": finance["recap"] + "classeur/"}},
        "pages": {
            "finance": finance,
            "secretary": {k: v for k, v in secretary.items() if v},
            "partner": partner_pages,
        },
        "users": users,
        "sizes": {
            "partners": Partner.objects.count(),
            "tenants": Tenant.objects.count(),
            "titres": RevenueTitle.objects.filter(number__isnull=False).count(),
            "meetings": Meeting.objects.count(),
            "year": year.year,
            "meeting_attendances": meeting.n,
            "partner_tenants": partner.n,
        },
    }


if __name__ == "__main__":
    _totp(sys.argv[1])
    print(json.dumps(_pages()))
