import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partners.consortia import request_consortium
from partners.models import BillingMode
from titres.models import RevenueTitle, TitreKind, TitreState


class TitreFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Recherche"), method="search")
    year = django_filters.NumberFilter(
        label=_("Exercice de la répartition"), field_name="fiscal_year__year"
    )
    exercise = django_filters.NumberFilter(label=_("Année d'émission"))
    kind = django_filters.ChoiceFilter(label=_("Nature"), choices=TitreKind.choices)
    state = django_filters.ChoiceFilter(label=_("État"), choices=TitreState.choices)
    unpaid = django_filters.ChoiceFilter(
        label=_("Reste à recouvrer"),
        choices=[("1", _("Oui")), ("0", _("Non"))],
        method="only_unpaid",
    )

    class Meta:
        model = RevenueTitle
        fields = ["q", "year", "exercise", "kind", "state", "unpaid"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        consortium = request_consortium(self.request) if self.request is not None else None
        if consortium is not None and consortium.billing_mode == BillingMode.CATALOGUE:
            # A catalogue bills a year's services (in arrears, the year before the titre's).
            self.filters["year"].label = _("Exercice des services facturés")

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(debtor__name__icontains=value)
            | Q(debtor__short_name__icontains=value)
            | Q(tenant__code__icontains=value)
            | Q(object__icontains=value)
        )

    def only_unpaid(self, queryset, name, value):
        return queryset.filter(balance__gt=0) if value == "1" else queryset.filter(balance__lte=0)
