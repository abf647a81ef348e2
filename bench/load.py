"""Load and soak: the platform under gunicorn (production settings) with a realistic mix of users.

Needs PostgreSQL (``DATABASE_URL=postgres://...``); on SQLite it prints that it was skipped. The bench's
throw-away database gets the whole demo data set; gunicorn serves it with ``MEKS_BENCH_LOAD_WORKERS`` sync
workers (3) and persistent connections; locust (headless, in a subprocess, ``bench/_load_users.py``) plays
officials on dashboards, contact-centre operators registering appeals through the API, collection systems
posting readings in bulk, and the public on the portal and the appeal tracking.

Two phases:

* **load**: ``MEKS_BENCH_LOAD_USERS`` users (24) for ``MEKS_BENCH_LOAD_SECONDS`` (60);
* **soak**: ``MEKS_BENCH_SOAK_USERS`` users (6) for ``MEKS_BENCH_SOAK_SECONDS`` (180; 0 skips it), with the
  resident memory (RSS) of every worker read at its start and end.

Printed per phase and kind of user: requests per second, latency percentiles (50/95/99) and errors; then
``load.dashboard_p95`` (the 95th percentile of the officials' pages over that of a static file in the same
run) and ``load.soak_rss`` (workers' RSS at the end of the soak over that at its start). The run passes with
zero errors and no lost write: every appeal acknowledged (201) is in the database, and the readings of the
acknowledged batches are there in the numbers the answers gave (no more rows than that were added either).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.harness import report

ROOT = Path(__file__).resolve().parents[1]
WORKERS = int(os.environ.get("MEKS_BENCH_LOAD_WORKERS", "3"))
LOAD_USERS = int(os.environ.get("MEKS_BENCH_LOAD_USERS", "24"))
LOAD_SECONDS = int(os.environ.get("MEKS_BENCH_LOAD_SECONDS", "60"))
SOAK_USERS = int(os.environ.get("MEKS_BENCH_SOAK_USERS", "6"))
SOAK_SECONDS = int(os.environ.get("MEKS_BENCH_SOAK_SECONDS", "180"))
#: Collected static files are kept here between runs (collecting and compressing them takes a minute).
VAR_DIR = Path(os.environ.get("MEKS_BENCH_LOAD_VAR", Path(tempfile.gettempdir()) / "meks-bench-load"))
OFFICIALS = ["office", "ministry", "akimat.karaganda", "techoperator"]
KINDS = ["official", "operator", "collector", "public", "static"]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(database_url: str) -> dict[str, str]:
    alphabet = string.ascii_letters + string.digits
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(64)),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "60",
        "MEKS_VAR_DIR": str(VAR_DIR),
        "MEKS_LOG_LEVEL": "WARNING",
        "CELERY_BROKER_URL": "",
        "PYTHONPATH": str(ROOT),
    }


def _collect_static(environment: dict[str, str]) -> str:
    """Collect the static files once (again when a source file is newer); the stylesheet's hashed path."""
    manifest = VAR_DIR / "static" / "staticfiles.json"
    newest = max(path.stat().st_mtime for path in (ROOT / "meks").rglob("static/**/*") if path.is_file())
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT,
                       env=environment, check=True)
    return "/static/" + json.loads(manifest.read_text())["paths"]["css/meks.css"]


def _plan(static_path: str) -> dict:
    """What the simulated users need: accounts, tokens, meters with their last values, appeals to track."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.db.models import Max
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from meks.accounts.models import User
    from meks.appeals.models import Appeal, Category
    from meks.metering.models import Meter, Reading
    from meks.territory.models import Region

    collector = User.objects.get(username="utility")
    # The bench's settings hash passwords with MD5 for speed; production checks them with its own hashers.
    password, hasher = os.environ.get("MEKS_DEMO_PASSWORD", "demo"), PBKDF2PasswordHasher()
    for username in OFFICIALS:
        User.objects.filter(username=username).update(password=hasher.encode(password, hasher.salt()))
    meters = list(Meter.objects.filter(building__utility_id=collector.organization_id, removed_on__isnull=True,
                                       next_verification_on__gt=timezone.localdate())
                  .annotate(last_value=Max("readings__value")).order_by("pk")
                  .values_list("serial", "last_value")[:400])
    last = Reading.objects.filter(meter__building__utility_id=collector.organization_id).aggregate(at=Max("taken_at"))["at"]
    start = (last or timezone.now() - dt.timedelta(days=10)) + dt.timedelta(minutes=1)
    # Steps fit between the last demo reading and now, whatever the number of batches the run sends.
    step_seconds = max(1, int((timezone.now() - start).total_seconds() // 20000))
    return {
        "password": password,
        "officials": OFFICIALS,
        "operator_token": Token.objects.get_or_create(user=User.objects.get(username="operator"))[0].key,
        "collector_token": Token.objects.get_or_create(user=collector)[0].key,
        "categories": list(Category.objects.values_list("code", flat=True)),
        "regions": list(Region.objects.values_list("kato", flat=True)),
        "meters": [[serial, float(value or 0)] for serial, value in meters],
        "readings_from": start.isoformat(),
        "step_seconds": step_seconds,
        "appeals": list(Appeal.objects.order_by("pk").values_list("number", "access_code")[:200]),
        "static_path": static_path,
    }


def _start_gunicorn(environment: dict[str, str], log: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "config.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", str(WORKERS), "--timeout", "60"],
            cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=log_file, start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn did not start: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(urllib.request.Request(url + "/healthz", headers={"X-Forwarded-Proto": "https"}),
                                        timeout=5) as answer:
                if answer.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer /healthz in 60 s")


def _workers_rss(process: subprocess.Popen) -> list[float]:
    """Resident memory of each gunicorn worker, in MB."""
    import psutil

    return [child.memory_info().rss / 2**20 for child in psutil.Process(process.pid).children()]


def _swarm(url: str, plan_path: Path, users: int, seconds: int) -> dict:
    result_path = plan_path.with_name(f"result-{users}-{seconds}.json")
    subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "_load_users.py"), "--headless",
         "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{seconds}s", "--host", url,
         "--only-summary", "--stop-timeout", "10", "--loglevel", "ERROR", "--exit-code-on-error", "0"],
        cwd=ROOT, env={**os.environ, "MEKS_LOAD_PLAN": str(plan_path), "MEKS_LOAD_RESULT": str(result_path)},
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return json.loads(result_path.read_text())


def _print_phase(phase: str, result: dict, seconds: int) -> int:
    """One line per kind of user; returns the number of errors."""
    total_errors = 0
    for kind in KINDS:
        times = result["timings"].get(kind, [])
        kind_errors = sum(result["errors"].get(kind, {}).values())
        total_errors += kind_errors
        print(f"load: {phase} {kind}: {len(times) / seconds:.1f} req/s, {len(times)} requests, "
              f"p50 {_percentile(times, 0.5):.0f} ms, p95 {_percentile(times, 0.95):.0f} ms, "
              f"p99 {_percentile(times, 0.99):.0f} ms, {kind_errors} errors", flush=True)
        for what, count in sorted(result["errors"].get(kind, {}).items())[:5]:
            print(f"load:   {count} x {what}", flush=True)
    return total_errors


def _check_writes(results: list[dict], readings_before: int, appeals_before: int) -> bool:
    """Every acknowledged write is in the database, exactly; prints what was sent and what is there."""
    from meks.appeals.models import Appeal
    from meks.metering.models import Reading

    numbers = [number for result in results for number in result["acknowledged"]["appeals"]]
    batches = [batch for result in results for batch in result["acknowledged"]["batches"]]
    appeals_found = Appeal.objects.filter(number__in=numbers).count()
    appeals_added = Appeal.objects.count() - appeals_before
    readings_acknowledged = sum(accepted + estimated for _id, accepted, estimated in batches)
    readings_found = Reading.objects.filter(batch_id__in=[batch_id for batch_id, *_counts in batches]).count()
    readings_added = Reading.objects.count() - readings_before
    print(f"load: writes: appeals acknowledged {len(numbers)}, found {appeals_found}, added {appeals_added}; "
          f"readings acknowledged {readings_acknowledged} in {len(batches)} batches, found {readings_found}, "
          f"added {readings_added}", flush=True)
    return (appeals_found == len(numbers) == appeals_added and len(set(numbers)) == len(numbers)
            and readings_found == readings_acknowledged == readings_added)


def run() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        print("load: skipped (needs PostgreSQL: set DATABASE_URL=postgres://...)", flush=True)
        return
    from meks.appeals.models import Appeal
    from meks.demo.builder import build_demo, demo_is_loaded
    from meks.metering.models import Reading

    if not demo_is_loaded():
        build_demo()
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    database_url = f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    environment = _environment(database_url)
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    static_path = _collect_static(environment)
    workdir = Path(tempfile.mkdtemp(prefix="meks-load-"))
    plan_path = workdir / "plan.json"
    plan_path.write_text(json.dumps(_plan(static_path)))
    appeals_before, readings_before = Appeal.objects.count(), Reading.objects.count()
    connection.close()  # the bench's own connection must not hold anything while the platform writes

    server_log = workdir / "gunicorn.log"
    process, url = _start_gunicorn(environment, server_log)
    results, errors = [], 0
    try:
        load = _swarm(url, plan_path, LOAD_USERS, LOAD_SECONDS)
        results.append(load)
        errors += _print_phase(f"load ({LOAD_USERS} users, {LOAD_SECONDS} s)", load, LOAD_SECONDS)
        official = load["timings"].get("official", [])
        static = load["timings"].get("static", [])
        if official and static:
            report("load.dashboard_p95", _percentile(official, 0.95), max(_percentile(static, 0.95), 1.0),
                   "95th percentile of the officials' dashboards", "that of a static file, same run")
        if SOAK_SECONDS > 0:
            rss_start = _workers_rss(process)
            soak = _swarm(url, plan_path, SOAK_USERS, SOAK_SECONDS)
            rss_end = _workers_rss(process)
            results.append(soak)
            errors += _print_phase(f"soak ({SOAK_USERS} users, {SOAK_SECONDS} s)", soak, SOAK_SECONDS)
            print("load: soak workers' RSS MB at start " + ", ".join(f"{value:.0f}" for value in rss_start)
                  + "; at end " + ", ".join(f"{value:.0f}" for value in rss_end), flush=True)
            report("load.soak_rss", sum(rss_end), sum(rss_start), "workers' RSS at the end of the soak",
                   "at its start")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    if errors:
        # The server's own account of its errors (tracebacks are logged, never shown to users).
        print(f"load: server log {server_log}, last lines:", flush=True)
        for line in server_log.read_text(errors="replace").splitlines()[-40:]:
            print(f"load:   {line}", flush=True)
    writes_kept = _check_writes(results, readings_before, appeals_before)
    verdict = "pass" if errors == 0 and writes_kept else "FAIL"
    print(f"load: {verdict} ({errors} errors, {'no lost write' if writes_kept else 'writes do not add up'})",
          flush=True)
