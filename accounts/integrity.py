"""What must survive a backup and its restore, checked on a live system or across a round trip.

- Every issued titre's stored PDF still hashes to its recorded SHA-256 (checked on its own).
- Every closed meeting's minutes: the SHA-256 of their HTML, rendered as on the day of closing;
  closed minutes are history, so the digest must never change.
- The audit trail: a digest of every entry up to the last one seen; entries are only ever added.
- The uploaded files (agenda documents, scanned deliberations and letters): their SHA-256.

`report()` gives all of it as a manifest (JSON); `compare(saved, now)` lists what differs from a
manifest saved earlier (before a backup, say): a restore is whole when it lists nothing.
Each part reads in chunks, so memory stays bounded however large the consortium.
"""

import hashlib
import json
from pathlib import Path

from auditlog.models import LogEntry
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from governance.minutes import minutes_context
from governance.models import Meeting
from titres.models import TitreDocument

_CHUNK = 500


def titre_pdfs() -> dict:
    """Issued titres whose PDF bytes no longer match their recorded hash (by reference)."""
    checked, mismatched = 0, []
    rows = TitreDocument.objects.values_list("titre__exercise", "titre__number", "sha256", "pdf")
    for exercise, number, sha256, pdf in rows.order_by("pk").iterator(chunk_size=_CHUNK):
        checked += 1
        if hashlib.sha256(bytes(pdf)).hexdigest() != sha256:
            mismatched.append(f"{exercise}-{number:05d}")
    return {"checked": checked, "mismatched": mismatched}


def minutes_digest(meeting: Meeting) -> str:
    """The minutes' HTML as rendered for the PDF, dated as on the day they were closed."""
    with translation.override("fr"):
        context = minutes_context(meeting)
        context["generated_at"] = meeting.minutes_closed_at
        html = render_to_string("governance/minutes_pdf.html", context)
    return hashlib.sha256(html.encode()).hexdigest()


def closed_minutes() -> dict[str, str]:
    closed = Meeting.objects.filter(minutes_closed_at__isnull=False).order_by("pk")
    return {str(meeting.pk): minutes_digest(meeting) for meeting in closed.iterator(chunk_size=50)}


def audit_trail(up_to: int | None = None) -> dict:
    """A digest of the audit entries up to `up_to` (every entry when None), oldest first."""
    entries = LogEntry.objects.order_by("pk")
    if up_to is not None:
        entries = entries.filter(pk__lte=up_to)
    digest, count, last = hashlib.sha256(), 0, 0
    fields = ("pk", "content_type_id", "object_pk", "action", "changes", "actor_id", "timestamp")
    for pk, content_type, object_pk, action, changes, actor, timestamp in entries.values_list(
        *fields
    ).iterator(chunk_size=2000):
        line = json.dumps(
            [pk, content_type, object_pk, action, changes, actor, timestamp.isoformat()],
            sort_keys=True,
            default=str,
        )
        digest.update(line.encode() + b"\n")
        count, last = count + 1, pk
    return {"count": count, "last_id": last, "sha256": digest.hexdigest()}


def media_files(root: Path | None = None) -> dict[str, str]:
    root = Path(root or settings.MEDIA_ROOT)
    if not root.is_dir():
        return {}
    found = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        found[path.relative_to(root).as_posix()] = digest.hexdigest()
    return found


def report() -> dict:
    return {
        "titre_pdfs": titre_pdfs(),
        "closed_minutes": closed_minutes(),
        "audit": audit_trail(),
        "media": media_files(),
    }


def compare(saved: dict, now: dict | None = None) -> list[str]:
    """What differs between a manifest saved earlier and the system now (empty: all whole)."""
    now = now or report()
    problems = [
        f"PDF du titre {reference} : empreinte SHA-256 différente de celle enregistrée"
        for reference in now["titre_pdfs"]["mismatched"]
    ]
    if now["titre_pdfs"]["checked"] < saved["titre_pdfs"]["checked"]:
        problems.append(
            f"PDF de titres : {now['titre_pdfs']['checked']} au lieu d'au moins "
            f"{saved['titre_pdfs']['checked']}"
        )
    for meeting, digest in saved["closed_minutes"].items():
        current = now["closed_minutes"].get(meeting)
        if current is None:
            problems.append(f"Procès-verbal clos de la réunion {meeting} : introuvable")
        elif current != digest:
            problems.append(f"Procès-verbal clos de la réunion {meeting} : différent")
    audit = saved["audit"]
    if audit["last_id"] and audit_trail(up_to=audit["last_id"]) != audit:
        problems.append(
            f"Journal d'audit : les {audit['count']} entrées jusqu'au n° {audit['last_id']} "
            "ne sont plus identiques"
        )
    for name, digest in saved["media"].items():
        current = now["media"].get(name)
        if current is None:
            problems.append(f"Fichier {name} : manquant")
        elif current != digest:
            problems.append(f"Fichier {name} : contenu différent")
    return problems
