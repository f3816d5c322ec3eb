"""The minutes of a meeting as a PDF, in the manner of a council deliberation.

Written as a French secretary writes them: people with their civility and in the body's protocol
order, the chair first and with the title of the office, agreements in the feminine for a woman,
one line per proxy, times as "14 h 00", elision ("pouvoir d'Éric Fontaine"). The wording is built
here, in French, and the template lays it out.
"""

from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from governance import selectors, wording
from governance.models import Attendance, Meeting, VoteChoice
from ligeris.lib import french
from ligeris.lib.pdf import render_pdf
from partners.models import Person

#: Above this many seats or votes, the minutes name people and votes in runs of text, grouped
#: (the votes by choice), rather than one line or one table row each: WeasyPrint took minutes to
#: lay out 2,000 list items and 4,400 table rows. Every name and every vote is still there.
COMPACT_FROM = 80
#: Names per paragraph of a run: one paragraph of 2,000 names is laid out line after line from
#: its whole remaining text.
RUN_LENGTH = 25


def _runs(lines: list[str]) -> list[str]:
    """The lines as paragraphs of `RUN_LENGTH` names joined by « ; », the last ending in « . »."""
    runs = [" ; ".join(lines[i : i + RUN_LENGTH]) for i in range(0, len(lines), RUN_LENGTH)]
    return [f"{run} ;" for run in runs[:-1]] + [f"{runs[-1]}."] if runs else []


def _vote_line(vote) -> str:
    return f"{vote.tenant.name} ({vote.tenant.code}), {vote.expressed_by}"


def _vote_groups(votes) -> list[dict]:
    """Votes by choice (pour, contre, abstention), each group's runs of text."""
    groups = []
    for choice, label in VoteChoice.choices:
        lines = [_vote_line(v) for v in votes if v.choice == choice]
        if lines:
            groups.append({"label": label, "count": len(lines), "runs": _runs(lines)})
    return groups


def _member(person: Person, partner_name: str) -> str:
    return f"{person.formal_name} ({partner_name})"


def _chair_note(chair: Person) -> str:
    return _("présidente de séance") if chair.is_feminine else _("président de séance")


def _present_lines(meeting: Meeting, present: list[Attendance]) -> list[str]:
    """The present members, the chair first: sitting or not, the chair attends the meeting."""
    lines = []
    chair = meeting.chair
    for row in present:
        if chair and row.seat.person_id == chair.pk:
            continue
        lines.append(_member(row.seat.person, row.seat.partner.short_name))
    if chair:
        chair_line = f"{_member(chair, chair.partner.short_name)}, {_chair_note(chair)}"
        lines.insert(0, chair_line)
    return lines


def _proxy_line(row: Attendance) -> str:
    giver, holder = row.seat, row.proxy_to
    return _("%(giver)s, %(excused)s, a donné pouvoir à %(holder)s") % {
        "giver": _member(giver.person, giver.partner.short_name),
        "excused": wording.excused(giver.person),
        "holder": _member(holder.person, holder.partner.short_name),
    }


def _excused_line(row: Attendance) -> str:
    person = row.seat.person
    return f"{_member(person, row.seat.partner.short_name)}, {wording.excused(person)}"


def _opening(meeting: Meeting) -> str:
    """ "Le jeudi 12 mars 2026 à 14 h 00, le Comité de pilotage s'est réuni à l'Hôtel du
    Département, sur convocation en date du …, sous la présidence de M. …, maire de …"."""
    parts = [
        _("Le %(day)s à %(hour)s, %(body)s s'est réuni")
        % {
            "day": french.long_date(meeting.starts_at),
            "hour": french.hour(meeting.starts_at),
            "body": french.with_article(meeting.body.name, feminine=False),
        }
    ]
    if meeting.place:
        parts.append(f" {meeting.place_phrase}")
    if meeting.video_link:
        parts.append(_(" et en visioconférence") if meeting.place else _(" en visioconférence"))
    if meeting.convened_at:
        parts.append(
            _(", sur convocation en date du %(day)s")
            % {"day": french.short_long_date(meeting.convened_at)}
        )
    if meeting.chair:
        chair = meeting.chair.formal_name
        title = wording.chair_title(meeting)
        if title:
            chair = f"{chair}, {french.lower_first(title)}"
        parts.append(_(", sous la présidence de %(chair)s") % {"chair": chair})
    return "".join(parts) + "."


def _item_heading(meeting: Meeting, item) -> tuple[str, str]:
    """The item's heading and its short label, by its deliberation number when the body numbers
    its deliberations."""
    if meeting.body.numbers_deliberations and item.number:
        heading = _("Délibération n° %(number)s — %(title)s") % {
            "number": item.number,
            "title": item.title,
        }
        return heading, _("n° %(number)s") % {"number": item.number}
    return f"{item.position}. {item.title}", f"{item.position}."


def minutes_context(meeting: Meeting) -> dict:
    record = selectors.meeting_record(meeting)
    for item in record["items"]:
        item.heading, label = _item_heading(meeting, item)
        item.label = f"{label}{french.NBSP}{item.title}"
        decision = item.decision_record
        if decision is not None:
            decision.tally_text = wording.tally(
                decision.votes_for, decision.votes_against, decision.abstentions
            )
        for vote in item.votes_list:
            by = str(vote.cast_by.person)
            if vote.proxy_from:
                by = _("%(by)s (pouvoir %(of_giver)s)") % {
                    "by": by,
                    "of_giver": french.of(str(vote.proxy_from.person)),
                }
            vote.expressed_by = by
    compact = len(record["attendances"]) > COMPACT_FROM or any(
        len(item.votes_list) > COMPACT_FROM for item in record["items"]
    )
    if compact:
        for item in record["items"]:
            item.vote_groups = _vote_groups([v for v in item.votes_list if not v.is_advisory])
            item.opinion_groups = _vote_groups([v for v in item.votes_list if v.is_advisory])
    present = _present_lines(meeting, record["present"])
    proxies = [_proxy_line(row) for row in record["proxies"]]
    excused = [_excused_line(row) for row in record["excused"]]
    absent = [_member(r.seat.person, r.seat.partner.short_name) for r in record["absent"]]
    record.update(
        opening=_opening(meeting),
        day_long=french.long_date(meeting.starts_at),
        present_lines=present,
        proxy_lines=proxies,
        excused_lines=excused,
        absent_lines=absent,
        compact=compact,
        present_runs=_runs(present) if compact else [],
        proxy_runs=_runs(proxies) if compact else [],
        excused_runs=_runs(excused) if compact else [],
        absent_runs=_runs(absent) if compact else [],
        has_advisory=any(v.is_advisory for item in record["items"] for v in item.votes_list),
        chair_heading=wording.chair_heading(meeting.chair, wording.chair_title(meeting)),
        secretary_heading=wording.secretary_heading(meeting.secretary),
        consortium=meeting.body.consortium,
        reference=_("Procès-verbal %(body)s du %(day)s")
        % {
            "body": meeting.body.short_name or meeting.body.name,
            "day": f"{timezone.localdate(meeting.starts_at):%d/%m/%Y}",
        },
        generated_at=timezone.now(),
    )
    return record


def minutes_pdf(meeting: Meeting) -> bytes:
    """The minutes are an official French record, whatever language the reader browses in."""
    with translation.override("fr"):
        return render_pdf("governance/minutes_pdf.html", minutes_context(meeting))


def minutes_filename(meeting: Meeting) -> str:
    day = timezone.localdate(meeting.starts_at)
    return f"proces-verbal-{slugify(meeting.body.short_name)}-{day:%Y-%m-%d}.pdf"
