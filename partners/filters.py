import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partners.models import Holding, Partner, PartnerKind, PartnerStatus, Tenant


class PartnerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Recherche"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Catégorie"), choices=PartnerKind.choices)
    status = django_filters.ChoiceFilter(label=_("Statut"), choices=PartnerStatus.choices)

    class Meta:
        model = Partner
        fields = ["q", "kind", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(short_name__icontains=value)
            | Q(organisation__siret__contains=value.replace(" ", ""))
            | Q(organisation__city__icontains=value)
        )


class TenantFilter(django_filters.FilterSet):
    STATES = (
        ("deployed", _("Déployé")),
        ("not_deployed", _("Ouvert, pas encore déployé")),
        ("closed", _("Fermé")),
    )
    q = django_filters.CharFilter(label=_("Recherche"), method="search")
    state = django_filters.ChoiceFilter(label=_("État"), choices=STATES, method="by_state")
    # A search field, not a select: at 2,000 partners the options alone weighed 147 KB.
    holder = django_filters.CharFilter(
        label=_("Détenteur"),
        method="by_holder",
        help_text=_("Nom, nom court ou SIRET d'un partenaire détenteur."),
    )

    class Meta:
        model = Tenant
        fields = ["q", "state", "holder"]

    def __init__(self, *args, partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.partners = partners if partners is not None else Partner.objects.all()
        widget = self.filters["holder"].field.widget
        widget.input_type = "search"
        widget.attrs.update({"placeholder": _("ex. Blois")})

    def by_holder(self, queryset, name, value):
        value = value.strip()
        matching = self.partners.filter(
            Q(name__icontains=value)
            | Q(short_name__icontains=value)
            | Q(organisation__siret__contains=value.replace(" ", ""))
        )
        held = Holding.objects.filter(partner__in=matching.values("pk")).values("tenant_id")
        return queryset.filter(pk__in=held)

    def search(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))

    def by_state(self, queryset, name, value):
        if value == "deployed":
            return queryset.filter(deployed_on__isnull=False, closed_on__isnull=True)
        if value == "not_deployed":
            return queryset.filter(deployed_on__isnull=True, closed_on__isnull=True)
        return queryset.filter(closed_on__isnull=False)
