"""Tenant votes on a decision, and the outcome they give."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance import voting, wording
from governance.models import Decision, DecisionResult, MajorityBase, Seat, Vote, VoteChoice
from governance.services.common import refuse_before_meeting, refuse_if_closed
from governance.vote_base import (
    SeatName,
    TenantName,
    TenantVoter,
    VoteBase,
    attendance_stamp,
    vote_base,
)
from ligeris.lib.audit import (
    DELETE,
    auditlog_disabled,
    bulk_log,
    insert_values,
    log_created_values,
    raw_delete,
)
from ligeris.lib.services import save_validated as save
from partners.models import Holding, Tenant


@dataclass(frozen=True)
class BallotEntry:
    tenant: Tenant | TenantName  # its key and its code
    choice: str
    cast_by: Seat | SeatName  # only its key and its name are read


def _voice_for(voter: TenantVoter, cast_by: Seat):
    """The voice through which `cast_by` speaks for this tenant, or None."""
    own = [v for v in voter.voices if v.cast_by.pk == cast_by.pk and v.proxy_from is None]
    by_proxy = [v for v in voter.voices if v.cast_by.pk == cast_by.pk and v.proxy_from]
    return (own or by_proxy or [None])[0]


_RECUSED = gettext_lazy(
    "%(tenant)s : son détenteur est concerné par la décision et ne prend pas part au vote."
)


def _held_by_concerned(decision: Decision) -> set[int]:
    """The tenants held by the partner the decision concerns (none for most decisions)."""
    concerned = decision.concerned_partner_id
    if not concerned:
        return set()
    return set(Holding.objects.filter(partner_id=concerned).values_list("tenant_id", flat=True))


def _check(
    decision: Decision, entries: list[BallotEntry], base: VoteBase
) -> list[tuple[BallotEntry, bool, Seat]]:
    body_seats = set(base.body.seats.values_list("pk", flat=True))
    by_tenant = {v.tenant.pk: v for v in base.voters(decision)}
    concerned_tenants = _held_by_concerned(decision)
    errors, checked, seen = [], [], set()
    for entry in entries:
        tenant = entry.tenant
        if entry.choice not in voting.CHOICES:
            errors.append(_("%(tenant)s : vote inconnu.") % {"tenant": tenant.code})
            continue
        if tenant.pk in seen:
            errors.append(_("Le tenant %(tenant)s a déjà voté.") % {"tenant": tenant.code})
            continue
        seen.add(tenant.pk)
        if entry.cast_by is None or entry.cast_by.pk not in body_seats:
            errors.append(
                _("%(tenant)s : le votant ne siège pas dans cette instance, son vote est refusé.")
                % {"tenant": tenant.code}
            )
            continue
        voter = by_tenant.get(tenant.pk)
        if voter is None and tenant.pk in concerned_tenants:
            # A candidate's tenant has no vote at all; on its own admission it is recused first.
            errors.append(_RECUSED % {"tenant": tenant.code})
            continue
        if voter is None:
            errors.append(
                _("Le tenant %(tenant)s ne vote pas dans cette instance à cette date.")
                % {"tenant": tenant.code}
            )
            continue
        voice = _voice_for(voter, entry.cast_by)
        if voice is None:
            if voter.recused:
                message = str(_RECUSED)
            else:
                message = _(
                    "%(tenant)s : %(seat)s n'est ni présent pour l'un de ses détenteurs ni "
                    "porteur de leur pouvoir."
                )
            errors.append(message % {"tenant": tenant.code, "seat": entry.cast_by})
            continue
        checked.append((entry, not voter.deliberative, voice.proxy_from))
    if errors:
        raise ValidationError(errors)
    return checked


_BEFORE_MEETING = gettext_lazy(
    "La séance commence le %(day)s à %(hour)s : les votes ne peuvent être enregistrés avant."
)


def _refuse_without_quorum(base: VoteBase) -> None:
    state = base.quorum()
    if state.applies and not state.met:
        raise ValidationError(_("Vote impossible. %(quorum)s.") % {"quorum": state.describe()})


@transaction.atomic
def votes_record(
    *, decision: Decision, entries: list[BallotEntry], base: VoteBase | None = None
) -> Decision:
    """Record the whole vote sheet of a decision (replacing an earlier one) and its outcome.

    A sheet without a single vote is refused: erasing the votes is `votes_clear`, said so.
    `base` is the vote base the sheet was read with (the view's): used when the roll call has
    not changed since (checked once the meeting is locked), else read again.
    """
    meeting = refuse_if_closed(decision.item.meeting)
    refuse_before_meeting(meeting, str(_BEFORE_MEETING))
    if not entries:
        raise ValidationError(
            _(
                "Aucun vote n'est saisi : indiquez le vote d'au moins un tenant (ou effacez les "
                "votes avec « Effacer les votes »)."
            )
        )
    if base is None or base.meeting.pk != meeting.pk or base.stamp != attendance_stamp(meeting):
        base = vote_base(meeting)
    _refuse_without_quorum(base)
    checked = _check(decision, entries, base)
    _replace_votes(decision, meeting, checked)
    return decision_tally(decision=decision, base=base)


#: A vote as compared: (choice, advisory, cast_by_id, proxy_from_id).
_VOTE_COLUMNS = ("tenant_id", "choice", "is_advisory", "cast_by_id", "proxy_from_id")


def _replace_votes(decision: Decision, meeting, checked) -> None:
    """Only the votes that change are deleted and written again, each audited: the old votes
    read once as tuples (3,000 model instances cost more than the writes), the stale ones
    then read as rows for their audit entries. The checks made before are those a row's
    full_clean() makes (and the constraints stand behind them)."""
    audit_data = {"meeting_id": meeting.pk}
    wanted = {
        entry.tenant.pk: (entry.choice, advisory, entry.cast_by.pk, getattr(proxy_from, "pk", None))
        for entry, advisory, proxy_from in checked
    }
    old = {
        tenant_id: (pk, tuple(rest))
        for pk, tenant_id, *rest in decision.votes.order_by().values_list("pk", *_VOTE_COLUMNS)
    }
    gone = sorted(pk for tenant_id, (pk, vote) in old.items() if wanted.get(tenant_id) != vote)
    kept = {tenant_id for tenant_id, (pk, vote) in old.items() if wanted.get(tenant_id) == vote}
    fresh = [
        {
            "decision_id": decision.pk,
            "tenant_id": entry.tenant.pk,
            "choice": entry.choice,
            "is_advisory": advisory,
            "cast_by_id": entry.cast_by.pk,
            "proxy_from_id": getattr(proxy_from, "pk", None),
        }
        for entry, advisory, proxy_from in checked
        if entry.tenant.pk not in kept
    ]
    with auditlog_disabled():
        if gone and len(gone) == len(old):  # every vote changes: one DELETE
            bulk_log(decision.votes.select_related("tenant"), DELETE, additional_data=audit_data)
            raw_delete(decision.votes.all())
        elif gone:
            for start in range(0, len(gone), 500):
                chunk = decision.votes.filter(pk__in=gone[start : start + 500])
                bulk_log(chunk.select_related("tenant"), DELETE, additional_data=audit_data)
                raw_delete(chunk)
    _insert_votes(decision, fresh)
    codes = {entry.tenant.pk: entry.tenant.code for entry, _advisory, _proxy in checked}
    log_created_values(Vote, fresh, _vote_texts(fresh, codes), additional_data=audit_data)


def _insert_votes(decision: Decision, fresh: list[dict]) -> None:
    """The new votes written from their values, then their keys read back by tenant (one per
    decision): 3,000 `Vote` instances built for `bulk_create` cost more than the INSERT."""
    if not fresh:
        return
    insert_values(Vote, list(fresh[0]), [tuple(row.values()) for row in fresh])
    keys = dict(decision.votes.order_by().values_list("tenant_id", "pk"))
    for row in fresh:
        row["id"] = keys[row["tenant_id"]]


def _vote_texts(fresh: list[dict], codes: dict[int, str]) -> list[str]:
    """Each vote's `str()` (its audit entry's text), the choices' labels translated once."""
    labels = {choice: str(label) for choice, label in VoteChoice.choices}
    return [f"{codes[row['tenant_id']]} : {labels[row['choice']]}" for row in fresh]


@transaction.atomic
def vote_cast(*, decision: Decision, tenant: Tenant, choice: str, cast_by: Seat) -> Vote:
    """Add one tenant's vote; a second vote for the same tenant is refused."""
    meeting = refuse_if_closed(decision.item.meeting)
    refuse_before_meeting(meeting, str(_BEFORE_MEETING))
    base = vote_base(meeting)
    _refuse_without_quorum(base)
    if decision.votes.filter(tenant=tenant).exists():
        raise ValidationError(_("Le tenant %(tenant)s a déjà voté.") % {"tenant": tenant.code})
    ((_entry, advisory, proxy_from),) = _check(
        decision, [BallotEntry(tenant=tenant, choice=choice, cast_by=cast_by)], base
    )
    vote = save(
        Vote(decision=decision, tenant=tenant),
        choice=choice,
        is_advisory=advisory,
        cast_by=cast_by,
        proxy_from_id=getattr(proxy_from, "pk", None),  # the base names seats, as rows
    )
    decision_tally(decision=decision, base=base)
    return vote


@transaction.atomic
def votes_clear(*, decision: Decision) -> Decision:
    """Erase a decision's vote sheet (to correct the attendance, say): it is not voted any more."""
    meeting = refuse_if_closed(decision.item.meeting)
    # In bulk, each vote audited as a delete() would (one INSERT per vote, row by row).
    votes = list(decision.votes.select_related("tenant"))
    with auditlog_disabled():
        bulk_log(votes, DELETE, additional_data={"meeting_id": meeting.pk})
        raw_delete(decision.votes.all())
    return decision_tally(decision=decision)


def rule_text(outcome: voting.Outcome, base_rule: str) -> str:
    counts = {
        "for": outcome.votes_for,
        "votes_for": wording.votes_for(outcome.votes_for),
        "against": wording.against(outcome.votes_against),
        "abstain": wording.abstentions(outcome.abstentions),
        "base": outcome.base,
        "base_label": MajorityBase(base_rule).label.lower(),
        "lhs": outcome.votes_for * 3,
        "rhs": outcome.base * 2,
    }
    if outcome.result == voting.ADVISORY_ONLY:
        return _(
            "Aucune voix délibérative exprimée : %(opinions)s (%(tally)s), hors décompte ; la "
            "proposition n'est pas adoptée."
        ) % {
            "opinions": wording.advisory_opinions(outcome.advisory_count),
            "tally": wording.tally(
                outcome.advisory_for, outcome.advisory_against, outcome.advisory_abstentions
            ),
        }
    if outcome.result == voting.CONSENSUS:
        if outcome.unanimous:
            return _("Consensus, à l'unanimité : %(votes_for)s.") % counts
        return _("Consensus : %(votes_for)s, %(against)s, %(abstain)s.") % counts
    if outcome.result == voting.ADOPTED:
        return (
            _(
                "Majorité des deux tiers (base : %(base_label)s, %(base)s) : %(for)s pour × 3 = "
                "%(lhs)s ≥ %(base)s × 2 = %(rhs)s ; %(against)s, %(abstain)s."
            )
            % counts
        )
    if outcome.votes_for == 0:
        return _("Rejetée : aucune voix pour ; %(against)s, %(abstain)s.") % counts
    return (
        _(
            "Rejetée, deux tiers non atteints (base : %(base_label)s, %(base)s) : %(for)s pour × 3 = "
            "%(lhs)s < %(base)s × 2 = %(rhs)s ; %(against)s, %(abstain)s."
        )
        % counts
    )


@transaction.atomic
def decision_tally(*, decision: Decision, base: VoteBase | None = None) -> Decision:
    """Compute and store the outcome from the recorded votes, with the rule applied."""
    meeting = decision.item.meeting
    base = base or vote_base(meeting)
    body = base.body
    ballots = [  # from rows: 3,000 `Vote` instances cost a tenth of a sheet's POST
        voting.Ballot(tenant=str(tenant_id), choice=choice, advisory=advisory)
        for tenant_id, choice, advisory in decision.votes.order_by().values_list(
            "tenant_id", "choice", "is_advisory"
        )
    ]
    # A tenant recused from this decision (its holder is concerned) is outside every base.
    deliberative = [v for v in base.voters(decision) if v.deliberative and not v.recused]
    outcome = voting.count(
        ballots,
        base_rule=body.majority_base,
        present=sum(1 for v in deliberative if v.represented),
        deliberative=len(deliberative),
        abstention_breaks_consensus=body.abstention_breaks_consensus,
    )
    has_votes = bool(ballots)
    return save(
        decision,
        result=outcome.result if has_votes else DecisionResult.PENDING,
        votes_for=outcome.votes_for,
        votes_against=outcome.votes_against,
        abstentions=outcome.abstentions,
        base=outcome.base,
        rule=rule_text(outcome, body.majority_base) if has_votes else "",
    )
