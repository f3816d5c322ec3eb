"""A partner's withdrawal notice (article 8): received by registered letter, effective later."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ligeris.lib.scopes import scoped_manager
from partners.models import Partner

SCAN_MAX_BYTES = 5 * 1024 * 1024
SCAN_EXTENSIONS = ("pdf", "png", "jpg", "jpeg")
#: The first bytes of each accepted scan format: the extension alone proves nothing.
SCAN_SIGNATURES = (b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


def validate_scan(upload) -> None:
    """A scan is a PDF, PNG or JPEG file of at most 5 Mo, checked on its first bytes."""
    if upload.size > SCAN_MAX_BYTES:
        raise ValidationError(_("Le fichier dépasse 5 Mo."))
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in SCAN_SIGNATURES):
        raise ValidationError(_("Le fichier doit être un PDF, un PNG ou un JPEG."))


def _scan_path(instance: "WithdrawalNotice", filename: str) -> str:
    return f"membership/notices/{instance.partner_id}/{filename}"


class WithdrawalNotice(models.Model):
    partner = models.OneToOneField(
        Partner,
        verbose_name=_("partenaire"),
        on_delete=models.PROTECT,
        related_name="withdrawal_notice",
    )
    received_on = models.DateField(_("préavis reçu le"))
    reference = models.CharField(_("référence du recommandé"), max_length=100, blank=True)
    scan = models.FileField(
        _("courrier numérisé"),
        upload_to=_scan_path,
        blank=True,
        validators=[FileExtensionValidator(SCAN_EXTENSIONS), validate_scan],
    )
    effective_on = models.DateField(_("date d'effet du retrait"))
    applied_at = models.DateTimeField(_("retrait appliqué le"), null=True, blank=True)
    data_requested_on = models.DateField(_("restitution demandée le"), null=True, blank=True)
    data_delivered_on = models.DateField(_("données remises le"), null=True, blank=True)
    data_confirmed_on = models.DateField(_("réception confirmée le"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enregistré par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)

    objects = scoped_manager("partner__consortium")

    class Meta:
        verbose_name = _("préavis de retrait")
        verbose_name_plural = _("préavis de retrait")
        ordering = ["effective_on", "partner__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_on__gt=F("received_on")),
                name="notice_effective_after_receipt",
                violation_error_message=_("Le retrait prend effet après la réception du préavis."),
            ),
            models.CheckConstraint(
                condition=Q(data_delivered_on__isnull=True)
                | Q(data_requested_on__isnull=False, data_delivered_on__gte=F("data_requested_on")),
                name="notice_data_delivered_after_request",
                violation_error_message=_(
                    "Les données sont remises après la demande de restitution."
                ),
            ),
            models.CheckConstraint(
                condition=Q(data_confirmed_on__isnull=True)
                | Q(data_delivered_on__isnull=False, data_confirmed_on__gte=F("data_delivered_on")),
                name="notice_data_confirmed_after_delivery",
                violation_error_message=_("La réception se confirme après la remise des données."),
            ),
        ]

    def __str__(self) -> str:
        return _("Retrait de %(partner)s au %(day)s") % {
            "partner": self.partner,
            "day": self.effective_on.strftime("%d/%m/%Y"),
        }

    def get_absolute_url(self) -> str:
        return reverse("membership:notice_detail", args=[self.pk])
