"""The decisions a meeting takes and the tenant votes that carry them."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance import voting
from governance.models.bodies import Seat
from governance.models.meetings import AgendaItem, ClosedMinutesGuard
from ligeris.lib.final import FinalRowsManager
from ligeris.lib.scopes import scoped_manager
from partners.models import Partner, Tenant


class DecisionKind(models.TextChoices):
    STRATEGY = "strategy", _("Orientation stratégique")
    EVOLUTION = "evolution", _("Évolution technique ou organisationnelle")
    ADMISSION = "admission", _("Admission d'un membre")
    EXCLUSION = "exclusion", _("Exclusion d'un membre")
    # Article 11: the convention ends early by common accord; it concerns no single partner.
    TERMINATION = "termination", _("Résiliation d'un commun accord")
    OTHER = "other", _("Autre")


class DecisionResult(models.TextChoices):
    PENDING = "pending", _("Non votée")
    CONSENSUS = voting.CONSENSUS, _("Adoptée par consensus")
    ADOPTED = voting.ADOPTED, _("Adoptée à la majorité des deux tiers")
    REJECTED = voting.REJECTED, _("Rejetée")
    ADVISORY_ONLY = voting.ADVISORY_ONLY, _("Non adoptée : avis consultatifs seulement")


class Decision(ClosedMinutesGuard):
    final_rows = Q(item__meeting__minutes_closed_at__isnull=False)
    refused_parents = {"item": Q(meeting__minutes_closed_at__isnull=False)}

    item = models.OneToOneField(
        AgendaItem, on_delete=models.CASCADE, related_name="decision", verbose_name=_("point")
    )
    kind = models.CharField(_("objet"), max_length=12, choices=DecisionKind.choices)
    motion = models.TextField(_("proposition soumise au vote"))
    concerned_partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partenaire concerné"),
        help_text=_("Admission ou exclusion : ce partenaire ne prend pas part au vote."),
    )
    result = models.CharField(
        _("résultat"), max_length=10, choices=DecisionResult.choices, default="pending"
    )
    votes_for = models.PositiveSmallIntegerField(_("pour"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("contre"), default=0)
    abstentions = models.PositiveSmallIntegerField(_("abstentions"), default=0)
    base = models.PositiveSmallIntegerField(_("base des deux tiers"), default=0)
    rule = models.CharField(_("règle appliquée"), max_length=300, blank=True)

    objects = scoped_manager("item__meeting__body__consortium", FinalRowsManager)

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=("admission", "exclusion"), concerned_partner__isnull=False)
                | (~Q(kind__in=("admission", "exclusion")) & Q(concerned_partner__isnull=True)),
                name="decision_concerned_partner_iff_membership",
                violation_error_message=_(
                    "Une admission ou une exclusion concerne un partenaire ; les autres décisions n'en concernent aucun."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.item.title

    def _meeting_id(self):
        return self.item.meeting_id

    @property
    def is_adopted(self) -> bool:
        return self.result in (DecisionResult.CONSENSUS, DecisionResult.ADOPTED)


class VoteChoice(models.TextChoices):
    FOR = voting.FOR, _("Pour")
    AGAINST = voting.AGAINST, _("Contre")
    ABSTAIN = voting.ABSTAIN, _("Abstention")


class Vote(ClosedMinutesGuard):
    """One tenant's vote on a decision, cast by a seat present (or holding a proxy)."""

    final_rows = Q(decision__item__meeting__minutes_closed_at__isnull=False)
    refused_parents = {"decision": Q(item__meeting__minutes_closed_at__isnull=False)}

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="votes")
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(_("vote"), max_length=10, choices=VoteChoice.choices)
    is_advisory = models.BooleanField(_("voix consultative"), default=False)
    cast_by = models.ForeignKey(
        Seat, on_delete=models.PROTECT, related_name="+", verbose_name=_("exprimé par")
    )
    proxy_from = models.ForeignKey(
        Seat,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("au titre du pouvoir de"),
    )

    objects = scoped_manager("tenant__consortium", FinalRowsManager)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ("tenant__code",)
        constraints = [
            models.UniqueConstraint(
                fields=("decision", "tenant"),
                name="vote_one_per_tenant",
                violation_error_message=_("Ce tenant a déjà voté sur cette décision."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tenant.code} : {VoteChoice(self.choice).label}"

    def _meeting_id(self):
        return self.decision.item.meeting_id
