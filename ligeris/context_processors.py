"""The navigation a role sees (the views still check access themselves)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ligeris.lib.roles import ADMINS, MANAGERS, SIGNED_IN, STAFF, Role, role_of

_ITEMS = (
    ("home", _("Accueil"), SIGNED_IN),
    ("partners:consortium", _("Groupement"), SIGNED_IN),
    ("partners:partner_list", _("Partenaires"), STAFF),
    ("membership:candidacy_list", _("Candidatures"), STAFF),
    ("partners:tenant_list", _("Tenants"), SIGNED_IN),
    ("governance:meeting_list", _("Séances"), SIGNED_IN),
    ("governance:decision_list", _("Décisions"), SIGNED_IN),
    ("programme:workstream_list", _("Chantiers"), SIGNED_IN),
    ("membership:dashboard", _("Vie du groupement"), STAFF),
    ("catalogue:index", _("Catalogue"), MANAGERS),
    ("catalogue:my_subscriptions", _("Mes abonnements"), frozenset({Role.PARTNER})),
    ("commitments:index", _("Engagements de service"), MANAGERS),
    ("commitments:request_list", _("Mes demandes"), frozenset({Role.PARTNER})),
    ("billing:index", _("Répartition des coûts"), MANAGERS),
    ("billing:titre_list", _("Titres de recette"), MANAGERS),
    ("billing:my_shares", _("Mes quotes-parts"), frozenset({Role.PARTNER})),
    ("billing:my_titres", _("Mes titres"), frozenset({Role.PARTNER})),
    ("membership:inbox", _("Ma boîte"), frozenset({Role.PARTNER})),
    (
        "billing:order_list",
        _("Bons de commande"),
        frozenset({Role.ADMIN, Role.FINANCE, Role.PARTNER}),
    ),
    ("accounts:user_list", _("Utilisateurs"), ADMINS),
    ("admin:index", _("Administration"), ADMINS),
)


#: The cost-sharing entries, hidden for a consortium that shares no costs.
_COST_SHARING = ("billing:",)
#: The catalogue's entries, shown to a consortium that bills on a catalogue only.
_CATALOGUE = ("catalogue:", "commitments:")


def _modes() -> tuple[bool, bool]:
    """Whether the consortium shares costs, and whether it bills on a catalogue (one query)."""
    from partners.models import BillingMode, Consortium

    row = Consortium.objects.order_by("pk").values_list("shares_costs", "billing_mode").first()
    if row is None:
        return True, False  # no consortium yet: as before
    return row[0] is not False, row[1] == BillingMode.CATALOGUE


def navigation(request) -> dict:
    # Once per request: a django-tables2 table renders its template with the request's context
    # processors again (one more query and a dozen reverse() per table page).
    cached = getattr(request, "_ligeris_navigation", None)
    if cached is None:
        cached = _navigation(request)
        if request is not None:
            request._ligeris_navigation = cached
    return cached


def _navigation(request) -> dict:
    user = getattr(request, "user", None)
    role = role_of(user)
    entries = [(name, label) for name, label, roles in _ITEMS if role in roles]
    if any(name.startswith(_COST_SHARING + _CATALOGUE) for name, _label in entries):
        shares_costs, catalogue = _modes()
        hidden = (() if shares_costs else _COST_SHARING) + (() if catalogue else _CATALOGUE)
        if hidden:
            entries = [(n, label) for n, label in entries if not n.startswith(hidden)]
    items = [(reverse(name), label) for name, label in entries]
    if role == Role.PARTNER:
        items.insert(
            2, (reverse("partners:partner_detail", args=[user.partner_id]), _("Mon partenaire"))
        )
    # The longest link the path starts with is the current one: /finances/titres/ is
    # "Titres de recette", not "Répartition des coûts" (/finances/).
    path = request.path
    matching = [
        url for url, _label in items if url == path or (url != "/" and path.startswith(url))
    ]
    current = max(matching, key=len, default=None)
    nav = [{"url": url, "label": label, "current": url == current} for url, label in items]
    return {
        "nav_items": nav,
        "user_role": role,
        "user_role_label": Role(role).label if role in Role.values else "",
    }
