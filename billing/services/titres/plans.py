"""Writing what plans (`billing.titre_plan`) say: charging titres, reduction titres of the
annual titres, and what is carried over to the debtors' next titres, in bulk."""

from django.utils.translation import gettext as _

from billing.models import AllocationRun
from billing.titre_plan import Plan
from ligeris.lib.audit import log_created
from ligeris.lib.services import validate_in_bulk
from titres.models import Carryover, TitreBatch, TitreKind
from titres.money import format_euros
from titres.services.common import BULK, Draft, Line, create_titres


def _drafts(plan: Plan, run: AllocationRun, charging_kind: str, reason: str, purpose: str):
    drafts = []
    if plan.charges:
        lines = [Line(c.label, c.base, c.amount, share=c.share) for c in plan.charges]
        drafts.append(Draft(charging_kind, plan.partner, plan.tenant, run, lines))
    if plan.reductions:
        original = plan.original
        drafts.append(
            Draft(
                TitreKind.REDUCTION,
                original.debtor,
                original.tenant,
                run,
                [Line(r.label, r.base, r.amount, reduces=r.reduces) for r in plan.reductions],
                original=original,
                reason=reason,
                object_text=_("Réduction du titre n° %(reference)s (%(purpose)s)")
                % {"reference": original.reference, "purpose": purpose},
            )
        )
    return drafts


def _notes(plan: Plan, drafted: bool) -> list[str]:
    if plan.carried:
        return [
            _("%(who)s : %(amount)s à déduire des prochains titres (%(reason)s).")
            % {
                "who": plan.recipient,
                "amount": format_euros(plan.carried),
                "reason": plan.carried_reason,
            }
        ]
    if not drafted:
        return [
            _("%(who)s : charges et réductions se compensent (%(amount)s), aucun titre.")
            % {"who": plan.recipient, "amount": format_euros(plan.owed)}
        ]
    return []


def write_plans(
    plans: list[Plan],
    *,
    batch: TitreBatch,
    run: AllocationRun,
    charging_kind: str,
    threshold,
    reason: str,
    purpose: str,
) -> list[str]:
    """The drafts of every debtor and tenant, their carry-overs, and what to tell of it."""
    drafts, carryovers, notes = [], [], []
    for plan in plans:
        drafted = _drafts(plan, run, charging_kind, reason, purpose)
        drafts.extend(drafted)
        if plan.carried:
            carryover = Carryover(
                consortium=batch.fiscal_year.consortium,
                fiscal_year=batch.fiscal_year,
                batch=batch,
                run=run,
                debtor=plan.partner,
                tenant=plan.tenant,
                label=f"{purpose} — {plan.recipient}",
                reason=plan.carried_reason,
                amount=plan.carried,
            )
            validate_in_bulk(carryover)
            carryovers.append(carryover)
        notes.extend(_notes(plan, bool(drafted)))
    create_titres(batch, drafts, threshold)
    # This batch's carry-overs are deducted from later batches only: written after its drafts.
    Carryover.objects.bulk_create(carryovers, batch_size=BULK)
    log_created(carryovers)
    return notes
