import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.models import (
    Action,
    ActionStatus,
    AgendaItem,
    Body,
    BodyKind,
    DecisionKind,
    ItemKind,
    Meeting,
)
from governance.sheet_forms import (  # noqa: F401 (the sheets' forms, in a module of their own)
    PROXY_SELECT_MAX,
    VOTE_BULK_MIN,
    AttendanceForm,
    VoteSheetForm,
)
from ligeris.lib.forms import CheckedMultipleChoiceField, FrenchDecimalsMixin
from partners.forms import DateInputsMixin
from partners.models import Partner, Person, PersonRole

DATETIME_INPUT = forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"})

#: Agenda documents: office and PDF files only, 20 Mo at most.
DOCUMENT_EXTENSIONS = (
    "pdf",
    "odt",
    "ods",
    "odp",
    "docx",
    "xlsx",
    "pptx",
    "csv",
    "txt",
    "png",
    "jpg",
)
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024


def _persons(consortium):
    return (
        Person.objects.filter(partner__consortium=consortium, is_active=True)
        .select_related("partner")
        .order_by("last_name", "first_name")
    )


class BodyForm(FrenchDecimalsMixin, forms.ModelForm):
    class Meta:
        model = Body
        fields = [
            "kind",
            "name",
            "short_name",
            "minimum_meetings",
            "max_proxies",
            "quorum",
            "quorum_counts_proxies",
            "majority_base",
            "abstention_breaks_consensus",
            "notice_days",
            "numbers_deliberations",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["kind"]
        else:
            # Working groups are born from a COTECH decision, not from this form.
            self.fields["kind"].choices = [
                (value, label)
                for value, label in BodyKind.choices
                if value != BodyKind.WORKING_GROUP
            ]
            self.fields["minimum_meetings"].required = False
            self.fields["minimum_meetings"].help_text = _(
                "Vide : 1 pour le COPIL, 3 pour le COTECH (article 6)."
            )


class SeatForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Personne"), queryset=Person.objects.none())
    role = forms.ChoiceField(
        label=_("Fonction dans l'instance"),
        choices=[("", _("Sa fonction habituelle")), *PersonRole.choices],
        required=False,
    )

    def __init__(self, *args, body: Body, **kwargs):
        super().__init__(*args, **kwargs)
        seated = body.seats.filter(is_active=True).values("person_id")
        self.fields["person"].queryset = _persons(body.consortium).exclude(pk__in=seated)
        self.fields["person"].label_from_instance = lambda p: f"{p} — {p.partner.short_name}"


class SeatUpdateForm(forms.Form):
    role = forms.ChoiceField(label=_("Fonction dans l'instance"), choices=PersonRole.choices)
    order = forms.IntegerField(
        label=_("Rang protocolaire"),
        min_value=0,
        max_value=32767,
        help_text=_("Le procès-verbal nomme les membres dans cet ordre."),
    )


class MeetingForm(DateInputsMixin, forms.ModelForm):
    video_link = forms.URLField(
        label=_("Lien de visioconférence"), required=False, assume_scheme="https"
    )
    convened_on = forms.DateField(
        label=_("Convocation envoyée le"),
        required=False,
        help_text=_(
            "Pour une convocation envoyée hors de Ligeris (une séance passée saisie après coup). "
            "Envoyée d'ici, la convocation est datée du jour de l'envoi."
        ),
    )

    class Meta:
        model = Meeting
        fields = [
            "starts_at",
            "place_preposition",
            "place",
            "video_link",
            "chair",
            "chair_title",
            "secretary",
        ]
        widgets = {"starts_at": DATETIME_INPUT}

    def __init__(self, *args, body: Body, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].input_formats = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"]
        for name in ("chair", "secretary"):
            self.fields[name].queryset = _persons(body.consortium)
        if self.instance.convened_at:
            self.initial["convened_on"] = timezone.localdate(self.instance.convened_at)
        if self.instance.pk and self.instance.deliveries.filter(sent_at__isnull=False).exists():
            # Sent from here: the date of the sending is a fact, not a field.
            field = self.fields["convened_on"]
            field.disabled = True
            field.help_text = _("Envoyée depuis Ligeris : la date de l'envoi est enregistrée.")

    def clean(self):
        data = super().clean()
        if not data.get("place") and not data.get("video_link"):
            raise forms.ValidationError(_("Indiquez un lieu ou un lien de visioconférence."))
        data["convened_at"] = self._convened_at(data.pop("convened_on", None))
        return data

    def _convened_at(self, day: datetime.date | None) -> datetime.datetime | None:
        """The day typed in, kept to the minute when it is the day already recorded."""
        current = self.instance.convened_at
        if day is None:
            return None
        if current and timezone.localdate(current) == day:
            return current
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


class ItemForm(forms.Form):
    title = forms.CharField(label=_("Intitulé"), max_length=300)
    kind = forms.ChoiceField(label=_("Nature"), choices=ItemKind.choices)
    summary = forms.CharField(
        label=_("Compte rendu des échanges"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    motion = forms.CharField(
        label=_("Proposition soumise au vote"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Pour un point pour décision."),
    )
    decision_kind = forms.ChoiceField(
        label=_("Objet de la décision"),
        choices=[("", "—"), *DecisionKind.choices],
        required=False,
    )
    concerned_partner = forms.ModelChoiceField(
        label=_("Partenaire concerné (admission, exclusion)"),
        queryset=Partner.objects.none(),
        required=False,
    )

    number = forms.CharField(
        label=_("Numéro de délibération"),
        max_length=30,
        required=False,
        help_text=_("Le numéro que l'instance donne à la délibération, par ex. « 2026-03 »."),
    )

    def __init__(self, *args, body: Body, item: AgendaItem | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["concerned_partner"].queryset = body.consortium.partners.order_by("name")
        if item is not None:
            del self.fields["kind"]
        if not body.numbers_deliberations:
            del self.fields["number"]


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    file = forms.FileField(label=_("Fichier"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if extension not in DOCUMENT_EXTENSIONS:
            raise forms.ValidationError(
                _("Format refusé : joignez un fichier %(formats)s.")
                % {"formats": ", ".join(DOCUMENT_EXTENSIONS)}
            )
        if upload.size > DOCUMENT_MAX_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 20 Mo."))
        return upload


class ActionForm(DateInputsMixin, forms.ModelForm):
    class Meta:
        model = Action
        fields = ["title", "owner", "due_on", "status", "done_on"]

    def __init__(self, *args, consortium, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _persons(consortium)
        if not self.instance.pk:
            del self.fields["status"], self.fields["done_on"]
        else:
            self.fields["status"].choices = ActionStatus.choices


class WorkingGroupForm(DateInputsMixin, forms.Form):
    name = forms.CharField(label=_("Nom du groupe de travail"), max_length=200)
    short_name = forms.CharField(label=_("Sigle"), max_length=40)
    mandate = forms.CharField(label=_("Mandat (objet)"), widget=forms.Textarea(attrs={"rows": 3}))
    mandate_ends_on = forms.DateField(label=_("Fin du mandat"))
    members = CheckedMultipleChoiceField(
        label=_("Membres"), queryset=Person.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, consortium, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = _persons(consortium)
        self.fields["members"].label_from_instance = lambda p: f"{p} — {p.partner.short_name}"
