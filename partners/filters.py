import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partners.models import Partner, PartnerKind, PartnerStatus, Tenant


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
            | Q(siret__contains=value.replace(" ", ""))
            | Q(city__icontains=value)
        )


class TenantFilter(django_filters.FilterSet):
    STATES = (
        ("deployed", _("Déployé")),
        ("not_deployed", _("Ouvert, pas encore déployé")),
        ("closed", _("Fermé")),
    )
    q = django_filters.CharFilter(label=_("Recherche"), method="search")
    state = django_filters.ChoiceFilter(label=_("État"), choices=STATES, method="by_state")
    holder = django_filters.ModelChoiceFilter(
        label=_("Détenteur"), queryset=Partner.objects.all(), field_name="holdings__partner"
    )

    class Meta:
        model = Tenant
        fields = ["q", "state", "holder"]

    def __init__(self, *args, partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if partners is not None:
            self.filters["holder"].queryset = partners

    def search(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))

    def by_state(self, queryset, name, value):
        if value == "deployed":
            return queryset.filter(deployed_on__isnull=False, closed_on__isnull=True)
        if value == "not_deployed":
            return queryset.filter(deployed_on__isnull=True, closed_on__isnull=True)
        return queryset.filter(closed_on__isnull=False)
