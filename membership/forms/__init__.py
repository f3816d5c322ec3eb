"""Forms of the convention's events, one module per event kind."""
