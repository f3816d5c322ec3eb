"""The server of bench/pages.py: Redis, then gunicorn (2 workers) with the production settings,
on 127.0.0.1 only; and signing in through the real login form (and TOTP for the staff).

Production settings refuse to start half-configured: they get a random secret key, the
loopback as allowed host, a Redis broker and cache of their own, collected static files in a
temporary directory, and an SMTP host that nothing reaches (no page sends mail). Only the HTTPS
redirect is off, since the loopback speaks plain HTTP; the cookies stay `Secure`, so the client
keeps them itself.
"""

import base64
import contextlib
import hashlib
import hmac
import json
import os
import re
import secrets
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
#: Given to the staff's TOTP by pages_setup.py; the client computes its codes.
TOTP_SECRET = base64.b32encode(secrets.token_bytes(20)).decode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(var_dir: str, redis_port: int) -> dict:
    # The collected static files are kept between runs: collectstatic then has little to do.
    static = ROOT / "var" / "bench" / "staticfiles"
    static.mkdir(parents=True, exist_ok=True)
    (Path(var_dir) / "staticfiles").symlink_to(static)
    return {
        **os.environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "EMAIL_HOST": "127.0.0.1",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis_port}/0",
        "CACHE_URL": f"redis://127.0.0.1:{redis_port}/1",
        "LIGERIS_VAR_DIR": var_dir,
        "LOG_LEVEL": "WARNING",
    }


class Processes:
    """Every process started here, each in its own group: all stopped on exit, whatever happens."""

    def __init__(self):
        self.started: list[subprocess.Popen] = []

    def start(self, args: list[str], **kwargs) -> subprocess.Popen:
        process = subprocess.Popen(args, start_new_session=True, **kwargs)  # noqa: S603
        self.started.append(process)
        return process

    def stop(self) -> None:
        for process in reversed(self.started):
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(process.pid, signal.SIGKILL)
                    process.wait()


def start_redis(processes: Processes, port: int) -> None:
    args = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    processes.start([*args, "--appendonly", "no"], stdout=subprocess.DEVNULL)
    _wait_for(lambda: socket.create_connection(("127.0.0.1", port), 1).close(), "Redis")


def start_gunicorn(processes: Processes, env: dict, port: int, log: Path) -> str:
    base = f"http://127.0.0.1:{port}"
    args = [str(BIN / "gunicorn"), "ligeris.wsgi:application", "--workers", "2"]
    args += ["--bind", f"127.0.0.1:{port}", "--timeout", "120", "--graceful-timeout", "5"]
    with log.open("ab") as out:
        processes.start(args, env=env, cwd=ROOT, stdout=out, stderr=out)
    _wait_for(
        lambda: requests.get(f"{base}/comptes/login/", timeout=5).raise_for_status(), "gunicorn"
    )
    return base


def _wait_for(probe, what: str, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            probe()
            return
        except (OSError, requests.RequestException):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start within {seconds:.0f} s") from None
            time.sleep(0.3)


def manage_json(env: dict, script: str, *args: str) -> dict:
    out = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "bench" / script), *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def totp_code(secret: str, at: float | None = None) -> str:
    counter = int(at or time.time()) // 30
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def _form_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def sign_in(base: str, email: str, password: str, staff: bool) -> dict:
    """The session cookies of `email`, signed in through the login form (then its TOTP code)."""
    jar: dict[str, str] = {}
    with requests.Session() as http:

        def step(method: str, path: str, **data) -> requests.Response:
            response = http.request(
                method, base + path, data=data or None, cookies=jar, allow_redirects=False
            )
            jar.update({cookie.name: cookie.value for cookie in response.cookies})
            return response

        page = step("GET", "/comptes/login/")
        answer = step(
            "POST",
            "/comptes/login/",
            login=email,
            password=password,
            csrfmiddlewaretoken=_form_token(page.text),
        )
        for _attempt in range(3 if staff else 0):
            # A code is good for its 30 s window only, once: on a refusal, the next window's.
            page = step("GET", "/comptes/2fa/authenticate/")
            answer = step(
                "POST",
                "/comptes/2fa/authenticate/",
                code=totp_code(TOTP_SECRET),
                csrfmiddlewaretoken=_form_token(page.text),
            )
            if answer.status_code == 302:
                break
            time.sleep(30 - time.time() % 30 + 0.5)
        home = step("GET", "/")
        if answer.status_code != 302 or home.status_code != 200:
            raise RuntimeError(
                f"{email} could not sign in ({answer.status_code}, {home.status_code})"
            )
    return jar
