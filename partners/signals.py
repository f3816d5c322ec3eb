"""What partners tells the apps above it (membership) without importing them."""

from django.dispatch import Signal

#: Sent by `tenant_save` before a tenant gets a new closing date, with `tenant` and `closed_on`.
#: A receiver that raises ValidationError refuses the closing: nothing is saved.
tenant_closing = Signal()

#: Sent by `contact_change_apply` when a validated change gives a person's role to another, with
#: `old` and `new` (Persons) and `on` (the effective date): the seats follow (membership).
person_replaced = Signal()
