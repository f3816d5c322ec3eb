import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ligeris.settings")

app = Celery("ligeris")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
def _load_before_forking(sender=None, **_kwargs) -> None:
    """Import every URL module (and WeasyPrint with them) once in a prefork worker's main
    process: each task process forked from it, and each that replaces one grown too large,
    would otherwise import them for its first `reverse()` (a titre's e-mail links to it),
    seconds of CPU each time. (A solo worker imports them on its first use, as before.)"""
    from django.apps import apps

    if apps.ready and "prefork" in str(getattr(sender, "pool_cls", "")):
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018 (imported on first access)
