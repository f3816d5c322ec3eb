"""The files of the convention's events. One module per event kind."""

from django.urls import path

from membership.views import admission

app_name = "membership"

urlpatterns: list = [
    # admission
    path("candidatures/", admission.CandidacyListView.as_view(), name="candidacy_list"),
    path(
        "candidatures/nouvelle/",
        admission.CandidacyCreateView.as_view(),
        name="candidacy_create",
    ),
    path(
        "candidatures/<int:pk>/", admission.CandidacyDetailView.as_view(), name="candidacy_detail"
    ),
    path(
        "candidatures/<int:pk>/modifier/",
        admission.CandidacyUpdateView.as_view(),
        name="candidacy_update",
    ),
    path(
        "candidatures/<int:pk>/tenants/ajouter/",
        admission.RequestedTenantCreateView.as_view(),
        name="requested_tenant_create",
    ),
    path(
        "candidatures/tenants/<int:pk>/retirer/",
        admission.RequestedTenantRemoveView.as_view(),
        name="requested_tenant_remove",
    ),
    path(
        "candidatures/<int:pk>/copil/",
        admission.CandidacyPutToCopilView.as_view(),
        name="candidacy_put_to_copil",
    ),
    path(
        "candidatures/<int:pk>/simulation/",
        admission.CandidacySimulationView.as_view(),
        name="candidacy_simulation",
    ),
    path(
        "candidatures/<int:pk>/simulation.xlsx",
        admission.CandidacySimulationXlsxView.as_view(),
        name="candidacy_simulation_xlsx",
    ),
    path(
        "candidatures/<int:pk>/simulation.pdf",
        admission.CandidacySimulationPdfView.as_view(),
        name="candidacy_simulation_pdf",
    ),
]
