"""Titres sit below cost sharing (DESIGN §7): the engine, models included, imports no billing
module. What cost sharing adds to an issue (its runs locked) hooks in through
`titres.signals.titres_issued`."""

import pathlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from billing.models import AllocationRun
from billing.services import titres
from tests.test_membership_architecture import _imports
from titres.models import TitreState
from titres.signals import titres_issued

ROOT = pathlib.Path(__file__).resolve().parent.parent

# What the engine still takes from billing (issue 18 item 0): emptied, to stay so.
STILL_FROM_BILLING: dict[str, set[str]] = {}


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


def test_the_titres_app_imports_no_billing_module_at_all():
    assert _billing_imports() == {}


def test_the_titres_pages_import_no_billing_module():
    """The pages moved out of billing (issue 18 item 0) stay on the engine's side."""
    pages = [ROOT / "titres" / "urls.py", *(ROOT / "titres" / "views").rglob("*.py")]
    assert len(pages) > 2
    found = {str(p.relative_to(ROOT)): _imports(p) for p in pages}
    assert {
        p: {n for n in names if n.split(".")[0] == "billing"} for p, names in found.items()
    } == {p: set() for p in found}


@pytest.mark.parametrize(
    "name, path",
    [
        ("titres:batch_pes", "/finances/titres/bordereaux/7/pes/"),
        ("titres:batch_accounting_csv", "/finances/titres/bordereaux/7/import-comptable.csv"),
        ("titres:batch_accounting_xlsx", "/finances/titres/bordereaux/7/import-comptable.xlsx"),
    ],
)
def test_the_moved_pages_keep_their_paths(name, path):
    assert reverse(name, args=[7]) == path


def test_the_scanner_sees_an_import_of_billing_in_titres(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from billing.models import AllocationRun\n", encoding="utf-8")
    assert "billing.models" in _imports(sample)


def test_the_runs_lock_in_the_issuing_transaction(drafts, budget_run):
    """Billing's receiver (connected in `BillingConfig.ready`) has locked the run when a later one
    refuses: the issue rolls back, and the lock with it."""
    seen = []

    def refuse(sender, *, titres, **kwargs):
        seen.append(AllocationRun.objects.get(pk=budget_run.pk).locked_at)
        raise ValidationError("refused")

    titres_issued.connect(refuse)
    try:
        with pytest.raises(ValidationError):
            titres.batch_issue(batch=drafts)
    finally:
        titres_issued.disconnect(refuse)
    assert seen and seen[0] is not None
    budget_run.refresh_from_db()
    drafts.refresh_from_db()
    assert budget_run.locked_at is None and drafts.is_draft
    assert not drafts.titres.filter(state=TitreState.ISSUED).exists()
