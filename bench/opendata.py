"""The streamed OC4IDS export of the whole portfolio against ``json.dumps`` of the same package in memory.

The data set is ``meks.demo.scale.build_scaled_portfolio`` (20,000 projects by default; ``MEKS_BENCH_PROJECTS``
sets another size), each project given two financing plans (two years, two sources) so its record carries a
budget breakdown. Measures:

* ``opendata.oc4ids_stream``: the time to serve ``/opendata/oc4ids/projects.json`` through the test client
  and consume the whole streamed body, over the time of ``json.dumps`` of the same package already built in
  memory (the records are built first, untimed; only the dumps is timed). Aim: at most 3.
* ``opendata.oc4ids_stream_memory``: the peak memory (``tracemalloc``) of consuming the stream at a first
  size (``MEKS_BENCH_SMALL``, 5,000 by default) and at the full size, and their ratio: a flat stream keeps
  it near 1 while the body grows with the size. For contrast, the peak of building the package in memory
  and dumping it at the full size.

``MEKS_BENCH_REPEAT`` sets the timed runs (3).
"""

from __future__ import annotations

import json
import os
import time
import tracemalloc

from bench.harness import best_time, report

PROJECTS = int(os.environ.get("MEKS_BENCH_PROJECTS", "20000"))
SMALL = min(int(os.environ.get("MEKS_BENCH_SMALL", "5000")), PROJECTS)
REPEAT = int(os.environ.get("MEKS_BENCH_REPEAT", "3"))
URL = "/opendata/oc4ids/projects.json"


def _grow_to(size: int) -> None:
    """Scale the portfolio up to ``size`` projects, each new one with two financing plans."""
    from meks.demo.scale import build_scaled_portfolio
    from meks.finance.models import FinancingChannel, FinancingPlan
    from meks.portfolio.models import Project

    have = Project.objects.count()
    if size <= have:
        return
    build_scaled_portfolio(projects=size - have, milestones_per_project=1, reports_per_project=0)
    channels = list(FinancingChannel.objects.order_by("order", "pk")[:4])
    plans = []
    for project in Project.objects.filter(financing_plans__isnull=True).only("pk", "cost_estimate").iterator(
            chunk_size=2000):
        for number, year in enumerate((2026, 2027)):
            channel = channels[(project.pk + number) % len(channels)]
            plans.append(FinancingPlan(project_id=project.pk, year=year, source=channel,
                                       amount=(project.cost_estimate / 2).quantize(1)))
    FinancingPlan.objects.bulk_create(plans, batch_size=2000)


def _consume(client) -> int:
    response = client.get(URL)
    assert response.status_code == 200 and response.streaming
    return sum(len(piece) for piece in response.streaming_content)


def _stream_peak(client) -> tuple[int, int]:
    tracemalloc.start()
    try:
        size = _consume(client)
        return tracemalloc.get_traced_memory()[1], size
    finally:
        tracemalloc.stop()


def _megabytes(value: int) -> str:
    return f"{value / 1_048_576:.1f} MB"


def run() -> None:
    from django.db import connection
    from django.test import Client

    from meks.demo.builder import build_demo
    from meks.opendata import feeds
    from meks.opendata.oc4ids import project_package, publication_queryset

    build_demo(portfolio=False)
    client = Client()
    _grow_to(SMALL)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    _consume(client)  # warm-up
    small_peak, small_body = _stream_peak(client)
    small_count = feeds.public_projects().count()
    _grow_to(PROJECTS)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    _consume(client)
    large_peak, large_body = _stream_peak(client)
    large_count = feeds.public_projects().count()

    state = feeds.portfolio_state()
    start = time.perf_counter()
    package = project_package(publication_queryset(feeds.public_projects()), uri="http://testserver" + URL,
                              published=state.latest)
    build_seconds = time.perf_counter() - start
    assert len(package["projects"]) == large_count

    def dumps() -> None:
        json.dumps(package, ensure_ascii=False, separators=(",", ":"))

    stream_seconds = best_time(lambda: _consume(client), REPEAT)
    dumps_seconds = best_time(dumps, REPEAT)
    print(f"opendata: {large_count} published projects of {PROJECTS} ({connection.vendor}); body "
          f"{_megabytes(large_body)}; stream {stream_seconds:.2f} s, records built in memory {build_seconds:.2f} s, "
          f"json.dumps {dumps_seconds:.2f} s", flush=True)
    report("opendata.oc4ids_stream", stream_seconds, dumps_seconds, "streamed export, consumed",
           "json.dumps of the same package built in memory")
    package = None  # freed before the memory measure

    tracemalloc.start()
    try:
        built = project_package(publication_queryset(feeds.public_projects()), uri="http://testserver" + URL,
                                published=state.latest)
        json.dumps(built, ensure_ascii=False, separators=(",", ":"))
        memory_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        built = None
    print(f"opendata.oc4ids_stream_memory: peak {_megabytes(small_peak)} for {small_count} projects "
          f"(body {_megabytes(small_body)}), {_megabytes(large_peak)} for {large_count} projects "
          f"(body {_megabytes(large_body)}): ratio {large_peak / small_peak:.2f} for {large_count / small_count:.1f} "
          f"times the projects; in memory (records + json.dumps) {_megabytes(memory_peak)}", flush=True)
