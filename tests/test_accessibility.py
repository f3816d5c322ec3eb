"""axe-core (WCAG 2.1 A and AA) on every page of the permission matrix, for every role that sees it.

The pages come from `tests/test_permissions.MATRIX` (billing and exclusion rows merged), so a
new URL pattern is checked as soon as it has its row. Every GET row that answers 200 HTML to a
role is opened in Chromium as that role and must have 0 violations; so is every confirmation
page (a POST row answering 200: the first POST only shows what will happen), and the 403 and
404 pages once per role.

Run time: the objects a row needs are built once per argument builder (one test per builder
key, shared by every row that uses it and every role), each role keeps one browser context for
the module (signed in by its session cookie, not through the login form), one page per URL.
Each distinct page template is checked once per role: a URL whose response renders the same set
of templates (page, includes, form widgets) as one the role already had checked is not opened
again (a create and an update form, say).
"""

import threading

import pytest
from django.conf import settings
from django.test import Client
from django.test.signals import template_rendered
from django.urls import reverse

from tests.conftest import ON_POSTGRES
from tests.test_permissions import MATRIX, NEEDS_COPIL, ROLES, _args

pytestmark = [
    pytest.mark.browser,
    # What axe reads (the rendered pages) does not depend on the database: once, on SQLite.
    pytest.mark.skipif(ON_POSTGRES, reason="pages are the same on PostgreSQL; checked on SQLite"),
]

WCAG_21_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
FIRST_TARGETS = 3


# The pages without argument (lists, dashboards) are checked with rows in them: this builder
# gives them an issued batch with a payment (the exclusion builders' COPIL would clash with
# the `copil` fixture's, which these pages need too).
FILLERS = ("billing_payment_of_a",)
PAGES = {"get": (200, 403, 404), "post": (200,)}  # statuses that answer with a page


# allauth's pages that our pages link to (they have no row: the matrix lists our own views).
SIGNED_IN = dict.fromkeys(ROLES[1:], 200)
LIBRARY_PAGES = {
    "account_reset_password": {"anonymous": 200},
    "account_logout": SIGNED_IN,
    "account_change_password": SIGNED_IN,
    "account_email": SIGNED_IN,
    "account_reauthenticate": SIGNED_IN,
    "mfa_index": SIGNED_IN,
}


def _rows_by_key() -> dict:
    """Argument builder key -> [(url name, method, {role: status})] of the rows with a page."""
    groups: dict = {}
    for name, (method, key, expected) in MATRIX.items():
        statuses = {
            role: status
            for role, status in zip(ROLES, expected, strict=True)
            if status in PAGES[method]
        }
        if statuses:
            groups.setdefault(key, []).append((name, method, statuses))
    groups[None] += [(name, "get", statuses) for name, statuses in LIBRARY_PAGES.items()]
    return groups


GROUPS = _rows_by_key()
KEYS = sorted(GROUPS, key=lambda key: key or "")


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture(scope="module")
def checked():
    """(role, templates) and (role, error status) already checked, across the builder keys."""
    return set()


class _Templates:
    """The names of the templates the live server renders (it runs in this process)."""

    def __init__(self):
        self.names: set[str] = set()
        self.lock = threading.Lock()

    def __call__(self, sender, template, **kwargs):
        with self.lock:
            self.names.add(str(template.name))

    def take(self) -> frozenset:
        with self.lock:
            names, self.names = frozenset(self.names), set()
        return names


@pytest.fixture
def rendered():
    templates = _Templates()
    template_rendered.connect(templates)
    yield templates
    template_rendered.disconnect(templates)


@pytest.fixture(scope="module")
def contexts(browser):
    """One browser context per role, kept for the whole module."""
    made = {}

    def get(role):
        if role not in made:
            made[role] = browser.new_context(locale="fr-FR")
            made[role].set_default_timeout(15_000)
        return made[role]

    yield get
    for context in made.values():
        context.close()


def _sign_in(context, base_url, user) -> None:
    """The role's context carries a fresh session of `user` (the database is new each test)."""
    context.clear_cookies()
    if user is None:
        return
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}]
    )


def _describe(violation, url, role) -> str:
    targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
    shown = ", ".join(targets[:FIRST_TARGETS])
    more = f" (+{len(targets) - FIRST_TARGETS})" if len(targets) > FIRST_TARGETS else ""
    return (
        f"{role} {url}: {violation['id']} ({violation['impact']}) {violation['help']}"
        f" -> {shown}{more}"
    )


# Submits a form as the page's own would, with the CSRF token of the page it is run on.
_POST = """url => {
    const form = document.createElement("form");
    form.method = "post";
    form.action = url;
    form.append(document.querySelector("input[name=csrfmiddlewaretoken]").cloneNode());
    document.body.append(form);
    form.submit();
}"""


def _open(page, base, url, method):
    if method == "get":
        return page.goto(url)
    page.goto(base + "/")
    with page.expect_navigation() as navigation:
        page.evaluate(_POST, url)
    return navigation.value


@pytest.mark.parametrize("key", KEYS, ids=[key or "no_argument" for key in KEYS])
def test_pages_have_no_axe_violation(
    key, transactional_db, live_server, world, users, contexts, axe, checked, rendered, request
):
    rows = GROUPS[key]
    governance = any(row[0].startswith(NEEDS_COPIL) for row in rows)
    copil = request.getfixturevalue("copil") if governance else None
    args = _args(world, users, key, copil)
    for filler in FILLERS if key is None else ():
        _args(world, users, filler, copil)
    base = live_server.url
    found = []
    for role in ROLES:
        mine = [
            (name, method, statuses[role]) for name, method, statuses in rows if role in statuses
        ]
        if not mine:
            continue
        context = contexts(role)
        _sign_in(context, base, users.get(role))
        for name, method, status in mine:
            if status != 200 and (role, status) in checked:
                continue  # one 403 page and one 404 page per role
            url = base + (args if isinstance(args, str) else reverse(name, args=args))
            if method == "get":
                # Files (PDF, CSV, XLSX) are not pages: ask first, open only HTML not yet checked.
                rendered.take()
                answer = context.request.get(url, max_redirects=0)
                assert answer.status == status, f"{role} GET {url}: {answer.status}"
                templates = rendered.take()
                if not answer.headers.get("content-type", "").startswith("text/html"):
                    continue
                if templates and (role, templates) in checked:
                    continue
                checked.add((role, templates))
            if status != 200:
                checked.add((role, status))
            page = context.new_page()
            try:
                response = _open(page, base, url, method)
                assert response.status == status, f"{role} {method} {url}: {response.status}"
                assert response.headers["content-type"].startswith("text/html"), url
                results = axe.run(page, options=WCAG_21_AA)
            finally:
                page.close()
            found += [_describe(v, url, role) for v in results.response["violations"]]
    assert not found, "axe violations:\n" + "\n".join(found)


def test_axe_reports_what_it_finds(browser, axe):
    """The check above can fail: a page without language, alt text nor label has violations."""
    context = browser.new_context()
    page = context.new_page()
    page.set_content('<html><body><img src="x.png"><input name="amount"></body></html>')
    violations = axe.run(page, options=WCAG_21_AA).response["violations"]
    context.close()
    ids = {violation["id"] for violation in violations}
    assert {"html-has-lang", "image-alt", "label"} <= ids
    message = _describe(next(v for v in violations if v["id"] == "image-alt"), "/x/", "finance")
    assert message.startswith("finance /x/: image-alt (critical) Images must have alternative")
    assert message.endswith("-> img")
