"""The volume import through the page, fed anything: a French answer, never a server error, and
nothing saved unless the file is valid."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing.models import StorageVolume

HEADERS = ["tenant", "date", "volume", "unité", "commentaire", "", "volume"]
CELLS = st.one_of(
    st.sampled_from(["blois", "agglo", "paris", "01/01/2026", "2026-01-01", "31/02/2026"]),
    st.sampled_from(["1,25 To", "-3", "1e400", "NaN", "=1+1", "＝HYPERLINK()", " 12", "\n"]),
    st.text(max_size=12),
)
ROWS = st.lists(st.lists(CELLS, max_size=7), max_size=6)
SEPARATORS = st.sampled_from([";", ",", "\t", "|"])
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"])


def _post(client, name: str, data: bytes):
    upload = SimpleUploadedFile(name, data, content_type="text/csv")
    return client.post(reverse("billing:volume_import"), {"file": upload})


def _csv(header, rows, separator, encoding) -> bytes:
    lines = [separator.join(header), *(separator.join(row) for row in rows)]
    return "\n".join(lines).encode(encoding, errors="replace")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=st.lists(st.sampled_from(HEADERS), min_size=0, max_size=6),
    rows=ROWS,
    separator=SEPARATORS,
    encoding=ENCODINGS,
)
def test_any_table_gets_a_french_answer(world, client_for, header, rows, separator, encoding):
    client = client_for("finance")
    before = StorageVolume.objects.count()
    response = _post(client, "releve.csv", _csv(header, rows, separator, encoding))
    assert response.status_code in (200, 422)
    if response.status_code == 422:
        assert StorageVolume.objects.count() == before


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=2048), name=st.sampled_from(["releve.csv", "releve.xlsx", "x"]))
def test_any_bytes_get_a_french_answer(world, client_for, data, name):
    response = _post(client_for("finance"), name, data)
    assert response.status_code in (200, 422)
    assert not StorageVolume.objects.exists()


def test_an_extra_column_and_a_long_row_are_read_not_a_server_error(world, client_for):
    """Cells beyond the known columns are ignored: the row is previewed, nothing saved yet."""
    data = b"tenant;date;volume;commentaire\nblois;01/01/2026;3;ok;en trop;encore\n"
    response = _post(client_for("finance"), "releve.csv", data)
    assert response.status_code == 200
    assert response.context["valid_count"] == 1
    assert not response.context["rows_in_error"]
    assert not StorageVolume.objects.exists()
