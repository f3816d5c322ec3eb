from celery import shared_task
from django.conf import settings
from django.db import transaction

from accounts import services
from accounts.models import User
from ligeris.lib.email import send_templated_email


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation(self, user_id: int) -> bool:
    """E-mail the invitation link once: a retried or duplicated task sends nothing more."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if user is None or user.has_usable_password() or user.invitation_sent_at:
            return False
        # Recorded before sending, in the same transaction: a failed send rolls the record back.
        if not services.mark_invitation_sent(user):
            return False
        link = settings.LIGERIS_BASE_URL.rstrip("/") + services.invitation_path(user)
        send_templated_email("invitation", to=[user.email], context={"user": user, "link": link})
        return True
