"""The attendance sheet and the vote sheet: one row per seat, one row per tenant.

Their fields are rendered by `sheet_html` (Django's widget templates took 10 s for 2,000 seats).
"""

import copy
from collections import Counter

from django import forms
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from governance.models import AttendanceStatus, VoteChoice
from governance.selectors import TenantVoter
from governance.services.meetings import AttendanceEntry
from governance.services.votes import BallotEntry
from governance.sheet_html import SheetRow, select

#: Above this many seats, the proxy holder is typed (with the members as suggestions) rather
#: than picked in a select per row: 2,000 selects of 2,000 options would weigh 200 MB.
PROXY_SELECT_MAX = 100


def _like(prototype: forms.Field, **attrs) -> forms.Field:
    """A copy of `prototype` with its own label and initial: its choices are normalized once for
    the sheet, not on each row's construction (a third of a 2,000-seat sheet's time)."""
    field = copy.copy(prototype)
    field.__dict__.update(attrs)
    return field


def _unique_labels(seats) -> dict[int, str]:
    """Each seat's label; two seats of the same name and partner are told apart by number."""
    labels = {seat.pk: str(seat) for seat in seats}
    taken = Counter(labels.values())
    return {
        pk: label if taken[label] == 1 else f"{label} — siège n° {pk}"
        for pk, label in labels.items()
    }


#: Seats per page of a large attendance sheet: each page saves its rows, the others keep theirs.
SEATS_PER_PAGE = 100


class AttendanceForm(forms.Form):
    """One status and one optional proxy holder per seat of the body.

    It shows the rows of `shown` only (a page of a large sheet); the others keep what is
    recorded (present, for a seat not recorded yet: the sheet's default), and the whole sheet
    is checked and recorded at once.
    """

    def __init__(self, *args, seats, current: dict, shown=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.seats = list(seats)
        self.shown = self.seats if shown is None else list(shown)
        self.current = current
        self.large = len(self.seats) > PROXY_SELECT_MAX
        self.labels = _unique_labels(self.seats) if self.large else {}
        self.by_label = {label: pk for pk, label in self.labels.items()}
        names = {seat.pk: str(seat) for seat in self.seats}  # each seat named once
        holders = [("", "—"), *((str(pk), name) for pk, name in names.items())]
        status = forms.ChoiceField(choices=AttendanceStatus.choices)
        if self.large:
            proxy = forms.CharField(
                required=False,
                widget=forms.TextInput(attrs={"list": "proxy-holders", "autocomplete": "off"}),
            )
        else:
            proxy = forms.ChoiceField(choices=holders, required=False)
        proxy_label = gettext("Pouvoir donné à (pour %(seat)s)")  # translated once, not per row
        for seat in self.shown:
            row = current.get(seat.pk)
            self.fields[f"status_{seat.pk}"] = _like(
                status,
                label=names[seat.pk],
                initial=row.status if row else AttendanceStatus.PRESENT,
            )
            holder = row.proxy_to_id if row else None
            if self.large:
                initial = self.labels.get(holder, "") if holder else ""
            else:
                initial = str(holder) if holder else ""
            self.fields[f"proxy_{seat.pk}"] = _like(
                proxy, label=proxy_label % {"seat": names[seat.pk]}, initial=initial
            )

    def datalist_html(self) -> SafeString:
        """The members' names offered to a typed proxy holder, written once for the page."""
        options = "".join(
            f'<option value="{escape(label)}"></option>' for label in self.labels.values()
        )
        return mark_safe(f'<datalist id="proxy-holders">{options}</datalist>')  # noqa: S308 (escaped)

    def clean(self):
        cleaned = super().clean()
        if self.large:
            for seat in self.shown:
                name = f"proxy_{seat.pk}"
                typed = (cleaned.get(name) or "").strip()
                if typed and typed not in self.by_label:
                    self.add_error(
                        name, _("Choisissez le mandataire parmi les membres de l'instance.")
                    )
        return cleaned

    def _holder_pk(self, value: str) -> int | None:
        if not value:
            return None
        return self.by_label.get(value.strip()) if self.large else int(value)

    def rows(self):
        for seat in self.shown:
            yield SheetRow(seat, self[f"status_{seat.pk}"], self[f"proxy_{seat.pk}"])

    def entries(self, by_pk: dict | None = None):
        """Each seat's entry, with the seats of `by_pk` (its key's model) when given."""
        by_pk = by_pk or {s.pk: s for s in self.seats}
        shown = {seat.pk for seat in self.shown}
        for seat in self.seats:
            if seat.pk in shown:
                status = self.cleaned_data[f"status_{seat.pk}"]
                holder = self._holder_pk(self.cleaned_data.get(f"proxy_{seat.pk}"))
            else:  # not on this page: as recorded
                row = self.current.get(seat.pk)
                status = row.status if row else AttendanceStatus.PRESENT
                holder = row.proxy_to_id if row else None
            yield AttendanceEntry(
                seat=by_pk.get(seat.pk, seat),
                status=status,
                proxy_to=by_pk.get(holder) if holder else None,
            )


#: Above this many tenants, the vote sheet opens with one vote for them all, which each row
#: follows unless it says otherwise: a secretary records 3,000 votes as "all for" and the
#: exceptions, not as 3,000 choices.
VOTE_BULK_MIN = 100
#: A row of a large sheet: "" follows the vote of the whole, NO_VOTE records none for it.
FOLLOW, NO_VOTE = "", "none"


def _voice_names():
    """A voice's name for the select, each seat's text built once (a seat speaks for several
    tenants)."""
    names: dict[tuple, str] = {}

    def name(voice) -> str:
        key = (voice.cast_by.pk, voice.proxy_from.pk if voice.proxy_from else None)
        if key not in names:
            names[key] = f"{voice.cast_by}" + (
                f" (pouvoir de {voice.proxy_from.person})" if voice.proxy_from else ""
            )
        return names[key]

    return name


def _most_common(current: dict) -> str:
    counts = Counter(vote.choice for vote in current.values())
    return counts.most_common(1)[0][0] if counts else ""


#: Tenants per page of a large vote sheet: each page saves its rows, the others keep theirs.
VOTES_PER_PAGE = 100


def sheet_search(voters: list[TenantVoter], query: str) -> list[TenantVoter]:
    """The voters whose tenant's code or name contains `query` (all of them without one)."""
    needle = query.casefold()
    if not needle:
        return voters
    return [
        v
        for v in voters
        if needle in v.tenant.code.casefold() or needle in v.tenant.name.casefold()
    ]


def _initial(vote, voter: TenantVoter, *, large: bool, bulk: str) -> str:
    """A row's choice as the sheet shows it: on a large sheet, « Comme l'ensemble » for a vote
    equal to the whole's, « Pas de vote » for a tenant without one while the whole has one."""
    initial = vote.choice if vote else ""
    if large and vote is None:
        return NO_VOTE if bulk and voter.voices else FOLLOW
    if large and vote.choice == bulk:
        return FOLLOW
    return initial


class VoteSheetForm(forms.Form):
    """One row per tenant: its vote (or none) and who expressed it.

    A large sheet adds the vote of the whole (`bulk`): each tenant with a voice whose row is left
    on « Comme l'ensemble » votes so; read back, the most common vote is the whole's and the
    rows say only the exceptions. It shows the rows of `shown` only (a page, a search): the
    others keep what they say (an exception stays one, a row following the whole follows it).
    """

    def __init__(self, *args, voters: list[TenantVoter], current: dict, shown=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.voters = voters
        self.current = current
        self.shown = list(voters if shown is None else shown)
        self.large = len(voters) > VOTE_BULK_MIN
        votes = [("", _("Pas de vote")), *VoteChoice.choices]
        self.bulk_before = bulk = _most_common(current) if self.large else ""
        self.exceptions = (
            sum(1 for voter in voters if self._is_exception(voter)) if self.large else 0
        )
        if self.large:
            self.fields["bulk"] = forms.ChoiceField(
                label=_("Vote de l'ensemble des tenants représentés"),
                choices=votes,
                required=False,
                initial=bulk,
                help_text=_(
                    "Chaque tenant représenté vote ainsi, sauf ceux dont la ligne dit autrement "
                    "(« Pas de vote » pour n'en enregistrer aucun)."
                ),
            )
            choices = [(FOLLOW, _("Comme l'ensemble")), *VoteChoice.choices]
            choices.append((NO_VOTE, _("Pas de vote")))
        else:
            choices = votes
        choice = forms.ChoiceField(choices=choices, required=False)
        vote_label = gettext("Vote du tenant %(tenant)s")  # translated once, not per row
        voice_label = gettext("Exprimé par (tenant %(tenant)s)")
        voice_name = _voice_names()
        for voter in self.shown:
            pk = voter.tenant.pk
            vote = current.get(pk)
            self.fields[f"choice_{pk}"] = _like(
                choice,
                label=vote_label % {"tenant": voter.tenant.code},
                initial=_initial(vote, voter, large=self.large, bulk=bulk),
            )
            voices = [(str(v.cast_by.pk), voice_name(v)) for v in voter.voices]
            self.fields[f"voice_{pk}"] = forms.ChoiceField(
                label=voice_label % {"tenant": voter.tenant.code},
                choices=voices or [("", _("Personne ne le représente"))],
                required=False,
                error_messages={
                    "invalid_choice": _("Ce membre ne peut exprimer la voix de ce tenant.")
                },
                initial=str(vote.cast_by_id) if vote else None,
            )

    def _is_exception(self, voter: TenantVoter) -> bool:
        vote = self.current.get(voter.tenant.pk)
        return _initial(vote, voter, large=True, bulk=self.bulk_before) != FOLLOW

    def bulk_html(self):
        return select(self["bulk"])

    def rows(self):
        for voter in self.shown:
            pk = voter.tenant.pk
            yield SheetRow(voter, self[f"choice_{pk}"], self[f"voice_{pk}"])

    def _choice(self, voter: TenantVoter, bulk: str, choice: str) -> str:
        choice = choice or FOLLOW
        if not self.large:
            return choice
        if choice == NO_VOTE:
            return ""
        if choice == FOLLOW:  # the whole's vote, for the tenants someone speaks for
            return bulk if voter.voices else ""
        return choice

    def _posted(self, voter: TenantVoter, shown: set) -> tuple[str, str | None]:
        """The row's (choice, voice): as posted when shown, else as it stands."""
        pk = voter.tenant.pk
        if pk in shown:
            return self.cleaned_data.get(f"choice_{pk}") or FOLLOW, self.cleaned_data.get(
                f"voice_{pk}"
            )
        vote = self.current.get(pk)
        choice = _initial(vote, voter, large=self.large, bulk=self.bulk_before)
        return choice, str(vote.cast_by_id) if vote else None

    def entries(self, seats: dict):
        bulk = self.cleaned_data.get("bulk") or ""
        shown = {voter.tenant.pk for voter in self.shown}
        for voter in self.voters:
            posted, voice = self._posted(voter, shown)
            choice = self._choice(voter, bulk, posted)
            if not choice:
                continue
            if not voice and self.large and voter.voices:
                voice = str(voter.voices[0].cast_by.pk)
            yield BallotEntry(
                tenant=voter.tenant, choice=choice, cast_by=seats.get(int(voice)) if voice else None
            )
