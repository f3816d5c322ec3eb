"""Amounts on the billing pages read the French way (7 384,61 €); exports stay numeric."""

import re
from decimal import Decimal

from django.urls import reverse
from django.utils import translation

from billing.templatetags.euros import euros_text
from tests.exports import read_csv
from titres.money import format_euros

#: An amount of four digits or more without its thousands separator, as "7384,61".
UNFORMATTED = re.compile(r"(?<![\d\u202f\u00a0.,])\d{4,},\d{2}(?!\d)")


def _pages(world, two_runs, billing_year):
    budget, _ = two_runs
    share = budget.shares.get(pool_code="heb", tenant=world.tenant_a)
    return [
        reverse("billing:my_shares"),
        reverse("billing:run_detail", args=[budget.pk]),
        reverse("billing:share_detail", args=[share.pk]),
        reverse("billing:trueup", args=[2026]),
        reverse("billing:recap", args=[2026]),
        reverse("billing:year_detail", args=[2026]),
        reverse("billing:pool_detail", args=[billing_year.heb.pk]),
        reverse("billing:pool_detail", args=[billing_year.rh.pk]),
    ]


def test_the_filter_formats_in_the_readers_language():
    assert euros_text(Decimal("7384.605")) == "7\u202f384,61\u00a0€"
    assert euros_text("10000.00") == "10\u202f000,00\u00a0€"  # a run's inputs keep strings
    assert euros_text(0) == "0,00\u00a0€"
    assert euros_text(Decimal("-221.05")) == "-221,05\u00a0€"
    assert euros_text(None) == "—"
    with translation.override("en"):
        assert euros_text(Decimal("7384.61")) == "€7,384.61"
        assert euros_text(Decimal("-1100")) == "-€1,100.00"


def test_every_billing_page_shows_formatted_amounts(world, two_runs, billing_year, client_for):
    client = client_for("finance")
    for url in _pages(world, two_runs, billing_year):
        page = client.get(url)
        assert page.status_code == 200, url
        text = page.content.decode()
        assert "\u00a0€" in text, url
        assert not UNFORMATTED.findall(text), (url, UNFORMATTED.findall(text)[:5])


def test_my_shares_shows_the_amount_as_french_money(world, two_runs, client_for):
    share = two_runs[0].shares.get(pool_code="heb", tenant=world.tenant_a)
    assert share.amount >= 1000
    page = client_for("partner_a").get(reverse("billing:my_shares")).content.decode()
    assert format_euros(share.amount) in page
    assert str(share.amount).replace(".", ",") not in page


def test_recap_totals_and_run_total(world, two_runs, client_for):
    client = client_for("finance")
    recap = client.get(reverse("billing:recap", args=[2026])).content.decode()
    assert "33\u202f000,00\u00a0€" in recap
    assert "34\u202f100,00\u00a0€" in recap
    run = client.get(reverse("billing:run_detail", args=[two_runs[0].pk])).content.decode()
    assert format_euros(two_runs[0].total) in run


def test_english_pages_use_english_money(world, two_runs, client_for):
    client = client_for("finance")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(reverse("billing:recap", args=[2026])).content.decode()
    assert "€33,000.00" in page
    assert "€34,100.00" in page


def test_csv_export_keeps_plain_numbers(world, two_runs, client_for):
    run = two_runs[0]
    share = run.shares.get(pool_code="heb", tenant=world.tenant_a)
    url = reverse("billing:run_detail", args=[run.pk])
    header, *rows = read_csv(client_for("finance").get(url, {"_export": "csv"}))
    column = header.index("Quote-part (€)")
    amounts = {row[column] for row in rows}
    assert str(share.amount).replace(".", ",") in amounts
    assert not any("€" in value or "\u202f" in value for value in amounts)
