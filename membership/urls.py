from django.urls import path

from membership.views import amendments

app_name = "membership"

urlpatterns: list = [
    # amendments
    path("avenants/", amendments.AmendmentListView.as_view(), name="amendment_list"),
    path("avenants/<int:pk>/", amendments.AmendmentDetailView.as_view(), name="amendment_detail"),
    path("avenants/<int:pk>/pdf/", amendments.AmendmentPdfView.as_view(), name="amendment_pdf"),
    path(
        "avenants/parties/<int:pk>/approbation/",
        amendments.ApprovalRecordView.as_view(),
        name="amendment_approval",
    ),
    path(
        "avenants/parties/<int:pk>/deliberation/",
        amendments.ApprovalScanView.as_view(),
        name="amendment_scan",
    ),
]
