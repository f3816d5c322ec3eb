"""The worker's prefork pool is Celery's, with its processes checked every 0.5 s (a process
replaced past its memory limit starts at once, not on Celery's 5-second check)."""

from types import SimpleNamespace

from celery import concurrency
from celery.concurrency import prefork
from django.conf import settings

from ligeris import celery_prefork


def test_the_default_pool_is_the_prefork_pool_checked_every_half_second():
    pool = concurrency.get_implementation(settings.CELERY_WORKER_POOL)
    assert pool is celery_prefork.TaskPool and issubclass(pool, prefork.TaskPool)
    maintain = object()
    timers = pool.Pool.timers.fget(SimpleNamespace(maintain_pool=maintain))
    assert timers == {maintain: 0.5}
    # The worker's main process recognises it as a prefork pool (and warms up before forking).
    assert "prefork" in str(pool)
