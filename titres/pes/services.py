"""Produce a batch's PES flux, check it, and record who took it."""

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ligeris.lib.services import save_validated as save
from titres.models import PesExport, TitreBatch
from titres.pes import builder, parser, schema, selectors


@transaction.atomic
def pes_export(*, batch: TitreBatch, user=None) -> tuple[str, bytes]:
    """The flux's file name and bytes, offered only once valid against the schema and read back
    consistent; the export is recorded. The same batch gives the same bytes every time."""
    flux = selectors.flux_of_batch(batch)
    content = builder.build(flux)
    schema.validate(content)
    problems = parser.read(content).problems
    if problems:
        raise ValidationError(
            [_("Le flux PES produit n'est pas cohérent : il n'est pas proposé."), *problems]
        )
    save(
        PesExport(batch=batch, created_by=user),
        file_name=flux.header.file_name,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
    )
    return flux.header.file_name, content
