from django.urls import path

from membership.views import timeline

app_name = "membership"

urlpatterns: list = [
    # timeline
    path("", timeline.DashboardView.as_view(), name="dashboard"),
    path(
        "partenaires/<int:pk>/historique/",
        timeline.PartnerTimelineView.as_view(),
        name="partner_timeline",
    ),
    path("mon-historique/", timeline.MyTimelineView.as_view(), name="my_timeline"),
]
