"""Checks on uploaded files that know no domain: is this a PDF, and not too big?"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pypdf import PdfReader

PDF_MAGIC = b"%PDF-"


def check_pdf(upload, *, max_bytes: int) -> int:
    """Refuse, with a French message, anything but a readable PDF of at most `max_bytes`.

    The size is checked before a byte is parsed; the magic bytes before pypdf opens it (a file
    named .pdf that is not one), then pypdf must read its page tree. Returns the page count.
    """
    if upload.size > max_bytes:
        raise ValidationError(
            _("Le fichier dépasse %(size)s Mo.") % {"size": max_bytes // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head != PDF_MAGIC:
        raise ValidationError(_("Le fichier n'est pas un PDF : joignez la délibération en PDF."))
    try:
        reader = PdfReader(upload)
        if reader.is_encrypted:
            raise ValidationError(_("Le PDF est protégé par un mot de passe : joignez-le sans."))
        pages = len(reader.pages)
    except ValidationError:
        raise
    except Exception:  # pypdf raises many kinds on a damaged or hostile file: all mean "unreadable"
        raise ValidationError(_("Le PDF est illisible ou endommagé.")) from None
    finally:
        upload.seek(0)
    if pages < 1:
        raise ValidationError(_("Le PDF ne contient aucune page."))
    return pages
