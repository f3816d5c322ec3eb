"""Reads, scoped to what the user may see: a partner user sees its own partner and tenants."""

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from ligeris.lib.roles import STAFF, Role, role_of
from partners.consortia import consortia_of
from partners.models import (
    Consortium,
    ContactChange,
    Holding,
    Organisation,
    Partner,
    Person,
    Tenant,
)


def acting_partner_id(user) -> int | None:
    """The partner a partner user acts for; None for coordinator staff."""
    return user.partner_id if role_of(user) == Role.PARTNER else None


def _sees_everything(user) -> bool:
    return role_of(user) in STAFF


def in_consortium(
    rows: QuerySet, user, consortium: Consortium | None, field: str = "consortium"
) -> QuerySet:
    """Staff see the request's consortium's rows (`field` leads from a row to its consortium);
    without one, those of all their consortia."""
    if consortium is not None:
        return rows.filter(**{field: consortium})
    return rows.filter(**{f"{field}__in": consortia_of(user).values("pk")})


def partners_visible_to(user, consortium: Consortium | None = None) -> QuerySet[Partner]:
    partners = Partner.objects.select_related("consortium", "organisation").order_by("name")
    if _sees_everything(user):
        return in_consortium(partners, user, consortium)
    return partners.filter(pk=acting_partner_id(user))


def _holding_count(**condition) -> Coalesce:
    counted = (
        Holding.objects.filter(partner=OuterRef("pk"), **condition)
        .order_by()
        .values("partner")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def partners_with_counts(user, consortium: Consortium | None = None) -> QuerySet[Partner]:
    """Counted per row by subqueries, not a join grouped over every partner: a page of 25 counts
    its 25 partners' holdings, and the page's count(*) reads the partners alone."""
    return partners_visible_to(user, consortium).annotate(
        tenant_count=_holding_count(), paid_count=_holding_count(is_payer=True)
    )


def tenants_visible_to(user, consortium: Consortium | None = None) -> QuerySet[Tenant]:
    tenants = Tenant.objects.select_related("consortium")
    if _sees_everything(user):
        tenants = in_consortium(tenants, user, consortium)
    else:
        # A subquery, not a join: no duplicate rows, so no DISTINCT over every column (which
        # made the list's count and page sort the whole table).
        held = Holding.objects.filter(partner_id=acting_partner_id(user)).values("tenant_id")
        tenants = tenants.filter(pk__in=held)
    holdings = Holding.objects.select_related("partner").order_by("-is_payer", "partner__name")
    return tenants.prefetch_related(Prefetch("holdings", queryset=holdings))


def contact_changes_visible_to(
    user, consortium: Consortium | None = None
) -> QuerySet[ContactChange]:
    """Staff see the consortium's proposals; a partner user its own partner's."""
    changes = ContactChange.objects.select_related("partner", "replaces", "person")
    if _sees_everything(user):
        return in_consortium(changes, user, consortium, "partner__consortium")
    return changes.filter(partner_id=acting_partner_id(user))


def tenant_payer(tenant: Tenant) -> Partner | None:
    for holding in tenant.holdings.all():
        if holding.is_payer:
            return holding.partner
    return None


def holdings_of_partner(partner: Partner) -> QuerySet[Holding]:
    return partner.holdings.select_related("tenant").order_by("tenant__code")


def people_of_partner(partner: Partner) -> QuerySet[Person]:
    return partner.people.order_by("role", "last_name")


def current_consortium() -> Consortium | None:
    """The installation's first consortium: for commands and demos that run outside a request
    when there is only one (views read the request's: `partners.consortia`)."""
    return Consortium.objects.select_related("coordinator").order_by("pk").first()


def current_consortium_or_404() -> Consortium:
    """The current consortium, or "not found" for a page that needs one before it is set up."""
    consortium = current_consortium()
    if consortium is None:
        raise Http404(_("Aucun groupement n'est encore configuré."))
    return consortium


def _entries(condition: Q) -> QuerySet[LogEntry]:
    return LogEntry.objects.filter(condition).select_related("actor").order_by("-timestamp", "-pk")


def _of(model, **additional) -> Q:
    content_type = ContentType.objects.get_for_model(model)
    return Q(
        content_type=content_type, **{f"additional_data__{k}": v for k, v in additional.items()}
    )


def history_of(obj) -> QuerySet[LogEntry]:
    """Audit entries of one object, newest first."""
    content_type = ContentType.objects.get_for_model(type(obj))
    return _entries(Q(content_type=content_type, object_pk=str(obj.pk)))


def history_of_partner(partner: Partner) -> QuerySet[LogEntry]:
    """The partner's own changes, its organisation's (SIRET, address), and those of its holdings
    and people (removed ones too)."""
    own = Q(content_type=ContentType.objects.get_for_model(Partner), object_pk=str(partner.pk))
    legal = Q(
        content_type=ContentType.objects.get_for_model(Organisation),
        object_pk=str(partner.organisation_id),
    )
    holdings, people = _of(Holding, partner_id=partner.pk), _of(Person, partner_id=partner.pk)
    return _entries(own | legal | holdings | people)


def history_of_tenant(tenant: Tenant) -> QuerySet[LogEntry]:
    own = Q(content_type=ContentType.objects.get_for_model(Tenant), object_pk=str(tenant.pk))
    return _entries(own | _of(Holding, tenant_id=tenant.pk))


#: Article 11: the coordinator consults the partners at least six months before the end.
TERM_ALERT_MONTHS = 6


def add_months(day, months: int):
    """The same day `months` later, or the month's last day when it has none (31 → 30)."""
    import calendar

    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return day.replace(year=year, month=month + 1, day=min(day.day, last))


def current_convention(consortium: Consortium):
    """The convention in force: the latest to have started."""
    return consortium.conventions.order_by("-starts_on", "-pk").first()


def term_alert(consortium: Consortium | None, today) -> dict | None:
    """From six months before the current end: the end and when the consultation is due.

    None when no convention ends within six months of `today` (or it is already over).
    """
    if consortium is None:
        return None
    convention = current_convention(consortium)
    if convention is None:
        return None
    end = convention.current_end(today)
    if end is None or end < today:
        return None
    consult_by = add_months(end, -TERM_ALERT_MONTHS)
    if today < consult_by:
        return None
    return {"convention": convention, "ends_on": end, "consult_by": consult_by}
