"""The governance tables in the Django admin: to look, search and read the audit history.

Every write goes through `governance.services` (a closed year, a working group created by a
decision, proxies within the body's limit, the tally of a vote, closed minutes…), which the
admin's forms would bypass; the governance pages (`/gouvernance/`) do the writing, bodies and
seats included. So the admin only shows, as billing's does: a POST to add, change or delete
answers 403. Closed minutes refuse any change in any case.
"""

from django.contrib import admin

from governance import models
from ligeris.lib.admin import ReadOnlyAuditedAdmin, ReadOnlyInline


class SeatInline(ReadOnlyInline):
    model = models.Seat
    fields = ["person", "partner", "role", "is_active"]
    show_change_link = False


@admin.register(models.Body)
class BodyAdmin(ReadOnlyAuditedAdmin):
    list_display = ["name", "kind", "minimum_meetings", "max_proxies", "quorum", "majority_base"]
    list_filter = ["kind"]
    inlines = [SeatInline]


class AttendanceInline(ReadOnlyInline):
    model = models.Attendance
    fields = ["seat", "status", "proxy_to"]
    show_change_link = False


class ItemInline(ReadOnlyInline):
    model = models.AgendaItem
    fields = ["position", "title", "kind"]
    show_change_link = False


@admin.register(models.Meeting)
class MeetingAdmin(ReadOnlyAuditedAdmin):
    list_display = ["body", "starts_at", "place", "convened_at", "minutes_closed_at"]
    list_filter = ["body"]
    list_select_related = ["body"]
    date_hierarchy = "starts_at"
    inlines = [ItemInline, AttendanceInline]


class VoteInline(ReadOnlyInline):
    model = models.Vote
    fields = ["tenant", "choice", "is_advisory", "cast_by", "proxy_from"]
    show_change_link = False


@admin.register(models.Decision)
class DecisionAdmin(ReadOnlyAuditedAdmin):
    list_display = ["item", "kind", "result", "votes_for", "votes_against", "abstentions"]
    list_filter = ["kind", "result"]
    list_select_related = ["item"]
    inlines = [VoteInline]

    def view_on_site(self, obj) -> str:
        return obj.item.meeting.get_absolute_url()


@admin.register(models.Action)
class ActionAdmin(ReadOnlyAuditedAdmin):
    list_display = ["title", "owner", "due_on", "status"]
    list_filter = ["status"]
    list_select_related = ["owner"]


@admin.register(models.ClosedYear)
class ClosedYearAdmin(ReadOnlyAuditedAdmin):
    list_display = ["year", "consortium", "closed_at"]
