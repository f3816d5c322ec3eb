"""Forms of the membership events, one module per event kind."""
