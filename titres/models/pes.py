"""The record of each PES flux produced for a batch: who, when, its name, size and SHA-256."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ligeris.lib.fields import user_field
from ligeris.lib.final import FinalRowsManager
from ligeris.lib.scopes import scoped_manager
from titres.models.documents import WriteOnce
from titres.models.titres import TitreBatch


class PesExport(WriteOnce):
    """One download of a batch's PES flux; the bytes are not kept, the same batch gives them
    again (the hash tells whether they are the same)."""

    batch = models.ForeignKey(
        TitreBatch,
        verbose_name=_("bordereau"),
        on_delete=models.PROTECT,
        related_name="pes_exports",
    )
    file_name = models.CharField(_("nom du fichier"), max_length=100)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("taille (octets)"))
    created_at = models.DateTimeField(_("produit le"), auto_now_add=True)
    created_by = user_field(_("produit par"))

    objects = scoped_manager("batch__fiscal_year__consortium", FinalRowsManager)

    class Meta:
        db_table = "billing_pesexport"
        verbose_name = _("export PES")
        verbose_name_plural = _("exports PES")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.sha256[:12]}…)"
