"""Governance views: thin, each declaring who may use it."""
