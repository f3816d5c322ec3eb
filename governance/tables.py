import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from governance.models import Action, Decision
from ligeris.lib.tables import ROWS_IN_PYTHON, DateColumn


class DecisionTable(tables.Table):
    export_title = _("Registre des décisions")

    date = DateColumn(accessor="item__meeting__starts_at", verbose_name=_("Séance"), format="d/m/Y")
    body = tables.Column(accessor="item__meeting__body__short_name", verbose_name=_("Instance"))
    item = tables.Column(
        accessor="item__title",
        verbose_name=_("Point"),
        linkify=lambda record: record.item.meeting.get_absolute_url(),
    )
    votes_for = tables.Column(attrs={"td": {"class": "num"}})
    votes_against = tables.Column(attrs={"td": {"class": "num"}})
    abstentions = tables.Column(attrs={"td": {"class": "num"}})

    class Meta:
        model = Decision
        fields = ["kind", "motion", "result", "votes_for", "votes_against", "abstentions", "rule"]
        sequence = ["date", "body", "item", *fields]
        order_by = ("-date",)
        empty_text = _("Aucune décision ne correspond à ces critères.")
        template_name = ROWS_IN_PYTHON

    def value_date(self, value):
        return value  # the meeting's date and time, exported in local time


class ActionTable(tables.Table):
    title = tables.Column()
    owner = tables.Column(verbose_name=_("Responsable"))
    partner = tables.Column(accessor="owner__partner__short_name", verbose_name=_("Partenaire"))
    meeting = tables.Column(
        accessor="item__meeting",
        verbose_name=_("Séance"),
        linkify=lambda record: record.item.meeting.get_absolute_url(),
    )
    due_on = DateColumn()
    done_on = DateColumn()

    class Meta:
        model = Action
        fields = ["title", "owner", "due_on", "status", "done_on"]
        sequence = ["title", "owner", "partner", "meeting", "due_on", "status", "done_on"]
        empty_text = _("Aucune action.")

    def __init__(self, *args, can_edit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.can_edit = can_edit  # only those who may follow the link see it

    def render_title(self, record, value):
        if not self.can_edit:
            return value
        return format_html(
            '<a href="{}">{}</a>', reverse("governance:action_update", args=[record.pk]), value
        )

    def value_title(self, value):
        return value
