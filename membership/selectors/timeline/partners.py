"""Timeline events read from partners: the record and its status, tenants, holdings, amendments."""

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from membership.selectors.timeline.common import (
    MEMBERSHIP,
    TENANTS,
    audit_entries,
    changed,
    day_of,
)
from membership.timeline_types import TimelineEvent
from partners.models import Amendment, Holding, Partner, PartnerStatus, Tenant
from partners.selectors import holdings_of_partner


def _status_label(value: str) -> str:
    return PartnerStatus(value).label if value in PartnerStatus.values else value


def record_events(partner: Partner) -> list[TimelineEvent]:
    """The partner's record created, then each change of its status (the audit trail)."""
    events = []
    for entry in audit_entries(Partner, [partner.pk]):
        if entry.action == LogEntry.Action.CREATE:
            status = changed(entry, "status")
            title = _("Fiche du partenaire créée")
            if status:
                title = _("Fiche du partenaire créée (statut : %(status)s)") % {
                    "status": _status_label(status[1])
                }
            events.append(TimelineEvent(day_of(entry.timestamp), MEMBERSHIP, title, order=0))
        elif entry.action == LogEntry.Action.UPDATE and (status := changed(entry, "status")):
            title = _("Statut : %(old)s → %(new)s") % {
                "old": _status_label(status[0]),
                "new": _status_label(status[1]),
            }
            events.append(TimelineEvent(day_of(entry.timestamp), MEMBERSHIP, title, order=10))
    return events


def tenant_events(partner: Partner) -> list[TimelineEvent]:
    """Each tenant it holds: opened, deployed (it votes from then on), closed."""
    today = timezone.localdate()
    events = []
    for holding in holdings_of_partner(partner):
        tenant = holding.tenant
        url = tenant.get_absolute_url()
        role = _("payeur") if holding.is_payer else _("codétenteur")
        names = {"code": tenant.code, "name": tenant.name}
        events.append(
            TimelineEvent(
                tenant.opened_on,
                TENANTS,
                _("Ouverture du tenant %(code)s — %(name)s") % names,
                detail=role,
                url=url,
                order=20,
            )
        )
        if tenant.deployed_on:
            events.append(
                TimelineEvent(
                    tenant.deployed_on,
                    TENANTS,
                    _("Déploiement du tenant %(code)s : voix délibérative (article 6)") % names,
                    url=url,
                    is_deadline=tenant.deployed_on > today,
                    order=21,
                )
            )
        if tenant.closed_on:
            events.append(
                TimelineEvent(
                    tenant.closed_on,
                    TENANTS,
                    _("Fermeture du tenant %(code)s — %(name)s") % names,
                    url=url,
                    is_deadline=tenant.closed_on > today,
                    order=29,
                )
            )
    return events


def _tenant_id(entry: LogEntry) -> int | None:
    return (entry.additional_data or {}).get("tenant_id")


def holding_events(partner: Partner) -> list[TimelineEvent]:
    """Tenants it came to hold or stopped holding, and the payer role won or handed over
    (from the audit trail, which keeps removed holdings too)."""
    entries = list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Holding),
            additional_data__partner_id=partner.pk,
        ).order_by("timestamp", "pk")
    )
    tenant_ids = [pk for pk in {_tenant_id(entry) for entry in entries} if pk]
    tenants = Tenant.objects.in_bulk(tenant_ids) if tenant_ids else {}
    # The holdings a tenant is born with belong to its opening, told by tenant_events.
    born = (
        {
            int(pk): day_of(moment)
            for pk, moment in audit_entries(Tenant, tenant_ids)
            .filter(action=LogEntry.Action.CREATE)
            .values_list("object_pk", "timestamp")
        }
        if tenant_ids
        else {}
    )
    events = []
    for entry in entries:
        tenant = tenants.get(_tenant_id(entry))
        code = tenant.code if tenant else entry.object_repr
        url = tenant.get_absolute_url() if tenant else ""
        payer = changed(entry, "is_payer")
        if entry.action == LogEntry.Action.CREATE:
            if born.get(_tenant_id(entry)) == day_of(entry.timestamp):
                continue
            title = (
                _("Détient le tenant %(code)s, comme payeur")
                if payer and payer[1] == "True"
                else _("Détient le tenant %(code)s")
            )
        elif entry.action == LogEntry.Action.DELETE:
            title = _("Ne détient plus le tenant %(code)s")
        elif payer:
            title = (
                _("Devient le payeur (interlocuteur financier unique) du tenant %(code)s")
                if payer[1] == "True"
                else _("N'est plus le payeur du tenant %(code)s")
            )
        else:
            continue
        events.append(
            TimelineEvent(
                day_of(entry.timestamp), TENANTS, title % {"code": code}, url=url, order=25
            )
        )
    return events


def amendment_events(partner: Partner) -> list[TimelineEvent]:
    """The convention's amendments naming it: signed, then in force."""
    today = timezone.localdate()
    url = reverse("partners:consortium")
    events = []
    for amendment in Amendment.objects.filter(partner=partner).order_by("number"):
        names = {"number": amendment.number, "title": amendment.title}
        if amendment.signed_on:
            events.append(
                TimelineEvent(
                    amendment.signed_on,
                    MEMBERSHIP,
                    _("Avenant n° %(number)s signé : %(title)s") % names,
                    detail=amendment.get_kind_display(),
                    url=url,
                    is_deadline=amendment.signed_on > today,
                    order=40,
                )
            )
        if amendment.effective_on:
            events.append(
                TimelineEvent(
                    amendment.effective_on,
                    MEMBERSHIP,
                    _("Avenant n° %(number)s en vigueur : %(title)s") % names,
                    detail=amendment.get_kind_display(),
                    url=url,
                    is_deadline=amendment.effective_on > today,
                    order=41,
                )
            )
    return events
