"""Reads of exclusion cases: the deadlines, a partner's case, its timeline, the dashboard."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ligeris.lib.roles import STAFF, role_of
from membership.models import ExclusionCase, ExclusionState
from membership.timeline_types import TimelineEvent, dated_events
from partners.models import Consortium, Partner
from partners.selectors import acting_partner_id, in_consortium


def cases_visible_to(user, consortium: Consortium | None) -> QuerySet[ExclusionCase]:
    """Staff see the consortium's cases; a partner user only its own decided one (its letter, its
    deadline): a proposal not yet decided is the COPIL's business until its minutes."""
    cases = ExclusionCase.objects.select_related(
        "partner__consortium__coordinator",
        "decision__item__meeting__body",
        "costs_pool",
    )
    if role_of(user) in STAFF:
        return in_consortium(cases, user, consortium, "partner__consortium")
    return cases.filter(partner_id=acting_partner_id(user), state=ExclusionState.DECIDED)


def cases_of_consortium(consortium: Consortium) -> QuerySet[ExclusionCase]:
    return (
        ExclusionCase.objects.filter(partner__consortium=consortium)
        .select_related("partner", "decision__item__meeting__body")
        .order_by("-opened_on", "-pk")
    )


def deadline_rows(consortium: Consortium, today: datetime.date | None = None) -> list[dict]:
    """Decided exclusions and where each stands: receipt to record, period running, over."""
    today = today or timezone.localdate()
    rows = []
    cases = cases_of_consortium(consortium).filter(state=ExclusionState.DECIDED)
    for case in cases.prefetch_related("partner__holdings__tenant"):
        deadline = case.deadline
        open_tenants = [h.tenant for h in case.partner.holdings.all() if h.tenant.closed_on is None]
        if deadline is None:
            step = _("Réception de la lettre à enregistrer")
        elif today <= deadline:
            step = _("Récupération des données en cours (%(days)s jours restants)") % {
                "days": (deadline - today).days
            }
        elif open_tenants:
            step = _("Délai expiré : le tenant peut être fermé")
        else:
            step = _("Délai expiré, tenants fermés")
        rows.append({"case": case, "deadline": deadline, "step": step, "tenants": open_tenants})
    rows.sort(key=lambda r: (r["deadline"] is not None, r["deadline"] or today))
    return rows


def case_of_partner(partner: Partner) -> ExclusionCase | None:
    """The partner's latest exclusion case, for its page."""
    return (
        ExclusionCase.objects.filter(partner=partner)
        .select_related("decision__item__meeting__body")
        .order_by("-opened_on", "-pk")
        .first()
    )


def timeline_events(partner: Partner) -> list[TimelineEvent]:
    events = []
    for case in ExclusionCase.objects.filter(partner=partner).select_related(
        "decision__item__meeting__body"
    ):
        received = case.received_on is not None
        events += dated_events(
            case.get_absolute_url(),
            {
                "day": case.opened_on,
                "category": "membership",
                "title": _("Procédure d'exclusion ouverte"),
                "detail": case.breach,
                "order": 10,
            },
            {
                "day": case.decided_on,
                "category": "governance",
                "title": _("Exclusion décidée par le COPIL"),
                "detail": str(case.decision.item.meeting) if case.decision else "",
                "order": 20,
            },
            {
                "day": case.letter_sent_on,
                "category": "letters",
                "title": _("Lettre de notification d'exclusion envoyée (LRAR %(ref)s)")
                % {"ref": case.letter_reference},
                "order": 30,
            },
            {
                "day": case.received_on,
                "category": "letters",
                "title": _("Lettre de notification d'exclusion reçue"),
                "order": 40,
            },
            {
                "day": case.deadline if received else None,
                "category": "membership",
                "title": _("Fin du délai de récupération des données (six mois)"),
                "is_deadline": received and case.deadline >= timezone.localdate(),
                "order": 50,
            },
        )
    return events


def dashboard_rows(consortium: Consortium) -> list[dict]:
    """Cases staff should act on: put to the COPIL, send the letter, record its receipt, close
    the tenant once the period is over."""
    rows = []
    today = timezone.localdate()
    for case in cases_of_consortium(consortium).prefetch_related("partner__holdings__tenant"):
        url = case.get_absolute_url()
        if case.state == ExclusionState.OPEN:
            title = _("Exclusion proposée : à inscrire à l'ordre du jour du COPIL")
            day = case.opened_on
        elif case.state == ExclusionState.SCHEDULED:
            if case.is_rejected:
                continue
            title = _("Exclusion inscrite à l'ordre du jour du COPIL")
            day = timezone.localdate(case.decision.item.meeting.starts_at)
        elif not case.letter_sent_on:
            title = _("Exclusion décidée : lettre recommandée à envoyer")
            day = case.decided_on
        elif case.received_on is None:
            title = _("Exclusion : réception de la lettre à enregistrer")
            day = case.letter_sent_on
        elif any(h.tenant.closed_on is None for h in case.partner.holdings.all()):
            title = _("Fin du délai de récupération des données")
            day = case.deadline
            if day < today:
                title = _("Délai de récupération des données expiré : tenant à fermer")
        else:
            continue
        rows.append({"day": day, "title": title, "url": url, "partner": case.partner})
    return rows
