"""CPU time of the PostgreSQL backend serving this process's connection: on a busy machine the
figure to compare, beside this process's own."""

import os
from pathlib import Path

from django.db import connection


def server_cpu() -> float:
    """CPU seconds of this connection's PostgreSQL backend (same machine), else 0."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cluster_cpu() -> float:
    """CPU seconds of the whole PostgreSQL server of this connection (same machine): its
    postmaster, its live processes and those exited (the postmaster's reaped children), else 0."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        postmaster = int(_stat(pid)[1])
        fields = _stat(postmaster)
        total = sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    child = _stat(int(entry.name))
                except OSError:
                    continue
                if int(child[1]) == postmaster:
                    total += int(child[11]) + int(child[12])
    except OSError:
        return 0.0
    return total / os.sysconf("SC_CLK_TCK")
