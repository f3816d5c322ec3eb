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
