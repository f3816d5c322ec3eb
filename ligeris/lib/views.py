"""View plumbing shared by the apps: thin views hand the work to a service."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django_tables2.export.views import ExportMixin

from ligeris.lib.exports import SafeTableExport


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form, on the field it names when the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ServiceFormMixin:
    """`form_valid` calls `perform(form)`; a refusal from the service goes back on the form.

    The service runs in its own transaction, so a refused change has saved nothing.
    """

    success_message = ""

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.object = self.perform(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())


class TableExportMixin(ExportMixin):
    export_class = SafeTableExport
    export_formats = ("csv", "xlsx")
