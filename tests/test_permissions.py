"""Every URL pattern of our own code × every role, with the status it must answer.

Adding a URL pattern without a row here fails `test_every_url_pattern_has_a_row`.
"""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse

from accounts import services as account_services
from governance.models import AttendanceStatus, DecisionKind, ItemKind
from governance.services import meetings as meeting_services
from governance.services.meetings import AttendanceEntry
from ligeris.lib.permissions import RoleRequiredMixin
from ligeris.lib.roles import Role
from ligeris.lib.views import TableExportMixin
from tests.admission_matrix import ADMISSION_MATRIX, admission_args
from tests.billing_matrix import BILLING_MATRIX, billing_args
from tests.catalogue_matrix import CATALOGUE_MATRIX, catalogue_args
from tests.commitments_matrix import COMMITMENTS_MATRIX, commitments_args
from tests.exclusion_matrix import EXCLUSION_MATRIX, exclusion_args
from tests.governance_fixtures import vote_all
from tests.membership_amendments_fixtures import amendment_args
from tests.membership_withdrawal_matrix import WITHDRAWAL_MATRIX, withdrawal_args
from tests.orders_matrix import ORDERS_MATRIX, order_args
from tests.portal_fixtures import portal_args
from tests.portal_matrix import PORTAL_MATRIX
from tests.programme_matrix import PROGRAMME_MATRIX, programme_args

ROLES = ("anonymous", "finance", "secretary", "partner_a", "partner_b", "admin")
LOGIN = 302  # anonymous users are sent to the login page

# Statuses in ROLES order.
MANAGERS_ONLY = (LOGIN, 200, 403, 403, 403, 200)
SIGNED_IN = (LOGIN, 200, 200, 200, 200, 200)
OWN_TO_A = (LOGIN, 200, 200, 200, 404, 200)  # an object of partner A's
STAFF_ONLY_VIEW = SIGNED_IN
ADMIN_ONLY = (LOGIN, 403, 403, 403, 403, 200)
POST_MANAGERS = (LOGIN, 302, 403, 403, 403, 302)
RECORDERS_ONLY = (LOGIN, 403, 200, 403, 403, 200)  # secretaries and administrators record
POST_RECORDERS = (LOGIN, 403, 302, 403, 403, 302)
STAFF_ONLY = (LOGIN, 200, 200, 403, 403, 200)

# url name -> (method, argument builder, expected statuses)
MATRIX = {
    "home": ("get", None, SIGNED_IN),
    "partners:consortium": ("get", None, SIGNED_IN),
    # Posting no consortium, or one that is not the user's: as if it did not exist.
    "partners:consortium_switch": ("post", None, (LOGIN, 404, 404, 404, 404, 404)),
    "partners:convention_create": ("get", None, MANAGERS_ONLY),
    "partners:convention_update": ("get", "convention", MANAGERS_ONLY),
    "partners:amendment_create": ("get", "convention", MANAGERS_ONLY),
    "partners:partner_list": ("get", None, STAFF_ONLY_VIEW),
    "partners:partner_create": ("get", None, MANAGERS_ONLY),
    "partners:partner_detail": ("get", "partner_a", OWN_TO_A),
    "partners:partner_update": ("get", "partner_a", MANAGERS_ONLY),
    "partners:person_create": ("get", "partner_a", MANAGERS_ONLY),
    "partners:tenant_list": ("get", None, SIGNED_IN),
    "partners:tenant_create": ("get", None, MANAGERS_ONLY),
    "partners:tenant_detail": ("get", "tenant_a", OWN_TO_A),
    "partners:tenant_update": ("get", "tenant_a", MANAGERS_ONLY),
    "partners:holding_create": ("get", "tenant_a", MANAGERS_ONLY),
    "partners:holding_make_payer": ("post", "holding_shared_a", POST_MANAGERS),
    "partners:holding_remove": ("post", "holding_shared_a", POST_MANAGERS),
    # Governance: "cotech…" objects belong to a COTECH where partner A sits and partner B does not.
    "governance:body_list": ("get", None, SIGNED_IN),
    "governance:body_create": ("get", None, RECORDERS_ONLY),
    "governance:body_detail": ("get", "cotech", OWN_TO_A),
    "governance:body_update": ("get", "cotech", RECORDERS_ONLY),
    "governance:seat_create": ("get", "cotech", RECORDERS_ONLY),
    "governance:seat_update": ("get", "cotech_seat", RECORDERS_ONLY),
    "governance:seat_end": ("post", "cotech_seat", POST_RECORDERS),
    "governance:meeting_create": ("get", "cotech", RECORDERS_ONLY),
    "governance:meeting_list": ("get", None, SIGNED_IN),
    "governance:meeting_detail": ("get", "cotech_meeting", OWN_TO_A),
    "governance:meeting_update": ("get", "cotech_meeting", RECORDERS_ONLY),
    "governance:item_create": ("get", "cotech_meeting", RECORDERS_ONLY),
    "governance:attendance": ("get", "cotech_meeting", RECORDERS_ONLY),
    # The first POST shows what will happen (200); only the confirmed POST acts.
    "governance:convocation_send": ("post", "cotech_meeting", RECORDERS_ONLY),
    "governance:minutes_close": ("post", "cotech_meeting", RECORDERS_ONLY),
    "governance:minutes_pdf": ("get", "closed_cotech_meeting", OWN_TO_A),
    "governance:minutes_export": ("get", "closed_cotech_meeting", OWN_TO_A),
    "governance:minutes_export_progress": ("get", "closed_cotech_meeting", OWN_TO_A),
    "governance:item_update": ("get", "copil_item", RECORDERS_ONLY),
    "governance:votes": ("get", "copil_item", RECORDERS_ONLY),
    "governance:decision_votes": ("get", "closed_cotech_decision", OWN_TO_A),
    "governance:document_create": ("get", "copil_item", RECORDERS_ONLY),
    "governance:document_download": ("get", "cotech_document", OWN_TO_A),
    "governance:action_create": ("get", "copil_item", RECORDERS_ONLY),
    "governance:decision_list": ("get", None, SIGNED_IN),
    "governance:working_group_create": ("get", "copil_decision", RECORDERS_ONLY),
    "governance:action_list": ("get", None, STAFF_ONLY),
    "governance:action_update": ("get", "action", RECORDERS_ONLY),
    "governance:frequency": ("get", None, STAFF_ONLY),
    "governance:year_close": ("post", None, POST_RECORDERS),
    # Membership: the dashboard is staff's; a partner's timeline is its own users' and staff's.
    "membership:dashboard": ("get", None, STAFF_ONLY),
    "membership:partner_timeline": ("get", "partner_a", OWN_TO_A),
    "membership:my_timeline": ("get", None, (LOGIN, 403, 403, 200, 200, 403)),
    "accounts:user_list": ("get", None, ADMIN_ONLY),
    "accounts:user_invite": ("get", None, ADMIN_ONLY),
    "accounts:invitation_accept": ("get", "invitation", (200, 200, 200, 200, 200, 200)),
    "set_language": ("post", None, (302, 302, 302, 302, 302, 302)),
    # Library views we route to, checked here too.
    "admin:index": ("get", None, (302, 302, 302, 302, 302, 200)),
    "admin:login": ("get", None, (LOGIN, 403, 403, 403, 403, 302)),
    "account_login": ("get", None, (200, 302, 302, 302, 302, 302)),
    "account_signup": ("get", None, (200, 302, 302, 302, 302, 302)),
    **BILLING_MATRIX,
    **ORDERS_MATRIX,
    **EXCLUSION_MATRIX,
    # amendments: public acts between the parties, so every partner user of the consortium
    # reads them; a deliberation's scan is its own partner's.
    "membership:amendment_list": ("get", None, SIGNED_IN),
    "membership:amendment_detail": ("get", "amendment", SIGNED_IN),
    "membership:amendment_pdf": ("get", "amendment", SIGNED_IN),
    "membership:amendment_approval": ("get", "amendment_party_b", MANAGERS_ONLY),
    "membership:amendment_scan": ("get", "amendment_scan_a", OWN_TO_A),
    **ADMISSION_MATRIX,
    **WITHDRAWAL_MATRIX,
    **PORTAL_MATRIX,
    **PROGRAMME_MATRIX,
    **CATALOGUE_MATRIX,
    **COMMITMENTS_MATRIX,
}

#: Rows whose objects are built on the `copil` fixture.
NEEDS_COPIL = ("governance:", "membership:amendment", "membership:deliberation", "programme:")


def _our_patterns(patterns=None, namespace=""):
    """(name, pattern) of every pattern whose view is ours, not a library's."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _our_patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            module = getattr(entry.callback, "__module__", "")
            # Library views: allauth's, and the admin's (all behind admin_site.admin_view).
            if module.startswith(("allauth.", "django.contrib.")) or namespace.startswith("admin:"):
                continue
            yield f"{namespace}{entry.name}", entry


def test_every_url_pattern_has_a_row():
    names = {name for name, _ in _our_patterns()}
    missing = names - MATRIX.keys()
    assert not missing, f"URL patterns without a permission row: {sorted(missing)}"


def test_every_view_of_ours_declares_its_roles():
    for name, pattern in _our_patterns():
        view_class = getattr(pattern.callback, "view_class", None)
        if name == "set_language":
            continue
        assert view_class is not None and issubclass(view_class, RoleRequiredMixin), name
        assert view_class.allowed_roles, name


def _governance_args(world, copil, key):
    if key in ("cotech", "cotech_meeting", "copil_item", "copil_decision"):
        return [
            {
                "cotech": copil.cotech,
                "cotech_meeting": copil.cotech_meeting,
                "copil_item": copil.item,
                "copil_decision": copil.decision,
            }[key].pk
        ]
    meeting = copil.cotech_meeting
    if key == "cotech_seat":
        return [copil.cotech.seats.first().pk]
    if key in ("closed_cotech_meeting", "closed_cotech_decision"):
        item = None
        if key == "closed_cotech_decision":
            item = meeting_services.item_add(
                meeting=meeting,
                title="Choix de l'hébergeur",
                kind=ItemKind.DECISION,
                motion="Le COTECH retient l'offre.",
                decision_kind=DecisionKind.EVOLUTION,
            )
        seats = list(copil.cotech.seats.all())
        entries = [AttendanceEntry(seat, AttendanceStatus.PRESENT) for seat in seats]
        meeting_services.attendance_record(meeting=meeting, entries=entries)
        if item is not None:
            vote_all(meeting, item.decision)
        meeting = meeting_services.meeting_update(meeting=meeting, secretary=seats[0].person)
        closed = meeting_services.minutes_close(meeting=meeting)
        return [item.pk if item else closed.pk]
    if key == "cotech_document":
        upload = SimpleUploadedFile("planning.pdf", b"%PDF-1.4 planning", "application/pdf")
        item = meeting.items.first()
        return [meeting_services.document_add(item=item, title="Planning", file=upload).pk]
    if key == "action":
        owner = copil.people[world.partner_a.pk]
        action = meeting_services.action_create(
            item=copil.item, title="Rédiger", owner=owner, due_on=datetime.date(2026, 6, 1)
        )
        return [action.pk]
    return None


def _args(world, users, key, copil=None):
    if key is None:
        return []
    if copil is not None and (args := _governance_args(world, copil, key)) is not None:
        return args
    if key == "convention":
        return [world.consortium.conventions.get().pk]
    if key.startswith("billing_"):
        return billing_args(world, key)
    if key.startswith("order_"):
        return order_args(world, key)
    if key.startswith("exclusion_"):
        return exclusion_args(world, key)
    if key.startswith("amendment"):
        return amendment_args(world, copil, key)
    if key.startswith("admission_"):
        return admission_args(world, key)
    if key.startswith("withdrawal_"):
        return withdrawal_args(world, key)
    if key.startswith("programme_"):
        return programme_args(world, copil, key)
    if key.startswith("catalogue_"):
        return catalogue_args(world, key)
    if key.startswith("commitments_"):
        return commitments_args(world, key)
    if key.startswith("portal_"):
        return portal_args(world, users, copil, key)
    if key == "holding_shared_a":
        return [world.holding(world.tenant_shared, world.partner_a).pk]
    if key == "invitation":
        invited = account_services.user_create(email="new@example.org", role=Role.FINANCE)
        path = account_services.invitation_path(invited)
        return path
    return [getattr(world, key).pk]


def _twice(values) -> list[str]:
    return sorted({v for v in values if values.count(v) > 1})


def _offered_but_refused(html: str, role: str) -> list[str]:
    """Links and forms of the page whose view the role may not use: they would end in 403."""
    refused = []
    targets = re.findall(r'<a\s[^>]*href="(/[^"#?]*)', html)
    targets += re.findall(r'<form\s[^>]*action="(/[^"#?]*)', html)
    for target in set(targets):
        try:
            match = resolve(target)
        except Resolver404:
            continue
        view_class = getattr(match.func, "view_class", None)
        allowed = getattr(view_class, "allowed_roles", None)
        if allowed is not None and role not in allowed:
            refused.append(target)
    return sorted(refused)


_DECIMAL_NUMBER_INPUT = re.compile(r'<input[^>]*type="number"[^>]*step="0?\.')


def _directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


CASES = [
    (name, role, expected[i])
    for name, (_, _, expected) in MATRIX.items()
    for i, role in enumerate(ROLES)
]


@pytest.mark.parametrize(("name", "role", "expected"), CASES, ids=[f"{n}-{r}" for n, r, _ in CASES])
def test_permission_matrix(name, role, expected, world, users, client_for, request):
    method, key, _ = MATRIX[name]
    copil = request.getfixturevalue("copil") if name.startswith(NEEDS_COPIL) else None
    args = _args(world, users, key, copil)
    url = args if isinstance(args, str) else reverse(name, args=args)
    client = client_for(role)
    data = {"language": "fr", "next": "/"} if name == "set_language" else {}
    response = getattr(client, method)(url, data)
    assert response.status_code == expected, f"{role} {method.upper()} {url}"
    # Whatever the answer, no cache keeps it: most pages carry one partner's data.
    assert {"private", "no-store"} <= _directives(response), f"{role} {method.upper()} {url}"
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        html = response.content.decode()
        # No form offers a browser number input for an amount (Chromium reads "10,50" as 1050).
        assert not _DECIMAL_NUMBER_INPUT.search(html), url
        if role != "anonymous":  # a signed-out visitor's links lead to the login page
            acting = Role.PARTNER if role.startswith("partner") else role
            assert not _offered_but_refused(html, acting), f"{role} {url}"
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert len(ids) == len(set(ids)), f"{url}: ids used twice {_twice(ids)}"
    if expected == LOGIN and role == "anonymous" and name not in ("set_language", "admin:index"):
        assert "/comptes/login/" in response["Location"]


EXPORTS = [
    name
    for name, pattern in _our_patterns()
    if issubclass(getattr(pattern.callback, "view_class", object), TableExportMixin)
]


@pytest.mark.parametrize("name", EXPORTS)
@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_table_exports_are_never_cached(name, export, world, users, client_for, request):
    """Each page's CSV and XLSX (the decision register, volumes, batches…), found from the views."""
    key = MATRIX[name][1]
    copil = request.getfixturevalue("copil") if name.startswith(NEEDS_COPIL) else None
    client = client_for("admin")
    response = client.get(reverse(name, args=_args(world, users, key, copil)), {"_export": export})
    assert response.status_code == 200
    assert response["Content-Type"] != "text/html; charset=utf-8"
    assert {"private", "no-store"} <= _directives(response)


def test_not_found_and_forbidden_pages_are_french(world, client_for):
    client = client_for("partner_b")
    response = client.get(reverse("partners:partner_detail", args=[world.partner_a.pk]))
    assert response.status_code == 404
    assert "Page introuvable" in response.text
    response = client.get(reverse("partners:partner_create"))
    assert response.status_code == 403
    assert "Accès refusé" in response.text


@pytest.mark.parametrize("role", ["finance", "secretary", "admin"])
def test_the_action_plan_offers_its_edit_link_only_to_recorders(
    role, world, users, copil, client_for
):
    action_id = _governance_args(world, copil, "action")[0]
    page = client_for(role).get(reverse("governance:action_list")).content.decode()
    edit = reverse("governance:action_update", args=[action_id])
    assert "Rédiger" in page
    assert (edit in page) is (role != "finance")
    assert not _offered_but_refused(page, role)
