"""The files of the convention's events. One module per event kind."""
