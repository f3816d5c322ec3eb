from django.urls import path

from titres.views import pes

# Mounted at the same prefix as billing's pages ("finances/"): the paths did not change.
app_name = "titres"

urlpatterns = [
    path("titres/bordereaux/<int:pk>/pes/", pes.BatchPesView.as_view(), name="batch_pes"),
    path(
        "titres/bordereaux/<int:pk>/import-comptable.csv",
        pes.BatchAccountingCsvView.as_view(),
        name="batch_accounting_csv",
    ),
    path(
        "titres/bordereaux/<int:pk>/import-comptable.xlsx",
        pes.BatchAccountingXlsxView.as_view(),
        name="batch_accounting_xlsx",
    ),
]
