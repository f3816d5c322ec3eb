import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.models import ActionStatus, Body, Decision, DecisionKind, DecisionResult


class DecisionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Recherche"), method="search")
    body = django_filters.ModelChoiceFilter(
        label=_("Instance"), queryset=Body.objects.all(), field_name="item__meeting__body"
    )
    kind = django_filters.ChoiceFilter(label=_("Objet"), choices=DecisionKind.choices)
    result = django_filters.ChoiceFilter(label=_("Résultat"), choices=DecisionResult.choices)
    year = django_filters.NumberFilter(
        label=_("Année"), field_name="item__meeting__starts_at", lookup_expr="year"
    )

    class Meta:
        model = Decision
        fields = ["q", "body", "kind", "result", "year"]

    def __init__(self, *args, bodies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if bodies is not None:
            self.filters["body"].queryset = bodies

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(item__title__icontains=value) | Q(motion__icontains=value) | Q(rule__icontains=value)
        )


class ActionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("État"), choices=ActionStatus.choices)
    overdue = django_filters.BooleanFilter(label=_("En retard"), method="only_overdue")

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def only_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(status__in=("open", "in_progress"), due_on__lt=self.today)
