from ligeris.lib.fields import money_field, user_field  # noqa: F401 (the billing models' names)
