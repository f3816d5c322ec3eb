"""Threads started at the same moment against the real database, for the PostgreSQL races."""

import threading

from django.db import connection


def race(count: int, work, *, timeout: float) -> list[str]:
    """Run `work(i, barrier)` for i in range(count) at once; each one's outcome, by i ("ok" or
    the name of the exception it raised)."""
    barrier = threading.Barrier(count)
    outcomes = [""] * count

    def run(index):
        try:
            work(index, barrier)
            outcomes[index] = "ok"
        except Exception as error:
            outcomes[index] = type(error).__name__
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes
