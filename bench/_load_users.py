"""The users of the load run (a locust file; ``bench/load.py`` starts locust with it, never import it).

Four kinds of user, each request named ``<kind>: <page>`` so that figures and errors are told apart:

* ``official``: signs in through the log-in form and reads dashboards (home, portfolio, rating, finance, metering);
* ``operator``: the contact centre registering appeals through the API (token);
* ``collector``: a meter-data collection system posting readings in bulk (token);
* ``public``: the portal, the public tracking of an appeal by number and code, and a static file (the floor).

The platform runs with its production settings behind no TLS proxy, so every request says
``X-Forwarded-Proto: https`` as the proxy would, and the secure cookies are sent back over the loopback.
At the end, every timing, every error and every acknowledged write is written to ``MEKS_LOAD_RESULT``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task

PLAN: dict[str, Any] = json.loads(Path(os.environ["MEKS_LOAD_PLAN"]).read_text(encoding="utf-8"))
PROXY = {"X-Forwarded-Proto": "https"}
#: Successive readings of every meter: one step later in time and a little higher each batch.
STEPS = itertools.count(1)

timings: dict[str, list[float]] = defaultdict(list)
errors: dict[str, Counter] = defaultdict(Counter)
acknowledged: dict[str, list] = {"appeals": [], "batches": []}


@events.request.add_listener
def record(request_type, name, response_time, response_length, exception=None, **_kwargs) -> None:
    kind = name.split(":", 1)[0]
    timings[kind].append(response_time)
    if exception is not None:
        errors[kind][f"{name}: {str(exception)[:120]}"] += 1


@events.quitting.add_listener
def write_result(environment, **_kwargs) -> None:
    Path(os.environ["MEKS_LOAD_RESULT"]).write_text(json.dumps({
        "timings": timings, "errors": {kind: dict(counts) for kind, counts in errors.items()},
        "acknowledged": acknowledged}), encoding="utf-8")


class PlatformUser(HttpUser):
    """What every kind of user shares: the proxy header, cookies sent back over plain HTTP."""

    abstract = True

    def on_start(self) -> None:
        self.client.headers.update(PROXY)

    def unsecure_cookies(self) -> None:
        # The platform marks its cookies Secure (it expects HTTPS at the proxy); the client is on the loopback.
        for cookie in self.client.cookies:
            cookie.secure = False

    def form_post(self, path: str, data: dict[str, str], name: str, **kwargs: Any):
        """GET the form for its CSRF cookie, then POST it as a browser would (same-origin Referer)."""
        self.client.get(path, name=name.replace("post", "get"))
        self.unsecure_cookies()
        data = {**data, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}
        referer = self.host.replace("http://", "https://") + path
        return self.client.post(path, data=data, name=name, headers={"Referer": referer}, **kwargs)


class Official(PlatformUser):
    """An official on the dashboards."""

    weight = 8
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        super().on_start()
        username = random.choice(PLAN["officials"])
        with self.form_post("/accounts/login/", {"username": username, "password": PLAN["password"]},
                            name="official: log-in post", allow_redirects=False, catch_response=True) as answer:
            if answer.status_code != 302:
                answer.failure(f"log-in of {username} answered {answer.status_code}")
        self.unsecure_cookies()

    @task(3)
    def home(self) -> None:
        self.client.get("/", name="official: home")

    @task(3)
    def portfolio(self) -> None:
        self.client.get("/portfolio/", name="official: portfolio dashboard")

    @task(1)
    def rating(self) -> None:
        self.client.get("/portfolio/rating/", name="official: region rating")

    @task(2)
    def finance(self) -> None:
        self.client.get("/finance/", name="official: finance dashboard")

    @task(2)
    def metering(self) -> None:
        self.client.get("/metering/", name="official: metering dashboard")


class Operator(PlatformUser):
    """A contact-centre operator registering appeals received by phone."""

    weight = 4
    wait_time = between(1.0, 3.0)

    def on_start(self) -> None:
        super().on_start()
        self.client.headers["Authorization"] = f"Token {PLAN['operator_token']}"

    @task(4)
    def register(self) -> None:
        body = {
            "channel": "phone", "category": random.choice(PLAN["categories"]), "region": random.choice(PLAN["regions"]),
            "text": f"Нагрузочный прогон: обращение {random.getrandbits(48):012x}",
            "applicant_name": "Айгерим Ахметова", "applicant_phone": "+7 701 555 12 34",
        }
        with self.client.post("/api/v1/appeals/items/", json=body, name="operator: register appeal",
                              catch_response=True) as answer:
            if answer.status_code == 201:
                acknowledged["appeals"].append(answer.json()["number"])
            else:
                answer.failure(f"{answer.status_code} {answer.text[:200]}")

    @task(1)
    def list_appeals(self) -> None:
        self.client.get("/api/v1/appeals/items/?limit=20", name="operator: appeal list")


class Collector(PlatformUser):
    """A collection system posting a batch of readings of its meters."""

    weight = 2
    wait_time = between(0.5, 1.5)
    batch_size = int(os.environ.get("MEKS_LOAD_BATCH", "50"))

    def on_start(self) -> None:
        super().on_start()
        self.client.headers["Authorization"] = f"Token {PLAN['collector_token']}"

    @task
    def post_readings(self) -> None:
        step = next(STEPS)
        start = dt.datetime.fromisoformat(PLAN["readings_from"])
        taken_at = (start + dt.timedelta(seconds=step * PLAN["step_seconds"])).isoformat()
        meters = random.sample(PLAN["meters"], min(self.batch_size, len(PLAN["meters"])))
        rows = [{"meter": serial, "taken_at": taken_at, "value": f"{last + step * 0.01:.3f}"} for serial, last in meters]
        with self.client.post("/api/v1/metering/readings/", json=rows, name="collector: post readings",
                              catch_response=True) as answer:
            if answer.status_code == 201:
                batch = answer.json()
                acknowledged["batches"].append([batch["id"], batch["accepted"], batch["estimated"]])
            else:
                answer.failure(f"{answer.status_code} {answer.text[:200]}")


class Public(PlatformUser):
    """A citizen on the portal following an appeal; also fetches a static file, the floor of the ratios."""

    weight = 10
    wait_time = between(0.5, 2.0)

    @task(3)
    def portal(self) -> None:
        self.client.get("/portal/", name="public: portal")

    @task(2)
    def projects(self) -> None:
        self.client.get("/portal/projects/", name="public: portal projects")

    @task(2)
    def track(self) -> None:
        number, code = random.choice(PLAN["appeals"])
        with self.form_post("/appeal/track/", {"number": number, "access_code": code}, name="public: track post",
                            catch_response=True) as answer:
            if answer.status_code != 200 or number not in answer.text:
                answer.failure(f"tracking {number} answered {answer.status_code}")

    @task(3)
    def static_file(self) -> None:
        self.client.get(PLAN["static_path"], name="static: stylesheet")
