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
    seconds of CPU each time. (A solo worker imports them on its first use, as before.)

    With them, what each task process built again on its first chunk of titres, some 0.1 s:
    the names `reverse()` looks up, the French catalogs, the e-mail's templates (kept by the
    cached loader) and the characters the fonts draw. Nothing of Typst's compiler: its threads
    would not survive the fork."""
    from django.apps import apps

    if apps.ready and "prefork" in str(getattr(sender, "pool_cls", "")):
        from django.urls import get_resolver
        from django.utils import translation

        from ligeris.lib import typst
        from ligeris.lib.email import TemplatedEmail

        get_resolver().reverse_dict  # noqa: B018 (imported, then built, on first access)
        with translation.override("fr"):
            TemplatedEmail("titre")
        typst.printable("")
