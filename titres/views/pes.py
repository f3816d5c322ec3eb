"""Downloads of an issued batch for the accountant: its PES flux, and the accounting import file."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views.generic import View

from ligeris.lib.permissions import RoleRequiredMixin
from ligeris.lib.roles import MANAGERS
from partners.consortia import request_consortium_or_404
from titres.models import TitreBatch
from titres.pes import accounting, services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _batch(request, pk: int) -> TitreBatch:
    batches = TitreBatch.objects.filter(fiscal_year__consortium=request_consortium_or_404(request))
    return get_object_or_404(batches.select_related("fiscal_year"), pk=pk)


def _attachment(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


class BatchDownloadView(RoleRequiredMixin, View):
    """A file of the batch; a refusal goes back to the batch page with its reasons."""

    allowed_roles = MANAGERS

    def produce(self, batch: TitreBatch) -> HttpResponse:
        raise NotImplementedError

    def get(self, request, pk):
        batch = _batch(self.request, pk)
        try:
            return self.produce(batch)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(batch.get_absolute_url())


class BatchPesView(BatchDownloadView):
    """The PES V2 flux (PES_Aller, ISO-8859-1) for Hélios, validated, each export recorded."""

    def produce(self, batch):
        name, content = services.pes_export(batch=batch, user=self.request.user)
        return _attachment(content, "application/xml; charset=ISO-8859-1", name)


class BatchAccountingCsvView(BatchDownloadView):
    def produce(self, batch):
        content = accounting.to_csv(accounting.rows(batch))
        name = f"{accounting.file_stem(batch)}.csv"
        return _attachment(content, "text/csv; charset=utf-8", name)


class BatchAccountingXlsxView(BatchDownloadView):
    def produce(self, batch):
        content = accounting.to_xlsx(accounting.rows(batch))
        return _attachment(content, XLSX, f"{accounting.file_stem(batch)}.xlsx")
