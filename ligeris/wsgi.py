import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ligeris.settings")
application = get_wsgi_application()


def _freeze_the_loaded_application() -> None:
    """Import every URL module (the views, models and libraries with them), then move what the
    process holds for its whole life out of the garbage collector's reach (`gc.freeze`).

    Python's full collection walks every object the process has: a server's worker ran one
    every few heavy pages, 140–230 ms each (the 2,000-seat votes sheet, measured), 22 ms once
    the application's 205,000 objects are frozen. Each gunicorn worker imports this module
    after its fork (or the master before them with --preload: frozen pages are then shared)."""
    from django.urls import get_resolver

    get_resolver().reverse_dict  # noqa: B018 (imported, then built, on first access)
    gc.collect()
    gc.freeze()


_freeze_the_loaded_application()
