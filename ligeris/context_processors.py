"""The navigation a role sees (the views still check access themselves)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ligeris.lib.roles import ADMINS, ANONYMOUS, MANAGERS, SIGNED_IN, STAFF, Role, role_of

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


#: The cost-sharing entries (tenants, pools and shares, purchase orders), hidden for a consortium
#: that shares no costs.
_COST_SHARING = (
    "partners:tenant_list",
    "billing:index",
    "billing:my_shares",
    "billing:order_list",
)
#: The titres, hidden for a consortium that bills nothing (a partnership, seeds 001/003).
_TITRES = ("billing:titre_list", "billing:my_titres")
#: The catalogue's entries, shown to a consortium that bills on a catalogue only.
_CATALOGUE = ("catalogue:", "commitments:")
#: The workstreams (chantiers) of a partnership programme (seeds 001/003), shown only to a
#: consortium that bills nothing: the programme is how such a consortium works together.
_PROGRAMME = ("programme:",)


def _consortia(request):
    from partners.consortia import consortium_choices, request_consortium

    return request_consortium(request), consortium_choices(request)


def _hidden(consortium) -> tuple[str, ...]:
    """The entries a consortium's billing mode leaves out (none before a consortium exists)."""
    from partners.models import BillingMode

    if consortium is None:
        return _CATALOGUE + _PROGRAMME
    hidden = () if consortium.shares_costs is not False else _COST_SHARING
    if consortium.billing_mode == BillingMode.NONE:
        hidden += _TITRES
    else:
        hidden += _PROGRAMME
    if consortium.billing_mode != BillingMode.CATALOGUE:
        hidden += _CATALOGUE
    return hidden


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
    consortium, choices = _consortia(request) if role != ANONYMOUS else (None, [])
    hidden = _hidden(consortium)
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
        "current_consortium": consortium,
        # The switcher shows for a user who works for several consortia.
        "consortium_choices": choices if len(choices) > 1 else [],
        "user_role": role,
        "user_role_label": Role(role).label if role in Role.values else "",
    }
