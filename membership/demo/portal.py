"""The demo's partner portal: Châteauroux asks for a COTECH meeting, the Cher proposes a new
project agent; both wait for the coordinator. Run once the demo accounts exist."""

import datetime

from django.utils import timezone

from accounts.models import User
from governance.models import Body, BodyKind, MeetingRequest
from governance.services.requests import meeting_request_create
from partners.contact_changes import contact_change_propose
from partners.models import Civility, Consortium, ContactChange, ContactKind, Partner


def load(consortium: Consortium) -> None:
    if MeetingRequest.objects.filter(partner__consortium=consortium).exists():
        return
    chateauroux = Partner.objects.get(consortium=consortium, short_name="Châteauroux")
    cotech = Body.objects.get(consortium=consortium, kind=BodyKind.TECHNICAL)
    meeting_request_create(
        partner=chateauroux,
        body=cotech,
        subject="Reprise des archives numériques de l'état civil",
        details="Nous souhaitons présenter le calendrier de versement avant la fin du trimestre.",
        user=User.objects.filter(partner=chateauroux).first(),
    )
    cher = Partner.objects.filter(consortium=consortium, short_name="Cher").first()
    if cher is None or ContactChange.objects.filter(partner=cher).exists():
        return
    contact_change_propose(
        partner=cher,
        kind=ContactKind.PROJECT_AGENT,
        civility=Civility.MRS,
        first_name="Lucie",
        last_name="Fontaine",
        job_title="Chargée de mission archivage électronique",
        email="lucie.fontaine@cher.localhost",
        effective_on=timezone.localdate() + datetime.timedelta(days=30),
        user=User.objects.filter(partner=cher).first(),
    )
