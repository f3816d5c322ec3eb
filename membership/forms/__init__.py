"""Forms of the membership files, one module per event kind."""
