"""Thin views of the titres engine: pages about what is owed and paid, whatever computed it."""
