"""SQLite with its own limit of variables per statement: 32,766 since SQLite 3.32, where
Django 5.2 still assumes 999. A batch's titres are then written in one INSERT or UPDATE per
thousand rows (`titres.services.common.BULK`), as on PostgreSQL, not one per 47.
"""

from django.db.backends.sqlite3 import base, features


class DatabaseFeatures(features.DatabaseFeatures):
    max_query_params = 32_766 if base.Database.sqlite_version_info >= (3, 32) else 999


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
