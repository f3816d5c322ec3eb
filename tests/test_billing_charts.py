"""The recap's charts: readable labels never cut, an axis in euros, both bars, also in the PDF."""

import io
import re
from decimal import Decimal
from html import unescape

from django.urls import reverse
from pypdf import PdfReader

from billing.charts import LABEL_CHARS, _label_lines, nice_ceiling


def test_axis_ends_on_a_round_figure():
    assert nice_ceiling(Decimal("7384.62")) == Decimal("10000")
    assert nice_ceiling(Decimal("1800")) == Decimal("2000")
    assert nice_ceiling(Decimal("2100")) == Decimal("2500")
    assert nice_ceiling(Decimal("40000")) == Decimal("50000")
    assert nice_ceiling(Decimal("0")) == Decimal("1")


def test_a_long_label_wraps_on_two_lines_and_is_shortened_only_past_them():
    label = "Hébergement, infogérance et maintenance de la plateforme mutualisée d'archivage"
    lines = _label_lines(label)
    assert len(lines) == 2
    assert all(len(line) <= LABEL_CHARS for line in lines)
    assert lines[1].endswith("…")
    assert _label_lines("Stockage") == ["Stockage"]


def test_recap_charts_are_drawn_at_their_size_with_both_bars_and_an_axis(
    world, two_runs, client_for
):
    page = unescape(client_for("finance").get(reverse("billing:recap", args=[2026])).text)
    svgs = re.findall(r"<svg[^>]*>.*?</svg>", page, re.S)
    assert svgs
    for svg in svgs:
        width, height = re.search(r'<svg[^>]* width="(\d+)" height="(\d+)"', svg).groups()
        assert f'viewBox="0 0 {width} {height}"' in svg  # never scaled down
        assert 'font-size="12"' in svg
        assert not re.search(r'font-size="(\d|1[01])"', svg)  # nothing under 12 px
        assert "Facturé (prévisionnel)" in svg and "Réel" in svg  # the legend, both bars
        assert svg.count('fill="#1a3d7c"') == svg.count('fill="#7d97c7"')
        ticks = re.findall(r'text-anchor="(?:start|middle|end)">([^<]+)<', svg)
        assert len(ticks) == 3 and ticks[0] == "0\xa0€" and all("€" in t for t in ticks)
        # Each pool's full label stays as the tooltip of its lines, which say it all or wrap it.
        for label, lines in re.findall(r"<g><title>([^<]+)</title>(.*?)</g>", svg, re.S):
            shown = re.findall(r"<text[^>]*>([^<]+)</text>", lines)
            assert 1 <= len(shown) <= 2
            assert " ".join(shown) == label or shown[-1].endswith("…")


def test_the_recap_pdf_has_the_per_partner_charts(world, two_runs, client_for):
    response = client_for("finance").get(reverse("billing:recap_pdf", args=[2026]))
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Par partenaire" in text
    for name in (world.partner_a.name, world.partner_b.name):
        assert name in text
    assert "Facturé (prévisionnel)" in text and "Réel" in text
    assert "0 €" in text.replace("\xa0", " ")


def test_a_partner_sees_only_its_own_chart(world, two_runs, client_for):
    page = client_for("partner_b").get(reverse("billing:recap", args=[2026])).text
    assert page.count("<svg") == 1
    assert world.partner_b.name in page
