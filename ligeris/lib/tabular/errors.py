"""The one error an uploaded table raises: its message is for the user, in French."""

from django.utils.translation import gettext as _


class TableError(ValueError):
    """A file that cannot be read as a table, or not within the bounds; str() is the message."""


def number(value: int) -> str:
    """20000 as « 20 000 » (narrow no-break space), as French typography writes it."""
    return f"{value:,}".replace(",", "\u202f")


def unreadable() -> TableError:
    return TableError(_("Le classeur XLSX est illisible."))


def not_a_table() -> TableError:
    return TableError(_("Le fichier n'est pas un tableur CSV ou XLSX lisible."))


def macro_refused() -> TableError:
    return TableError(
        _(
            "Les classeurs contenant des macros (.xlsm) sont refusés : enregistrez-le au "
            "format « Classeur Excel (.xlsx) » ou en CSV."
        )
    )


def dtd_refused() -> TableError:
    return TableError(
        _(
            "Le classeur contient des déclarations XML (DTD, entités), refusées par sécurité : "
            "enregistrez-le à nouveau depuis le tableur, ou en CSV."
        )
    )


def too_many_rows(max_rows: int) -> TableError:
    return TableError(
        _(
            "Le fichier compte plus de %(max)s lignes : au plus %(max)s par import. "
            "Découpez-le en plusieurs fichiers."
        )
        % {"max": number(max_rows)}
    )
