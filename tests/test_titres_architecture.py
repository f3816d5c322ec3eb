"""Titres sit below cost sharing (DESIGN §7): their models import no billing module, and the
engine's remaining imports of billing are the listed ones, to be cut, not added to."""

import pathlib

from tests.test_membership_architecture import _imports

ROOT = pathlib.Path(__file__).resolve().parent.parent

# What the engine still takes from billing (issue 18 item 0): each to move below or be passed in.
STILL_FROM_BILLING = {
    "titres/services/common.py": {"billing", "billing.models"},
    "titres/services/issuing.py": {"billing.models", "billing.services.runs"},
    "titres/services/given.py": {"billing.models"},
    "titres/services/corrections.py": {"billing", "billing.titre_plan"},
    "titres/titre_selectors.py": {"billing.models"},
}


def _billing_imports() -> dict[str, set[str]]:
    found = {}
    for path in (ROOT / "titres").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        names = {name for name in _imports(path) if name.split(".")[0] == "billing"}
        if names:
            found[str(path.relative_to(ROOT))] = names
    return found


def test_the_titres_models_import_no_billing_module():
    assert not [path for path in _billing_imports() if path.startswith("titres/models/")]


def test_titres_import_billing_only_where_listed():
    found = _billing_imports()
    assert {path: found[path] - STILL_FROM_BILLING.get(path, set()) for path in found} == {
        path: set() for path in found
    }
