"""The files of the convention's events. One module per event kind."""

from django.urls import path

from membership.views import (
    admission,
    amendments,
    deliberations,
    exclusion,
    inbox,
    timeline,
    withdrawal,
)

app_name = "membership"

urlpatterns: list = [
    # exclusion
    path("exclusions/", exclusion.ExclusionListView.as_view(), name="exclusion_list"),
    path("exclusions/nouvelle/", exclusion.ExclusionCreateView.as_view(), name="exclusion_create"),
    path("exclusions/<int:pk>/", exclusion.ExclusionDetailView.as_view(), name="exclusion_detail"),
    path(
        "exclusions/<int:pk>/copil/",
        exclusion.ExclusionScheduleView.as_view(),
        name="exclusion_schedule",
    ),
    path(
        "exclusions/<int:pk>/lettre/",
        exclusion.ExclusionLetterView.as_view(),
        name="exclusion_letter",
    ),
    path(
        "exclusions/<int:pk>/lettre.pdf",
        exclusion.ExclusionLetterPdfView.as_view(),
        name="exclusion_letter_pdf",
    ),
    path(
        "exclusions/<int:pk>/reception/",
        exclusion.ExclusionReceiptView.as_view(),
        name="exclusion_receipt",
    ),
    path(
        "exclusions/<int:pk>/frais/",
        exclusion.ExclusionCostsView.as_view(),
        name="exclusion_costs",
    ),
    # timeline
    path("", timeline.DashboardView.as_view(), name="dashboard"),
    path(
        "partenaires/<int:pk>/historique/",
        timeline.PartnerTimelineView.as_view(),
        name="partner_timeline",
    ),
    path("mon-historique/", timeline.MyTimelineView.as_view(), name="my_timeline"),
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
    # deliberations uploaded from the portal
    path("deliberations/", deliberations.DeliberationListView.as_view(), name="deliberation_list"),
    path(
        "avenants/<int:pk>/ma-deliberation/",
        deliberations.DeliberationSubmitView.as_view(),
        name="deliberation_submit",
    ),
    path(
        "deliberations/<int:pk>/enregistrer/",
        deliberations.DeliberationRecordView.as_view(),
        name="deliberation_record",
    ),
    path(
        "deliberations/<int:pk>/refuser/",
        deliberations.DeliberationRejectView.as_view(),
        name="deliberation_reject",
    ),
    path(
        "deliberations/<int:pk>/pdf/",
        deliberations.DeliberationPdfView.as_view(),
        name="deliberation_pdf",
    ),
    # the partner's inbox
    path("ma-boite/", inbox.InboxView.as_view(), name="inbox"),
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
