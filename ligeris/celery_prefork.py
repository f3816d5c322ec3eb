"""Celery's prefork pool, its replaced processes started at once.

A task process grown past `CELERY_WORKER_MAX_MEMORY_PER_CHILD` exits after its task; Celery's
pool should start its replacement when it sees the exit, but often only does on its next
periodic check, every 5 s: measured on a batch of 3,000 titres (`bench/titre_batch.py`), about
half the replacements left their worker idle 4-5 s, the others 0.3-1 s. The check costs a
`waitpid` per process: run every 0.5 s, a worker waits at most that long.
"""

from celery.concurrency import asynpool, prefork

#: Seconds between two checks of the pool's processes (Celery's own: 5).
MAINTAIN_EVERY = 0.5


class AsynPool(asynpool.AsynPool):
    @property
    def timers(self):
        return {self.maintain_pool: MAINTAIN_EVERY}


class TaskPool(prefork.TaskPool):
    Pool = AsynPool
