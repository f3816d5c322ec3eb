"""Threads started at the same moment against the real database, for the PostgreSQL races."""

import threading

from django.db import connection

from ligeris.lib.scopes import scopes_disabled


def unscoped_thread(target, *args) -> threading.Thread:
    """A thread for a test's concurrent work, unscoped as the test itself (a new thread starts
    outside any scope: its queries on a consortium's rows would raise)."""

    def run():
        with scopes_disabled():
            target(*args)

    return threading.Thread(target=run)


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

    threads = [unscoped_thread(run, i) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes
