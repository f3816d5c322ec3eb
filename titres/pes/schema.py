"""Validation of a flux against the XSD of the subset Ligeris writes (`pes_recette_subset.xsd`)."""

import functools
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from lxml import etree

XSD_PATH = Path(__file__).with_name("pes_recette_subset.xsd")
MAX_ERRORS = 10


@functools.cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD_PATH), parser=parser()))


def parser() -> etree.XMLParser:
    """No entities, no network; huge_tree for the base64 of large PDFs."""
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def errors_of(content: bytes) -> list[str]:
    """What the schema refuses in the flux, "line N: message", the first MAX_ERRORS of them."""
    try:
        document = etree.fromstring(content, parser=parser())
    except etree.XMLSyntaxError as error:
        return [str(error)]
    schema = _schema()
    if schema.validate(document):
        return []
    return [f"ligne {e.line} : {e.message}" for e in list(schema.error_log)[:MAX_ERRORS]]


def validate(content: bytes) -> None:
    """Refuse, in French, a flux the schema refuses."""
    errors = errors_of(content)
    if errors:
        raise ValidationError(
            [_("Le flux PES produit n'est pas conforme au schéma : il n'est pas proposé."), *errors]
        )
