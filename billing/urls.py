from django.urls import path

from billing.views import allocation, batches, orders, recap, setup, titre_forms, titres

app_name = "billing"

urlpatterns = [
    path("", setup.IndexView.as_view(), name="index"),
    path("exercices/nouveau/", setup.FiscalYearCreateView.as_view(), name="year_create"),
    path("exercices/<int:year>/", setup.FiscalYearDetailView.as_view(), name="year_detail"),
    path(
        "exercices/<int:year>/grille/lignes/nouvelle/",
        setup.TariffLineCreateView.as_view(),
        name="tariff_line_create",
    ),
    path("exercices/<int:year>/grille/reprendre/", setup.GridCopyView.as_view(), name="grid_copy"),
    path(
        "grille/lignes/<int:pk>/modifier/",
        setup.TariffLineUpdateView.as_view(),
        name="tariff_line_update",
    ),
    path(
        "grille/lignes/<int:pk>/supprimer/",
        setup.TariffLineDeleteView.as_view(),
        name="tariff_line_delete",
    ),
    path("depenses/<int:pk>/modifier/", setup.ExpenseUpdateView.as_view(), name="expense_update"),
    path("depenses/<int:pk>/supprimer/", setup.ExpenseDeleteView.as_view(), name="expense_delete"),
    path(
        "exercices/<int:year>/postes/nouveau/",
        setup.CostPoolCreateView.as_view(),
        name="pool_create",
    ),
    path("postes/<int:pk>/", setup.CostPoolDetailView.as_view(), name="pool_detail"),
    path("postes/<int:pk>/modifier/", setup.CostPoolUpdateView.as_view(), name="pool_update"),
    path(
        "postes/<int:pk>/depenses/nouvelle/",
        setup.ExpenseCreateView.as_view(),
        name="expense_create",
    ),
    path(
        "postes/<int:pk>/temps-rh/nouveau/",
        setup.StaffTimeCreateView.as_view(),
        name="staff_time_create",
    ),
    path(
        "temps-rh/<int:pk>/modifier/",
        setup.StaffTimeUpdateView.as_view(),
        name="staff_time_update",
    ),
    path(
        "temps-rh/<int:pk>/supprimer/",
        setup.StaffTimeDeleteView.as_view(),
        name="staff_time_delete",
    ),
    path("volumetrie/", allocation.VolumeListView.as_view(), name="volume_list"),
    path("volumetrie/nouveau/", allocation.VolumeCreateView.as_view(), name="volume_create"),
    path(
        "volumetrie/<int:pk>/modifier/",
        allocation.VolumeUpdateView.as_view(),
        name="volume_update",
    ),
    path("volumetrie/importer/", allocation.VolumeImportView.as_view(), name="volume_import"),
    path(
        "volumetrie/imports/<int:pk>/importer/",
        allocation.VolumeImportApplyView.as_view(),
        name="volume_import_apply",
    ),
    path(
        "exercices/<int:year>/repartitions/nouvelle/",
        allocation.RunCreateView.as_view(),
        name="run_create",
    ),
    path("repartitions/<int:pk>/", allocation.RunDetailView.as_view(), name="run_detail"),
    path("quotes-parts/", allocation.MySharesView.as_view(), name="my_shares"),
    path("quotes-parts/<int:pk>/", allocation.ShareDetailView.as_view(), name="share_detail"),
    path(
        "exercices/<int:year>/regularisation/",
        allocation.TrueUpView.as_view(),
        name="trueup",
    ),
    path("exercices/<int:year>/recapitulatif/", recap.RecapView.as_view(), name="recap"),
    path(
        "exercices/<int:year>/recapitulatif/repartition/",
        recap.RecapRowsView.as_view(),
        name="recap_rows",
    ),
    path(
        "exercices/<int:year>/recapitulatif.xlsx", recap.RecapXlsxView.as_view(), name="recap_xlsx"
    ),
    path(
        "exercices/<int:year>/recapitulatif/classeur/",
        recap.RecapExportView.as_view(),
        name="recap_export",
    ),
    path(
        "exercices/<int:year>/recapitulatif/classeur/avancement/",
        recap.RecapExportProgressView.as_view(),
        name="recap_export_progress",
    ),
    path("exercices/<int:year>/recapitulatif.pdf", recap.RecapPdfView.as_view(), name="recap_pdf"),
    path("titres/", titres.TitreListView.as_view(), name="titre_list"),
    path("titres/parametres/", titres.TitreSettingsView.as_view(), name="titre_settings"),
    path("titres/impayes/", titres.OverdueView.as_view(), name="overdue"),
    path("titres/<int:pk>/", titres.TitreDetailView.as_view(), name="titre_detail"),
    path("titres/<int:pk>/pdf/", titres.TitrePdfView.as_view(), name="titre_pdf"),
    path(
        "titres/<int:pk>/paiements/nouveau/",
        titre_forms.PaymentCreateView.as_view(),
        name="payment_create",
    ),
    path(
        "titres/<int:pk>/paiements/<int:payment>/contre-passer/",
        titre_forms.PaymentReverseView.as_view(),
        name="payment_reverse",
    ),
    path(
        "titres/<int:pk>/remboursements/nouveau/",
        titre_forms.RefundCreateView.as_view(),
        name="refund_create",
    ),
    path("titres/<int:pk>/corriger/", titre_forms.TitreCorrectView.as_view(), name="titre_correct"),
    path(
        "titres/<int:pk>/recouvrement/",
        titres.TitreRecoveryView.as_view(),
        name="titre_recovery",
    ),
    path(
        "exercices/<int:year>/titres/nouveaux/",
        batches.DraftsFromRunView.as_view(),
        name="drafts_from_run",
    ),
    path(
        "exercices/<int:year>/regularisation/titres/",
        batches.DraftsFromTrueUpView.as_view(),
        name="drafts_from_trueup",
    ),
    path("titres/bordereaux/<int:pk>/", batches.BatchDetailView.as_view(), name="batch_detail"),
    path(
        "titres/bordereaux/<int:pk>/emettre/", batches.BatchIssueView.as_view(), name="batch_issue"
    ),
    path(
        "titres/bordereaux/<int:pk>/supprimer/",
        batches.BatchDeleteView.as_view(),
        name="batch_delete",
    ),
    path(
        "titres/bordereaux/<int:pk>/relancer/",
        batches.BatchResumeView.as_view(),
        name="batch_resume",
    ),
    path(
        "titres/bordereaux/<int:pk>/progression/",
        batches.BatchProgressView.as_view(),
        name="batch_progress",
    ),
    path("mes-titres/", titres.MyTitresView.as_view(), name="my_titres"),
    # Purchase orders (articles 5 and 7).
    path("commandes/", orders.OrderListView.as_view(), name="order_list"),
    path("commandes/nouvelle/", orders.OrderCreateView.as_view(), name="order_create"),
    path("commandes/<int:pk>/", orders.OrderDetailView.as_view(), name="order_detail"),
    path("commandes/<int:pk>/modifier/", orders.OrderUpdateView.as_view(), name="order_update"),
    path("commandes/<int:pk>/soumettre/", orders.OrderSubmitView.as_view(), name="order_submit"),
    path("commandes/<int:pk>/retirer/", orders.OrderWithdrawView.as_view(), name="order_withdraw"),
    path("commandes/<int:pk>/emettre/", orders.OrderIssueView.as_view(), name="order_issue"),
    path(
        "commandes/<int:pk>/renvoyer/",
        orders.OrderRequestChangesView.as_view(),
        name="order_request_changes",
    ),
    path("commandes/<int:pk>/refuser/", orders.OrderRefuseView.as_view(), name="order_refuse"),
    path("commandes/<int:pk>/pdf/", orders.OrderPdfView.as_view(), name="order_pdf"),
    path(
        "exercices/<int:year>/periode-de-commande/",
        orders.OrderingPeriodView.as_view(),
        name="ordering_period",
    ),
]
