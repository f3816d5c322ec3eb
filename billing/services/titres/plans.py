"""Writing what a plan (`billing.titre_plan`) says: a charging titre, a reduction titre of the
annual titre, and what is carried over to the debtor's next titres."""

from django.utils.translation import gettext as _

from billing.models import AllocationRun, Carryover, RevenueTitle, TitreBatch, TitreKind
from billing.money import format_euros
from billing.services.titres.common import Line, create_titre
from billing.titre_plan import Plan
from ligeris.lib.services import save_validated as save


def write_plan(
    plan: Plan,
    *,
    batch: TitreBatch,
    run: AllocationRun,
    charging_kind: str,
    threshold,
    reason: str,
    purpose: str,
) -> tuple[list[RevenueTitle], list[str]]:
    """The drafts of one debtor and tenant, and what to tell of it (a carry-over, an offset)."""
    titres, notes = [], []
    if plan.charges:
        lines = [Line(c.label, c.base, c.amount, share=c.share) for c in plan.charges]
        titres.append(
            create_titre(
                batch=batch,
                kind=charging_kind,
                debtor=plan.partner,
                tenant=plan.tenant,
                run=run,
                lines=lines,
                threshold=threshold,
            )
        )
    if plan.reductions:
        original = plan.original
        titres.append(
            create_titre(
                batch=batch,
                kind=TitreKind.REDUCTION,
                debtor=original.debtor,
                tenant=original.tenant,
                run=run,
                lines=[Line(r.label, r.base, r.amount, reduces=r.reduces) for r in plan.reductions],
                threshold=threshold,
                original=original,
                reason=reason,
                object_text=_("Réduction du titre n° %(reference)s (%(purpose)s)")
                % {"reference": original.reference, "purpose": purpose},
            )
        )
    if plan.carried:
        save(
            Carryover(
                consortium=batch.fiscal_year.consortium,
                fiscal_year=batch.fiscal_year,
                batch=batch,
                run=run,
                debtor=plan.partner,
                tenant=plan.tenant,
            ),
            label=f"{purpose} — {plan.recipient}",
            reason=plan.carried_reason,
            amount=plan.carried,
        )
        notes.append(
            _("%(who)s : %(amount)s à déduire des prochains titres (%(reason)s).")
            % {
                "who": plan.recipient,
                "amount": format_euros(plan.carried),
                "reason": plan.carried_reason,
            }
        )
    if not titres and not plan.carried:
        notes.append(
            _("%(who)s : charges et réductions se compensent (%(amount)s), aucun titre.")
            % {"who": plan.recipient, "amount": format_euros(plan.owed)}
        )
    return titres, notes
