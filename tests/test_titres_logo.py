"""The logo of the titres: an uploaded PNG or JPEG, checked before it is decoded, stored under its
SHA-256, frozen by that hash in each titre's snapshot and printed in the issuer block."""

import hashlib
import io
import struct
import zlib
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from billing.services import titres
from tests.test_titres_pdf import issue_budget_batch, text_of
from titres import titre_pdf
from titres.models import TitreLogo, TitreSettings
from titres.titre_pdf import render_titre
from titres.titre_typst import logo_file


def image_bytes(size=(300, 100), colour=(200, 30, 30), fmt="PNG", mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, fmt)
    return buffer.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(side: int = 50_000) -> bytes:
    """A PNG of a few hundred bytes whose header says `side` × `side` pixels (7.5 GB of RGB)."""
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (side * 3 + 1) * 4, 9)  # a few rows: the rest is "missing"
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", rows)
        + png_chunk(b"IEND", b"")
    )


def pdf_images(pdf: bytes) -> list[tuple[int, int]]:
    """The size in pixels of every image drawn in the PDF."""
    return [
        (image.image.width, image.image.height)
        for page in PdfReader(io.BytesIO(pdf)).pages
        for image in page.images
    ]


def upload(data: bytes, name: str = "logo.png", content_type: str = "image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def issued(world, billing_year, titre_settings):
    return issue_budget_batch(billing_year)


@pytest.fixture
def with_logo(titre_settings) -> TitreSettings:
    return titres.settings_save(consortium=titre_settings.consortium, logo=upload(image_bytes()))


def test_the_logo_is_stored_under_its_sha256_once(with_logo):
    data = image_bytes()
    logo = with_logo.logo
    assert logo.sha256 == hashlib.sha256(data).hexdigest()
    assert bytes(logo.image) == data
    assert (logo.format, logo.width, logo.height) == ("png", 300, 100)
    titres.settings_save(consortium=with_logo.consortium, logo=upload(data))  # the same again
    assert TitreLogo.objects.count() == 1


def test_the_logo_is_printed_in_the_issuer_block(world, billing_year, with_logo):
    titre = issue_budget_batch(billing_year)[0]
    assert titre.snapshot["logo"] == {
        "sha256": with_logo.logo.sha256,
        "format": "png",
        "width": 300,
        "height": 100,
    }
    pdf = render_titre(titre)
    assert pdf_images(pdf) == [(300, 100)]
    assert "Coordonnateur du groupement" in text_of(pdf)  # the issuer block is still whole
    assert b"pdfaid" in pdf  # still an archival PDF


def test_a_batch_prints_the_logo_on_each_titre(world, billing_year, with_logo):
    batch = issue_budget_batch(billing_year)
    pdfs = titre_pdf.render_titres(batch)
    assert [pdf_images(pdfs[titre.pk]) for titre in batch] == [[(300, 100)]] * len(batch)


def test_a_jpeg_logo_is_printed_too(world, billing_year, titre_settings):
    jpeg = image_bytes(size=(120, 120), fmt="JPEG")
    titres.settings_save(consortium=titre_settings.consortium, logo=upload(jpeg, "logo.jpg"))
    titre = issue_budget_batch(billing_year)[0]
    assert titre.snapshot["logo"]["format"] == "jpeg"
    assert pdf_images(render_titre(titre)) == [(120, 120)]


def test_without_a_logo_the_titre_has_no_image(issued):
    assert issued[0].snapshot["logo"] is None
    assert pdf_images(render_titre(issued[0])) == []


def test_the_logo_is_frozen_at_issue(world, billing_year, with_logo, tmp_path, settings):
    first = issue_budget_batch(billing_year)[0]
    square = image_bytes(size=(120, 120), colour=(20, 20, 160))
    titres.settings_save(consortium=with_logo.consortium, logo=upload(square))
    first.refresh_from_db()
    assert pdf_images(render_titre(first)) == [(300, 100)]  # the logo it was issued with

    # A worker with an empty root writes the frozen logo again from the database.
    settings.VAR_DIR = tmp_path
    assert pdf_images(render_titre(first)) == [(300, 100)]
    assert (tmp_path / "typst-titre-root" / logo_file(first.snapshot["logo"])).exists()

    # Removed from the settings, the logo stays on what was issued with it.
    titres.settings_save(consortium=with_logo.consortium, logo_clear=True)
    assert TitreSettings.objects.get().logo is None
    assert pdf_images(render_titre(first)) == [(300, 100)]


def test_a_titre_issued_before_logos_has_none(issued):
    titre = issued[0]
    titre.snapshot.pop("logo")  # as issued before the setting existed
    assert pdf_images(render_titre(titre)) == []


def test_a_snapshot_names_its_logo_file_by_hash_only(issued):
    for hostile in ("../../../etc/passwd", "a" * 63 + "/", "A" * 64):
        with pytest.raises(ValueError):
            logo_file({"sha256": hostile, "format": "png"})
    with pytest.raises(ValueError):
        logo_file({"sha256": "a" * 64, "format": "typ"})


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect/></svg>'


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7 not an image at all", "n'est pas une image PNG ou JPEG lisible"),
        (SVG, "n'est pas une image PNG ou JPEG lisible"),
        (image_bytes(fmt="GIF"), "n'est pas une image PNG ou JPEG lisible"),
        (image_bytes(fmt="WEBP"), "n'est pas une image PNG ou JPEG lisible"),
        (image_bytes()[:-40], "n'est pas une image PNG ou JPEG lisible"),  # truncated
        (png_bomb(), "L'image a bien trop de pixels"),  # Pillow's guard, at open
        (png_bomb(10_000), "L'image a bien trop de pixels"),  # Pillow's warning, made an error
        (png_bomb(4_500), "L'image fait 4500 × 4500 pixels"),  # ours, before decoding
        (image_bytes(size=(2500, 2000), colour=(0, 0, 0)), "4 millions de pixels au plus"),
        (image_bytes(size=(4001, 10)), "4000 pixels de côté"),
        (image_bytes(fmt="JPEG", mode="CMYK", colour=(0, 0, 0, 0)), "enregistrez-la en RVB"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (512 * 1024), "L'image dépasse 512"),
    ],
    ids=[
        "pdf",
        "svg",
        "gif",
        "webp",
        "truncated",
        "bomb",
        "bomb-warning",
        "bomb-small",
        "megapixels",
        "side",
        "cmyk",
        "bytes",
    ],
)
def test_a_hostile_file_is_refused_in_french_and_changes_nothing(with_logo, data, message):
    before = TitreSettings.objects.values().get()
    with pytest.raises(ValidationError) as refusal:
        titres.settings_save(
            consortium=with_logo.consortium, logo=upload(data), signatory_last_name="Autre"
        )
    assert message in " ".join(refusal.value.message_dict["logo"])
    assert TitreSettings.objects.values().get() == before
    assert TitreLogo.objects.count() == 1


def test_the_settings_page_takes_a_logo_and_refuses_a_bad_one(world, titre_settings, client_for):
    url = reverse("billing:titre_settings")
    client = client_for("finance")
    page = client.get(url)
    assert 'enctype="multipart/form-data"' in page.text
    data = {
        field: value
        for field, value in TitreSettings.objects.values().get().items()
        if field not in ("id", "consortium_id", "logo_id")
    }
    refused = client.post(url, {**data, "logo": upload(SVG, "logo.svg", "image/svg+xml")})
    assert refused.status_code == 200
    assert "n'est pas une image PNG ou JPEG lisible" in unescape(refused.text)
    assert TitreSettings.objects.get().logo is None

    saved = client.post(url, {**data, "logo": upload(image_bytes())})
    assert saved.status_code == 302
    assert TitreSettings.objects.get().logo.width == 300
    assert "Retirer le logo" in client.get(url).text

    client.post(url, {**data, "logo_clear": "on"})
    assert TitreSettings.objects.get().logo is None


def test_a_truncated_logo_is_refused_even_after_weasyprint_relaxed_pillow(with_logo, monkeypatch):
    """WeasyPrint, once imported (by any PDF a process renders), makes Pillow accept truncated
    images process-wide; the logo check still refuses them."""
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(ValidationError) as refusal:
        titres.settings_save(consortium=with_logo.consortium, logo=upload(image_bytes()[:-40]))
    assert "n'est pas une image PNG ou JPEG lisible" in " ".join(refusal.value.message_dict["logo"])
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # left as WeasyPrint wants it
