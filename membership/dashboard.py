"""The membership dashboard: files still open that staff should act on, section by section.

Each source is `(consortium) -> list[dict]` with keys day, title, url, partner (a date: the
deadline or the next step). The membership files add theirs with one line in SOURCES, e.g.
`DashboardSource(_("Candidatures en cours"), admission.dashboard_rows)`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from membership.selectors import admission, amendments, exclusion, withdrawal
from membership.selectors.timeline.dashboard import membership_decisions_pending
from partners.models import Consortium, PartnerStatus

NOTHING_TO_DO = _("Rien à traiter.")


@dataclass(frozen=True)
class DashboardSource:
    title: str | Promise
    rows: Callable[[Consortium], list[dict]]
    #: Shown when the source has nothing.
    empty: str | Promise = NOTHING_TO_DO


SOURCES: list[DashboardSource | Callable[[Consortium], list[dict]]] = [
    DashboardSource(
        _("Candidatures en cours"),
        admission.dashboard_rows,
        _("Aucune candidature en cours."),
    ),
    DashboardSource(
        _("Admissions et exclusions à l'ordre du jour"),
        membership_decisions_pending,
        _("Aucune admission ni exclusion n'attend de décision."),
    ),
    DashboardSource(
        _("Retraits : préavis et restitution des données"),
        withdrawal.dashboard_rows,
        _("Aucun retrait en cours."),
    ),
    DashboardSource(
        _("Exclusions : lettres, réceptions et délais de six mois"),
        exclusion.dashboard_rows,
        _("Aucune procédure d'exclusion en cours."),
    ),
    DashboardSource(
        _("Avenants en attente d'approbation"),
        amendments.dashboard_rows,
        _("Tous les avenants sont approuvés par chaque partie."),
    ),
]


@dataclass(frozen=True)
class Section:
    title: str | Promise
    rows: list[dict]
    empty: str | Promise


def sections(consortium: Consortium) -> list[Section]:
    """Each source's rows, soonest first (a bare function is a section titled "À traiter")."""
    result = []
    for source in SOURCES:
        if not isinstance(source, DashboardSource):
            source = DashboardSource(_("À traiter"), source)
        rows = sorted(source.rows(consortium), key=lambda row: (row["day"], str(row["title"])))
        result.append(Section(source.title, rows, source.empty))
    return result


#: The statuses the dashboard counts, in the order of a partner's life.
STATUSES = (
    PartnerStatus.CANDIDATE,
    PartnerStatus.MEMBER,
    PartnerStatus.WITHDRAWING,
    PartnerStatus.WITHDRAWN,
    PartnerStatus.EXCLUDED,
)


def status_counts(consortium: Consortium) -> list[dict]:
    """How many partners in each status, with the link to the partner list filtered on it."""
    counts = dict(consortium.partners.values_list("status").annotate(count=Count("pk")).order_by())
    base = reverse("partners:partner_list")
    return [
        {
            "status": status,
            "label": status.label,
            "count": counts.get(status.value, 0),
            "url": f"{base}?status={status.value}",
        }
        for status in STATUSES
    ]
