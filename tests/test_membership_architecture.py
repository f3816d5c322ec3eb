"""Membership sits above the domain apps; a partner's status changes only through it."""

import ast
import pathlib

import pytest
from django.core.exceptions import ValidationError

from governance.models import BodyKind, DecisionKind, ItemKind
from governance.services.meetings import item_add
from partners.forms import PartnerForm
from tests.governance_fixtures import build_committee

ROOT = pathlib.Path(__file__).resolve().parent.parent
# accounts loads the demo, membership included: it is not a domain app.
LOWER_APPS = ("partners", "governance", "titres", "billing", "ligeris")


def _imports(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


@pytest.mark.parametrize("app", LOWER_APPS)
def test_no_lower_app_imports_membership(app):
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / app).rglob("*.py")
        if any(name.split(".")[0] == "membership" for name in _imports(path))
    ]
    assert offenders == []


def test_the_scanner_sees_an_import_of_membership(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from membership.services import status\n", encoding="utf-8")
    assert "membership.services" in _imports(sample)


def test_the_partner_form_has_no_status_field():
    assert "status" not in PartnerForm.base_fields


@pytest.mark.parametrize("kind", [DecisionKind.ADMISSION, DecisionKind.EXCLUSION])
@pytest.mark.parametrize("body_kind", [BodyKind.TECHNICAL])
def test_only_a_steering_committee_decides_admissions_and_exclusions(db, kind, body_kind):
    setup = build_committee(deliberative=3, kind=body_kind)
    meeting = setup.meeting
    before = meeting.items.count()
    with pytest.raises(ValidationError) as error:
        item_add(
            meeting=meeting,
            title="Adhésion de la commune",
            kind=ItemKind.DECISION,
            motion="Le comité admet la commune.",
            decision_kind=kind,
            concerned_partner=setup.members[1].partner,
        )
    assert "relève du comité de pilotage" in str(error.value)
    assert meeting.items.count() == before


def test_the_admin_shows_the_status_without_letting_it_change(admin_client, world):
    from django.urls import reverse

    url = reverse("admin:partners_partner_change", args=[world.partner_a.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'name="status"' not in page.text
    assert "Membre" in page.text
