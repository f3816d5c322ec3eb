"""Writes on governance. Each function validates, then writes in one transaction."""
