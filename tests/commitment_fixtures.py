"""Seed 002's three commitments on the test consortium, and a way to record a request."""

import datetime

from commitments.models import CommitmentKind
from commitments.services import requests as services
from commitments.working_time import PARIS


def paris(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


def seed_commitments(world) -> dict:
    return {
        kind: services.commitment_save(consortium=world.consortium, kind=kind)
        for kind in CommitmentKind
    }


def record(
    world, commitment, received, answered=None, partner=None, complete=None, subject="Demande"
):
    return services.request_record(
        consortium=world.consortium,
        partner=partner or world.partner_a,
        commitment=commitment,
        subject=subject,
        received_at=received,
        complete_at=complete,
        answered_at=answered,
    )
