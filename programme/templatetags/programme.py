"""The programme's part of the meeting page and of the minutes, included by their templates so
that governance's views stay unaware of it."""

from django import template

from ligeris.lib.roles import RECORDERS, STAFF, role_of
from programme import selectors

register = template.Library()


@register.inclusion_tag("programme/meeting_part.html", takes_context=True)
def meeting_programme(context, meeting):
    user = context["request"].user
    role = role_of(user)
    return {
        **selectors.meeting_programme(meeting, user),
        "meeting": meeting,
        "can_record": role in RECORDERS,
        "can_follow": role in STAFF,
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("programme/minutes_part.html")
def minutes_programme(meeting):
    return {**selectors.meeting_programme(meeting, None, for_minutes=True), "meeting": meeting}
