"""A database rule that refuses a change says so in French, never by the constraint's name."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from ligeris.lib.services import save_validated
from partners.models import Tenant

OUR_APPS = ("partners", "accounts", "governance", "titres", "billing", "membership")


def _constraints():
    for model in apps.get_models():
        if model._meta.app_label in OUR_APPS:
            for constraint in model._meta.constraints:
                yield model, constraint


def test_every_constraint_has_its_french_sentence():
    missing = [
        f"{model._meta.label}.{constraint.name}"
        for model, constraint in _constraints()
        if constraint.violation_error_message == constraint.default_violation_error_message
    ]
    assert missing == []
    assert len(list(_constraints())) > 40


def test_a_refused_row_reads_the_rule_not_the_constraint(world):
    tenant = Tenant(
        consortium=world.consortium,
        code=world.tenant_a.code,  # taken
        name="Doublon",
        opened_on=world.tenant_a.opened_on,
    )
    with pytest.raises(ValidationError) as error:
        save_validated(tenant)
    text = " ".join(error.value.messages)
    assert "Un tenant du groupement porte déjà ce code." in text
    assert "contrainte" not in text.lower()
    assert not Tenant.objects.filter(name="Doublon").exists()
