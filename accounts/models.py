"""Users sign in by e-mail and act in exactly one role; partner users for exactly one partner."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ligeris.lib.roles import Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True, role=Role.ADMIN)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    username = None
    email = models.EmailField(_("adresse électronique"), unique=True)
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partenaire"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("Obligatoire pour un utilisateur partenaire, vide pour les autres rôles."),
    )
    # Coordinator staff work for these consortia (superusers for all); a partner user works for
    # its organisation's memberships, `partner` being the one it acts for now.
    consortia = models.ManyToManyField(
        "partners.Consortium",
        verbose_name=_("groupements"),
        blank=True,
        related_name="staff",
        help_text=_("Les groupements pour lesquels ce membre du personnel travaille."),
    )

    invitation_sent_at = models.DateTimeField(_("invitation envoyée le"), null=True, blank=True)
    inbox_digest = models.BooleanField(
        _("recevoir le récapitulatif de la boîte partenaire"),
        default=True,
        help_text=_(
            "Un courriel par semaine : ce qui attend votre partenaire et où en sont ses envois."
        ),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["email"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(role=Role.PARTNER) & Q(partner__isnull=False))
                | (~Q(role=Role.PARTNER) & Q(partner__isnull=True)),
                name="user_partner_iff_partner_role",
                violation_error_message=_(
                    "Un utilisateur partenaire est rattaché à un partenaire, et lui seul."
                ),
            ),
            models.CheckConstraint(
                condition=Q(role__in=Role.values),
                name="user_role_valid",
                violation_error_message=_("Ce rôle n'existe pas."),
            ),
        ]

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} <{self.email}>" if full else self.email
