from django.urls import path

from membership.views import withdrawal

app_name = "membership"

urlpatterns: list = [
    # withdrawal
    path("retraits/", withdrawal.NoticeListView.as_view(), name="notice_list"),
    path(
        "partenaires/<int:pk>/retrait/",
        withdrawal.NoticeCreateView.as_view(),
        name="notice_create",
    ),
    path("retraits/<int:pk>/", withdrawal.NoticeDetailView.as_view(), name="notice_detail"),
    path(
        "retraits/<int:pk>/restitution/",
        withdrawal.NoticeMilestonesView.as_view(),
        name="notice_milestones",
    ),
    path("retraits/<int:pk>/courrier/", withdrawal.NoticeScanView.as_view(), name="notice_scan"),
]
