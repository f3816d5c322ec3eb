from django.urls import path

from governance.views import bodies, meeting_steps, meetings, records, requests

app_name = "governance"

urlpatterns = [
    path("instances/", bodies.BodyListView.as_view(), name="body_list"),
    path("instances/nouvelle/", bodies.BodyCreateView.as_view(), name="body_create"),
    path("instances/<int:pk>/", bodies.BodyDetailView.as_view(), name="body_detail"),
    path("instances/<int:pk>/modifier/", bodies.BodyUpdateView.as_view(), name="body_update"),
    path("instances/<int:pk>/sieges/ajouter/", bodies.SeatCreateView.as_view(), name="seat_create"),
    path("sieges/<int:pk>/modifier/", bodies.SeatUpdateView.as_view(), name="seat_update"),
    path("sieges/<int:pk>/retirer/", bodies.SeatEndView.as_view(), name="seat_end"),
    path(
        "instances/<int:pk>/seances/nouvelle/",
        meetings.MeetingCreateView.as_view(),
        name="meeting_create",
    ),
    path("seances/", meetings.MeetingListView.as_view(), name="meeting_list"),
    path("seances/<int:pk>/", meetings.MeetingDetailView.as_view(), name="meeting_detail"),
    path("seances/<int:pk>/modifier/", meetings.MeetingUpdateView.as_view(), name="meeting_update"),
    path("seances/<int:pk>/points/ajouter/", meetings.ItemCreateView.as_view(), name="item_create"),
    path("seances/<int:pk>/presences/", meetings.AttendanceView.as_view(), name="attendance"),
    path(
        "seances/<int:pk>/convoquer/",
        meeting_steps.ConvocationSendView.as_view(),
        name="convocation_send",
    ),
    path("seances/<int:pk>/clore/", meeting_steps.MinutesCloseView.as_view(), name="minutes_close"),
    path(
        "seances/<int:pk>/proces-verbal.pdf",
        meeting_steps.MinutesPdfView.as_view(),
        name="minutes_pdf",
    ),
    path(
        "seances/<int:pk>/proces-verbal/",
        meeting_steps.MinutesExportView.as_view(),
        name="minutes_export",
    ),
    path(
        "seances/<int:pk>/proces-verbal/avancement/",
        meeting_steps.MinutesExportProgressView.as_view(),
        name="minutes_export_progress",
    ),
    path("points/<int:pk>/modifier/", meetings.ItemUpdateView.as_view(), name="item_update"),
    path("points/<int:pk>/votes/", meetings.VoteSheetView.as_view(), name="votes"),
    path(
        "points/<int:pk>/votes/detail/",
        meetings.DecisionVotesView.as_view(),
        name="decision_votes",
    ),
    path(
        "points/<int:pk>/documents/ajouter/",
        meetings.DocumentCreateView.as_view(),
        name="document_create",
    ),
    path("documents/<int:pk>/", meetings.DocumentDownloadView.as_view(), name="document_download"),
    path(
        "points/<int:pk>/actions/ajouter/", records.ActionCreateView.as_view(), name="action_create"
    ),
    path("decisions/", records.DecisionListView.as_view(), name="decision_list"),
    path(
        "decisions/<int:pk>/groupe-de-travail/",
        bodies.WorkingGroupCreateView.as_view(),
        name="working_group_create",
    ),
    path("actions/", records.ActionListView.as_view(), name="action_list"),
    path("actions/<int:pk>/modifier/", records.ActionUpdateView.as_view(), name="action_update"),
    path("frequence/", records.FrequencyView.as_view(), name="frequency"),
    path("frequence/clore-annee/", bodies.YearCloseView.as_view(), name="year_close"),
    path("demandes/", requests.MeetingRequestListView.as_view(), name="meeting_request_list"),
    path(
        "demandes/nouvelle/",
        requests.MeetingRequestCreateView.as_view(),
        name="meeting_request_create",
    ),
    path(
        "demandes/<int:pk>/programmer/",
        requests.MeetingRequestScheduleView.as_view(),
        name="meeting_request_schedule",
    ),
    path(
        "demandes/<int:pk>/repondre/",
        requests.MeetingRequestAnswerView.as_view(),
        name="meeting_request_answer",
    ),
]
