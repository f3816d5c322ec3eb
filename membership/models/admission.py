"""A candidacy file (article 8): the candidate, its services, the tenants it asks for."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from governance.models import Decision
from ligeris.lib.scopes import scoped_manager
from partners.models import Partner


class CandidacyState(models.TextChoices):
    DRAFT = "draft", _("En préparation")
    AT_COPIL = "at_copil", _("Inscrite au COPIL")
    ADMITTED = "admitted", _("Admise")
    REFUSED = "refused", _("Refusée")


class Candidacy(models.Model):
    partner = models.OneToOneField(
        Partner,
        verbose_name=_("candidat"),
        on_delete=models.PROTECT,
        related_name="candidacy",
    )
    has_archives_service = models.BooleanField(_("dispose d'un service d'archives"), default=False)
    archives_head = models.CharField(
        _("responsable du service d'archives"), max_length=200, blank=True
    )
    has_it_service = models.BooleanField(_("dispose d'un service informatique"), default=False)
    it_head = models.CharField(_("responsable du service informatique"), max_length=200, blank=True)
    maturity_notes = models.TextField(_("maturité organisationnelle"), blank=True)
    wished_opening_on = models.DateField(_("ouverture souhaitée le"))
    opening_on = models.DateField(
        _("ouverture décidée le"),
        null=True,
        blank=True,
        help_text=_("Laissez vide pour ouvrir à la date souhaitée."),
    )
    letter_of_intent_on = models.DateField(_("lettre d'intention du"), null=True, blank=True)
    state = models.CharField(
        _("état"), max_length=10, choices=CandidacyState.choices, default=CandidacyState.DRAFT
    )
    decision = models.OneToOneField(
        Decision,
        verbose_name=_("décision du COPIL"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="candidacy",
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    objects = scoped_manager("partner__consortium")

    class Meta:
        verbose_name = _("candidature")
        verbose_name_plural = _("candidatures")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="draft") | Q(decision__isnull=False),
                name="candidacy_past_draft_has_decision",
                violation_error_message=_(
                    "Un dossier inscrit au COPIL, admis ou refusé porte la décision du comité."
                ),
            ),
        ]

    def __str__(self) -> str:
        return _("Candidature de %(partner)s") % {"partner": self.partner}

    def get_absolute_url(self) -> str:
        return reverse("membership:candidacy_detail", args=[self.pk])

    @property
    def opens_on(self):
        """The decided opening date, or the wished one."""
        return self.opening_on or self.wished_opening_on

    @property
    def shown_state(self) -> str:
        """The state, with a rejected admission read from closed minutes as refused."""
        decision = self.decision
        if (
            self.state == CandidacyState.AT_COPIL
            and decision is not None
            and decision.item.meeting.minutes_closed_at is not None
            and not decision.is_adopted
        ):
            return CandidacyState.REFUSED.label
        return self.get_state_display()

    def criteria_missing(self) -> list[str]:
        """Article 8: an archives service and an IT service."""
        missing = []
        if not self.has_archives_service:
            missing.append(str(_("un service d'archives")))
        if not self.has_it_service:
            missing.append(str(_("un service informatique")))
        return missing


class RequestedTenant(models.Model):
    candidacy = models.ForeignKey(
        Candidacy,
        verbose_name=_("candidature"),
        on_delete=models.CASCADE,
        related_name="requested_tenants",
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("nom"), max_length=200)
    is_shared = models.BooleanField(_("partagé"), default=False)
    payer = models.ForeignKey(
        Partner,
        verbose_name=_("payeur"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Le candidat, ou pour un tenant partagé le partenaire qui le paie."),
    )
    volume_gb = models.DecimalField(
        _("volumétrie attendue (Go)"), max_digits=12, decimal_places=3, default=0
    )

    objects = scoped_manager("candidacy__partner__consortium")

    class Meta:
        verbose_name = _("tenant demandé")
        verbose_name_plural = _("tenants demandés")
        ordering = ["candidacy", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidacy", "code"],
                name="requested_tenant_code_unique",
                violation_error_message=_("Ce dossier demande déjà un tenant de ce code."),
            ),
            models.CheckConstraint(
                condition=Q(volume_gb__gte=0),
                name="requested_tenant_volume_not_negative",
                violation_error_message=_("La volumétrie attendue ne peut pas être négative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"
