import os

# openpyxl parses with lxml when lxml is installed (it is, for the PES flux), and then not through
# defusedxml. Its parts are read through defusedxml instead: decided before anything imports it.
os.environ.setdefault("OPENPYXL_LXML", "False")

from ligeris.celery import app as celery_app

__all__ = ("celery_app",)
