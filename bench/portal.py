"""The public portal under load, served as in production, against a static file from the same server.

The portal is served by gunicorn (``config.settings.production``: debug off, whitenoise for the static files
collected with ``collectstatic``, persistent database connections, each worker's own in-memory cache) on a
loopback port, against the bench database (PostgreSQL only). ``wrk`` puts a bounded load on it (a fixed number
of connections for a fixed time) and counts the requests per second of each URL in turn, in the same run:

* ``portal.project_list``: the project list's first page over the stylesheet (a static file whitenoise serves
  from memory) — how close a cached page comes to the cheapest answer the server can give. Aim: at least 0.5.
* ``portal.project_card``: a project's public card over the same stylesheet. Aim: at least 0.5.

First each URL is requested for ``MEKS_BENCH_WARM`` seconds (2) so every worker holds the pages in its cache;
then the three URLs are measured in turn, ``MEKS_BENCH_ROUNDS`` rounds (3) of ``MEKS_BENCH_SECONDS`` (4)
each, and the best figure of each URL counts. The database holds what the earlier benches left (the scaled
portfolio) or the demo portfolio. ``MEKS_BENCH_CONNECTIONS`` sets the connections (8),
``MEKS_BENCH_WORKERS`` gunicorn's workers (2). Skipped, with a message, without PostgreSQL or ``wrk``.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.harness import report

SECONDS = int(os.environ.get("MEKS_BENCH_SECONDS", "4"))
ROUNDS = int(os.environ.get("MEKS_BENCH_ROUNDS", "3"))
WARM = int(os.environ.get("MEKS_BENCH_WARM", "2"))
CONNECTIONS = int(os.environ.get("MEKS_BENCH_CONNECTIONS", "8"))
WORKERS = int(os.environ.get("MEKS_BENCH_WORKERS", "2"))
STATIC = "/static/css/meks.css"
ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(var_dir: str) -> dict[str, str]:
    """Production settings on the bench database, plain HTTP on loopback."""
    from django.db import connection

    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}"
    if settings.get("PASSWORD"):
        url += f":{settings['PASSWORD']}"
    url += f"@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "MEKS_"))}
    environment.update({
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": url,
        "DATABASE_CONN_MAX_AGE": "60",
        "MEKS_VAR_DIR": var_dir,
        "MEKS_LOG_LEVEL": "WARNING",
    })
    environment.pop("REDIS_CACHE_URL", None)
    return environment


def _prepare_data() -> str:
    """Make sure there are published projects; return the code of the first one."""
    from meks.demo.builder import build_demo, build_demo_finance, build_demo_portfolio, demo_is_loaded
    from meks.portal.selectors import public_projects

    if not demo_is_loaded():
        build_demo(portfolio=False)
    if not public_projects().exists():
        build_demo_portfolio()
        build_demo_finance()
    return public_projects().order_by("region__kato", "code").values_list("code", flat=True).first()


def _wait_for(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"portal: gunicorn stopped (exit code {server.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"portal: gunicorn did not answer {url} in {timeout:.0f} s")


def _requests_per_second(url: str, seconds: int) -> float:
    """Requests per second ``wrk`` measured for ``url`` (every answer must be a 2xx)."""
    result = subprocess.run(["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{seconds}s", url],
                            capture_output=True, text=True, check=True)
    if "Non-2xx or 3xx responses" in result.stdout:
        raise SystemExit(f"portal: {url} answered errors under load:\n{result.stdout}")
    found = re.search(r"Requests/sec:\s*([\d.]+)", result.stdout)
    if not found:
        raise SystemExit(f"portal: no figure from wrk for {url}:\n{result.stdout}{result.stderr}")
    return float(found.group(1))


def run() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        print("portal: skipped (needs PostgreSQL: run with DATABASE_URL=postgres://...)", flush=True)
        return
    if shutil.which("wrk") is None:
        print("portal: skipped (needs the load tool wrk: apt-get install wrk)", flush=True)
        return
    code = _prepare_data()
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="meks-bench-portal-") as var_dir:
        environment = _environment(var_dir)
        subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=environment,
                       check=True)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [python, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS),
             "--log-level", "warning"], cwd=ROOT, env=environment)
        try:
            _wait_for(base + STATIC, server)
            pages = {"list": "/portal/projects/", "card": f"/portal/projects/{code}/"}
            for path in pages.values():
                _wait_for(base + path, server)
            urls = {"static": base + STATIC, "list": base + pages["list"], "card": base + pages["card"]}
            for url in urls.values():
                _requests_per_second(url, WARM)
            # Interleaved rounds, the best of each URL kept: a machine shared with other work slows some
            # measures at random, and the three URLs then see the same conditions.
            rounds = {name: [] for name in urls}
            for _ in range(ROUNDS):
                for name, url in urls.items():
                    rounds[name].append(_requests_per_second(url, SECONDS))
        finally:
            server.terminate()
            server.wait(timeout=30)
    floor, project_list, card = (max(rounds[name]) for name in ("static", "list", "card"))
    figures = "; ".join(f"{name} " + ", ".join(f"{value:,.0f}" for value in values) for name, values in rounds.items())
    print(f"portal: {WORKERS} gunicorn workers, {CONNECTIONS} connections, {ROUNDS} rounds of {SECONDS} s; "
          f"requests per second: {figures}", flush=True)
    report("portal.project_list", project_list, floor, "requests per second of the project list with the cache warm",
           "those of a static file from the same server")
    report("portal.project_card", card, floor, "requests per second of a project card with the cache warm",
           "those of a static file from the same server")
