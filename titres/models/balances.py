"""What is left to pay on each issued titre, kept beside it (issue 17)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ligeris.lib.fields import money_field
from ligeris.lib.scopes import scoped_manager
from partners.models import Consortium
from titres.models.titres import RevenueTitle


class TitreBalance(models.Model):
    """An issued charging titre's corrections, payments, refunds and balance, rewritten from the
    ledger by every service that writes money (`titres.balances.refresh`), so that the overdue
    set reads the few titres left to pay instead of summing every payment of the consortium.
    A row apart from the titre, which stays frozen once issued; the ledger stays the truth
    (`titres.balances.drift` compares the two)."""

    titre = models.OneToOneField(
        RevenueTitle, primary_key=True, on_delete=models.PROTECT, related_name="+"
    )
    consortium = models.ForeignKey(Consortium, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("échéance"))
    corrected = money_field(_("réductions et annulations (€)"))
    paid = money_field(_("payé (€)"))
    refunded = money_field(_("remboursé (€)"))
    balance = money_field(_("reste à recouvrer (€)"))

    objects = scoped_manager("consortium")

    class Meta:
        verbose_name = _("reste à recouvrer d'un titre")
        verbose_name_plural = _("restes à recouvrer des titres")
        indexes = [
            models.Index(
                fields=["consortium", "due_on"],
                condition=Q(balance__gt=0),
                name="titres_balance_left_to_pay",
            )
        ]

    def __str__(self) -> str:
        return f"{self.titre_id} : {self.balance} €"
