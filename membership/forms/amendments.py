"""Recording a party's approving deliberation (art. 10)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from partners.forms import DateInputsMixin

#: The scan of a deliberation: a PDF or a picture of it, 10 Mo at most.
SCAN_FORMATS = {"pdf": b"%PDF-", "png": b"\x89PNG\r\n\x1a\n", "jpg": b"\xff\xd8\xff"}
SCAN_FORMATS["jpeg"] = SCAN_FORMATS["jpg"]
SCAN_MAX_BYTES = 10 * 1024 * 1024


class ApprovalForm(DateInputsMixin, forms.Form):
    approving_body = forms.CharField(
        label=_("Instance ayant délibéré"),
        max_length=200,
        help_text=_("Par ex. « Conseil municipal », « Commission permanente »."),
    )
    approved_on = forms.DateField(label=_("Date de la délibération"))
    deliberation_number = forms.CharField(
        label=_("Numéro de la délibération"), max_length=50, required=False
    )
    scan = forms.FileField(
        label=_("Délibération numérisée"),
        required=False,
        help_text=_("PDF, PNG ou JPEG, 10 Mo au plus."),
    )
    effective_on = forms.DateField(
        label=_("Date d'effet de l'avenant"),
        required=False,
        help_text=_(
            "Pour la dernière approbation seulement : vide, l'avenant prend effet à la date de "
            "la dernière délibération."
        ),
    )

    def clean_scan(self):
        upload = self.cleaned_data.get("scan")
        if not upload:
            return upload
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        magic = SCAN_FORMATS.get(extension)
        if magic is None:
            raise forms.ValidationError(_("Format refusé : joignez un PDF, un PNG ou un JPEG."))
        if upload.size > SCAN_MAX_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 10 Mo."))
        upload.seek(0)
        head = upload.read(len(magic))
        upload.seek(0)
        if head != magic:
            raise forms.ValidationError(
                _("Le fichier n'est pas un %(format)s valide.") % {"format": extension.upper()}
            )
        return upload
