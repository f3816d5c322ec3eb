"""The attendance sheet of a meeting: each seat's status and proxy, recorded at once."""

from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from governance.models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    Seat,
    Vote,
)
from governance.services.common import refuse_before_meeting, refuse_if_closed
from ligeris.lib.audit import (
    DELETE,
    auditlog_disabled,
    bulk_log,
    insert_values,
    log_created_values,
    raw_delete,
)


@dataclass(frozen=True)
class AttendanceEntry:
    seat: Seat
    status: str
    proxy_to: Seat | None = None


@transaction.atomic
def attendance_record(*, meeting: Meeting, entries: list[AttendanceEntry]) -> list[Attendance]:
    """Record the whole attendance sheet at once: each seat's status and its proxy."""
    meeting = refuse_if_closed(meeting)
    refuse_before_meeting(
        meeting,
        _(
            "La séance commence le %(day)s à %(hour)s : les présences ne peuvent être "
            "enregistrées avant."
        ),
    )
    if Vote.objects.filter(decision__item__meeting=meeting).exists():
        raise ValidationError(
            _(
                "Des votes sont déjà enregistrés : effacez-les (« Effacer les votes » sur la "
                "feuille de vote de chaque point) avant de modifier les présences."
            )
        )
    seats = {seat.pk: seat for seat in meeting.body.seats.filter(is_active=True)}
    errors = _attendance_errors(meeting, entries, seats)
    if errors:
        raise ValidationError(errors)
    return _attendance_replace(meeting, entries)


def _attendance_errors(meeting: Meeting, entries: list[AttendanceEntry], seats: dict) -> list:
    status_of = {entry.seat.pk: entry.status for entry in entries}
    errors = []
    listed = Counter(entry.seat.pk for entry in entries)
    for entry in entries:
        if listed[entry.seat.pk] > 1:
            errors.append(
                _("%(seat)s figure deux fois sur la feuille de présence.") % {"seat": entry.seat}
            )
            listed[entry.seat.pk] = 1  # say it once
        if entry.seat.pk not in seats:
            errors.append(_("%(seat)s ne siège pas dans cette instance.") % {"seat": entry.seat})
        if entry.status not in AttendanceStatus.values:
            errors.append(_("%(seat)s : présence inconnue.") % {"seat": entry.seat})
        if entry.status != AttendanceStatus.PROXY:
            continue
        holder = entry.proxy_to
        if holder is None:
            errors.append(_("%(seat)s : désignez le mandataire.") % {"seat": entry.seat})
        elif holder.pk == entry.seat.pk:
            errors.append(_("%(seat)s ne peut se donner pouvoir.") % {"seat": entry.seat})
        elif holder.pk not in seats:
            errors.append(
                _("%(holder)s ne siège pas dans cette instance : il ne peut recevoir de pouvoir.")
                % {"holder": holder}
            )
        elif status_of.get(holder.pk) != AttendanceStatus.PRESENT:
            errors.append(
                _("%(seat)s donne pouvoir à %(holder)s, qui n'est pas présent.")
                % {"seat": entry.seat, "holder": holder}
            )
    held = Counter(
        e.proxy_to.pk for e in entries if e.status == AttendanceStatus.PROXY and e.proxy_to
    )
    for holder_pk, count in held.items():
        if holder_pk in seats and count > meeting.body.max_proxies:
            errors.append(
                _(
                    "%(holder)s détiendrait %(count)s pouvoirs : %(max)s au plus dans cette instance."
                )
                % {"holder": seats[holder_pk], "count": count, "max": meeting.body.max_proxies}
            )
    return errors


def _attendance_replace(meeting: Meeting, entries: list[AttendanceEntry]) -> list[Attendance]:
    """The new sheet replaces the old in a bounded number of queries, audited row by row.

    Only the rows that change are deleted and written again: correcting one proxy of a sheet of
    2,000 seats writes (and audits) two rows. Every rule a row's `full_clean()` would check is
    checked above (and by the constraints).
    """
    audit_data = {"meeting_id": meeting.pk}
    wanted = {
        entry.seat.pk: (
            entry.status,
            entry.proxy_to.pk
            if entry.proxy_to and entry.status == AttendanceStatus.PROXY
            else None,
        )
        for entry in entries
    }
    old = list(meeting.attendances.select_related("seat__person", "seat__partner"))
    stale = [row for row in old if wanted.get(row.seat_id) != (row.status, row.proxy_to_id)]
    stale_pks = [row.pk for row in stale]
    gone = set(stale_pks)
    kept = {row.seat_id: row for row in old if row.pk not in gone}
    fresh = [
        Attendance(
            meeting=meeting,
            seat=entry.seat,
            status=entry.status,
            proxy_to=entry.proxy_to if entry.status == AttendanceStatus.PROXY else None,
        )
        for entry in entries
        if entry.seat.pk not in kept
    ]
    with auditlog_disabled():
        bulk_log(stale, DELETE, additional_data=audit_data)
        if len(stale) == len(old):
            raw_delete(meeting.attendances.all())
        else:
            for start in range(0, len(stale_pks), 500):
                raw_delete(meeting.attendances.filter(pk__in=stale_pks[start : start + 500]))
    _insert(meeting, fresh, audit_data)
    by_seat = {**kept, **{row.seat_id: row for row in fresh}}
    return [by_seat[entry.seat.pk] for entry in entries]


_COLUMNS = ("meeting_id", "seat_id", "status", "proxy_to_id")


def _insert(meeting: Meeting, fresh: list[Attendance], audit_data: dict) -> None:
    """The new rows written from their values, their keys read back by seat, and audited as
    `bulk_create` and `bulk_log` would: 2,000 rows and audit entries built and sent as
    instances cost most of a sheet's POST."""
    if not fresh:
        return
    values = [{column: getattr(row, column) for column in _COLUMNS} for row in fresh]
    insert_values(Attendance, list(_COLUMNS), [tuple(row.values()) for row in values])
    keys = dict(meeting.attendances.order_by().values_list("seat_id", "pk"))
    for row, value in zip(fresh, values, strict=True):
        row.pk = value["id"] = keys[row.seat_id]
        row._state.adding, row._state.db = False, "default"  # as bulk_create leaves them
    texts = [str(row) for row in fresh]  # each row's seat is the entry's, named
    log_created_values(Attendance, values, texts, additional_data=audit_data)
