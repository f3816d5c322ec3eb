"""Writes of the billing app, one module per subject; each function runs in one transaction."""
