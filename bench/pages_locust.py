"""Locust users of bench/pages.py: finance, secretary and partner users mixed over the main pages.

Reads the pages and the signed-in sessions from the JSON file named by LIGERIS_BENCH_PAGES (made
by bench/pages.py; people sign in once, so the users reuse those sessions, a few users per
account). LIGERIS_BENCH_PAUSE=1: each user pauses 1–3 s between pages; 0: none (saturation).
The run stops after LIGERIS_BENCH_MAX_REQUESTS requests, whatever the time left.
"""

import itertools
import json
import os
import random
from pathlib import Path

import gevent
from locust import HttpUser, between, constant, events, task

SETUP = json.loads(Path(os.environ["LIGERIS_BENCH_PAGES"]).read_text(encoding="utf-8"))
PAUSE = between(1, 3) if os.environ.get("LIGERIS_BENCH_PAUSE", "1") == "1" else constant(0)
MAX_REQUESTS = int(os.environ.get("LIGERIS_BENCH_MAX_REQUESTS", "100000"))
_sessions = {role: itertools.cycle(jars) for role, jars in SETUP["sessions"].items()}
_count = itertools.count(1)


_environment = []


@events.init.add_listener
def _keep(environment, **_kwargs):
    _environment.append(environment)


@events.request.add_listener
def _bound(**_kwargs):
    if next(_count) == MAX_REQUESTS:
        gevent.spawn(_environment[0].runner.quit)


def failure(name: str, response) -> str:
    """Why an answer is not the page's expected one ("" if it is): its status, reason and, for
    a redirect, where to; locust's failures CSV then counts each reason per page."""
    expected = SETUP.get("expected", {}).get(name, {"status": 200})
    status = response.status_code
    location = response.headers.get("Location", "")
    if status == expected["status"] and location == expected.get("location", ""):
        return ""
    if not status:  # no answer at all: the connection's error (reset, timeout…)
        return f"no response: {response.error!r}"[:200]
    reason = f"HTTP {status} {response.reason or ''}".strip()
    return f"{reason} → {location}" if location else reason


class _Role(HttpUser):
    abstract = True
    role = ""
    wait_time = PAUSE

    def on_start(self):
        self.client.cookies.update(next(_sessions[self.role]))
        self.pages = list(SETUP["pages"][self.role].items())

    @task
    def page(self):
        name, path = random.choice(self.pages)  # noqa: S311
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True
        ) as response:
            problem = failure(name, response)
            if problem:
                response.failure(problem)


class Finance(_Role):
    weight = 2
    role = "finance"


class Secretary(_Role):
    weight = 1
    role = "secretary"


class Partner(_Role):
    weight = 2
    role = "partner"
