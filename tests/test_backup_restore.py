"""A backup restored gives back every final row, every titre PDF matching its SHA-256, every
closed meeting's minutes identical, the audit trail whole and the uploaded files; on PostgreSQL the
triggers that refuse raw SQL come back too. `verify_integrity` finds a PDF that no longer matches
its hash and a manifest that differs.
"""

import json

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from accounts import integrity
from accounts.backup import backup
from partners.models import Partner
from tests.conftest import ON_POSTGRES
from titres.models import TitreDocument

pytestmark = pytest.mark.postgres


@pytest.fixture
def committed(transactional_db, records):
    """The records written for real (a backup reads what is committed)."""
    return records


def _media_files():
    return integrity.media_files(settings.MEDIA_ROOT)


def test_a_backup_restored_gives_back_everything_that_must_not_change(committed, tmp_path):
    final_rows = committed.take()
    saved = backup(tmp_path / "sauvegarde")
    assert saved["titre_pdfs"]["checked"] >= 2 and not saved["titre_pdfs"]["mismatched"]
    assert len(saved["closed_minutes"]) == 1
    assert saved["audit"]["count"] > 0
    assert saved["media"], "the agenda document is among the saved files"

    # After the backup: a partner renamed, a file lost, audit entries added.
    partner = Partner.objects.order_by("pk").first()
    name = partner.name
    partner.name = "Renommé après la sauvegarde"
    partner.save()
    for path in settings.MEDIA_ROOT.rglob("*"):
        if path.is_file():
            path.unlink()
    assert integrity.compare(saved), "the loss is seen before the restore"

    call_command("restore_data", str(tmp_path / "sauvegarde"))  # refuses a restore that differs

    assert integrity.compare(saved) == []
    assert committed.take() == final_rows
    assert Partner.objects.get(pk=partner.pk).name == name
    assert _media_files() == saved["media"]
    assert LogEntry.objects.count() == saved["audit"]["count"]
    if ON_POSTGRES:
        # The triggers came back: raw SQL on a stored PDF is still refused.
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE billing_titredocument SET sha256 = 'x'")


def test_a_damaged_pdf_and_a_manifest_that_differs_are_reported(committed, tmp_path, capsys):
    manifest = tmp_path / "manifeste.json"
    call_command("verify_integrity", "--save", str(manifest))
    saved = json.loads(manifest.read_text())
    (meeting,) = saved["closed_minutes"]
    saved["closed_minutes"][meeting] = "0" * 64
    saved["audit"]["sha256"] = "0" * 64
    manifest.write_text(json.dumps(saved))
    with pytest.raises(CommandError, match="2 écart"):
        call_command("verify_integrity", "--against", str(manifest))
    if ON_POSTGRES:
        return  # PostgreSQL refuses the raw UPDATE that fakes a damaged PDF (proven above).
    document = TitreDocument.objects.order_by("pk").first()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE billing_titredocument SET pdf = %s WHERE id = %s",
            [b"%PDF-1.7 faux", document.pk],
        )
    with pytest.raises(CommandError, match="1 écart"):
        call_command("verify_integrity")
    assert document.titre.reference in capsys.readouterr().err
