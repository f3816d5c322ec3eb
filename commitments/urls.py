from django.urls import path

from commitments import views

app_name = "commitments"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("engagements/nouveau/", views.CommitmentCreateView.as_view(), name="commitment_create"),
    path("referents/nouveau/", views.ReferentSetView.as_view(), name="referent_set"),
    path("demandes/", views.RequestListView.as_view(), name="request_list"),
    path("demandes/nouvelle/", views.RequestCreateView.as_view(), name="request_create"),
    path("demandes/<int:pk>/", views.RequestDetailView.as_view(), name="request_detail"),
    path("demandes/<int:pk>/suivi/", views.RequestUpdateView.as_view(), name="request_update"),
    path("rapport/", views.ReportView.as_view(), name="report"),
]
