from django.urls import path

from partners import consortium_views, contact_views, views

app_name = "partners"

urlpatterns = [
    path("groupement/", views.ConsortiumView.as_view(), name="consortium"),
    path(
        "groupement/choisir/",
        consortium_views.ConsortiumSwitchView.as_view(),
        name="consortium_switch",
    ),
    path(
        "groupement/conventions/nouvelle/",
        views.ConventionCreateView.as_view(),
        name="convention_create",
    ),
    path(
        "groupement/conventions/<int:pk>/modifier/",
        views.ConventionUpdateView.as_view(),
        name="convention_update",
    ),
    path(
        "groupement/conventions/<int:pk>/avenants/nouveau/",
        views.AmendmentCreateView.as_view(),
        name="amendment_create",
    ),
    path("partenaires/", views.PartnerListView.as_view(), name="partner_list"),
    path("partenaires/nouveau/", views.PartnerCreateView.as_view(), name="partner_create"),
    path("partenaires/<int:pk>/", views.PartnerDetailView.as_view(), name="partner_detail"),
    path(
        "partenaires/<int:pk>/modifier/", views.PartnerUpdateView.as_view(), name="partner_update"
    ),
    path(
        "partenaires/<int:pk>/interlocuteurs/nouveau/",
        views.PersonCreateView.as_view(),
        name="person_create",
    ),
    path("tenants/", views.TenantListView.as_view(), name="tenant_list"),
    path("tenants/nouveau/", views.TenantCreateView.as_view(), name="tenant_create"),
    path("tenants/<int:pk>/", views.TenantDetailView.as_view(), name="tenant_detail"),
    path("tenants/<int:pk>/modifier/", views.TenantUpdateView.as_view(), name="tenant_update"),
    path(
        "tenants/<int:pk>/detenteurs/nouveau/",
        views.HoldingCreateView.as_view(),
        name="holding_create",
    ),
    path(
        "detentions/<int:pk>/payeur/",
        views.HoldingActionView.as_view(action="make_payer"),
        name="holding_make_payer",
    ),
    path(
        "detentions/<int:pk>/retirer/",
        views.HoldingActionView.as_view(action="remove"),
        name="holding_remove",
    ),
    path(
        "interlocuteurs/changements/",
        contact_views.ContactChangeListView.as_view(),
        name="contact_change_list",
    ),
    path(
        "interlocuteurs/changements/proposer/",
        contact_views.ContactChangeCreateView.as_view(),
        name="contact_change_create",
    ),
    path(
        "interlocuteurs/changements/<int:pk>/valider/",
        contact_views.ContactChangeValidateView.as_view(),
        name="contact_change_validate",
    ),
    path(
        "interlocuteurs/changements/<int:pk>/refuser/",
        contact_views.ContactChangeRejectView.as_view(),
        name="contact_change_reject",
    ),
]
