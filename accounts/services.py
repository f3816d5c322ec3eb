"""Accounts are created by the coordinator: an invitation, then the user sets a password."""

from allauth.account.models import EmailAddress
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.models import User
from ligeris.lib.roles import Role


def _check_role(role: str, partner) -> None:
    if role == Role.PARTNER and partner is None:
        raise ValidationError(
            {"partner": _("Un utilisateur partenaire doit être rattaché à un partenaire.")}
        )
    if role != Role.PARTNER and partner is not None:
        raise ValidationError(
            {"partner": _("Seul un utilisateur partenaire est rattaché à un partenaire.")}
        )


@transaction.atomic
def user_create(
    *,
    email: str,
    role: str,
    partner=None,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
    verified: bool = False,
    consortia=(),
) -> User:
    """Create an account; without a password it cannot sign in until the invitation is accepted.
    Staff work for `consortia` (the inviting administrator's); partner users for their
    organisation's."""
    email = User.objects.normalize_email(email).lower()
    _check_role(role, partner)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Un compte existe déjà pour cette adresse.")})
    user = User(
        email=email,
        role=role,
        partner=partner,
        first_name=first_name,
        last_name=last_name,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    if role != Role.PARTNER:
        user.consortia.set(consortia)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified)
    return user


@transaction.atomic
def user_invite(**fields) -> User:
    from accounts.tasks import send_invitation

    user = user_create(**fields)
    transaction.on_commit(lambda: send_invitation.delay(user.pk))
    return user


def invitation_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("accounts:invitation_accept", args=[uid, token])


@transaction.atomic
def invitation_accept(*, user: User, password: str) -> User:
    """Set the password; following the e-mailed link proved the address, so it is verified."""
    user.set_password(password)
    user.save(update_fields=["password"])
    EmailAddress.objects.filter(user=user, email__iexact=user.email).update(
        verified=True, primary=True
    )
    return user


def mark_invitation_sent(user: User) -> bool:
    """Record the sending once; False when it was already recorded (a retried task)."""
    updated = User.objects.filter(pk=user.pk, invitation_sent_at__isnull=True).update(
        invitation_sent_at=timezone.now()
    )
    return updated == 1


@transaction.atomic
def user_set_inbox_digest(*, user: User, enabled: bool) -> User:
    """A partner user turns the weekly digest of its inbox on or off."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user.inbox_digest = enabled
    user.save(update_fields=["inbox_digest"])
    return user
