from django.urls import path

from programme.views import meetings, workstreams

app_name = "programme"

urlpatterns = [
    path("chantiers/", workstreams.WorkstreamListView.as_view(), name="workstream_list"),
    path(
        "chantiers/nouveau/", workstreams.WorkstreamCreateView.as_view(), name="workstream_create"
    ),
    path(
        "chantiers/<int:pk>/", workstreams.WorkstreamDetailView.as_view(), name="workstream_detail"
    ),
    path(
        "chantiers/<int:pk>/modifier/",
        workstreams.WorkstreamUpdateView.as_view(),
        name="workstream_update",
    ),
    path(
        "chantiers/<int:pk>/membres/ajouter/",
        workstreams.MemberCreateView.as_view(),
        name="member_create",
    ),
    path(
        "chantiers/<int:pk>/livrables/ajouter/",
        workstreams.DeliverableCreateView.as_view(),
        name="deliverable_create",
    ),
    path(
        "livrables/<int:pk>/modifier/",
        workstreams.DeliverableUpdateView.as_view(),
        name="deliverable_update",
    ),
    path(
        "livrables/<int:pk>/document/",
        workstreams.DeliverableDocumentView.as_view(),
        name="deliverable_document",
    ),
    path(
        "seances/<int:pk>/suivi-des-chantiers/",
        meetings.ReviewSheetView.as_view(),
        name="review_sheet",
    ),
    path("secretariat-tournant/", meetings.RotaView.as_view(), name="rota"),
    path(
        "secretariat-tournant/<int:pk>/retirer/",
        meetings.RotaRemoveView.as_view(),
        name="rota_remove",
    ),
    path("seances/<int:pk>/secretariat/", meetings.SecretariatView.as_view(), name="secretariat"),
    path(
        "seances/<int:pk>/invites/ajouter/", meetings.GuestCreateView.as_view(), name="guest_create"
    ),
    path("invites/<int:pk>/retirer/", meetings.GuestRemoveView.as_view(), name="guest_remove"),
    path(
        "seances/<int:pk>/enregistrements/ajouter/",
        meetings.RecordingCreateView.as_view(),
        name="recording_create",
    ),
    path(
        "enregistrements/<int:pk>/",
        meetings.RecordingDownloadView.as_view(),
        name="recording_download",
    ),
]
