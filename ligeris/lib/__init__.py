"""Helpers that know nothing of the domain: the only part of `ligeris` the apps import."""
