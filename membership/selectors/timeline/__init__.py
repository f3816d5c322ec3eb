"""The timeline's sources for what the lower apps already record, one module per app read."""
