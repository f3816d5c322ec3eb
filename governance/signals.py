"""What governance tells the apps above it (membership) without importing them."""

from django.dispatch import Signal

#: Sent inside the minutes-closing transaction for each adopted decision, with `decision`.
#: A receiver that raises ValidationError refuses the closing: nothing of it is kept.
decision_adopted = Signal()
