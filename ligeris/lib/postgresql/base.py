"""PostgreSQL for the test suite: Django's `flush` may empty the tables that refuse TRUNCATE.

Between transactional tests the suite empties every table with `flush` (one TRUNCATE). The
statement triggers that refuse a TRUNCATE of final rows let it through when its transaction
sets `ligeris.flush`. Only the test settings use this engine: anywhere else `manage.py flush`
is refused like any other TRUNCATE of final rows.
"""

from django.db.backends.postgresql import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        # Run by execute_sql_flush() in one transaction: SET LOCAL ends with it.
        return ["SET LOCAL ligeris.flush = 'on';", *statements] if statements else statements


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
