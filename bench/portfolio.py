"""Portfolio pages against their raw SQL, on a scaled portfolio (20,000 projects by default).

The data set is ``meks.demo.scale.build_scaled_portfolio``: 20,000 projects, 140,000 milestones (seven per
project, one per milestone kind) and 240,000 monthly reports. ``MEKS_BENCH_PROJECTS`` sets another size
(a smaller one keeps the SQLite run short); ``MEKS_BENCH_REPEAT`` the timed runs per measure (5).

Each page's server time (a signed-in test client, the project office) is set over the time of raw SQL
written by hand for the vendor in use, computing what that page shows:

* the dashboard: the funnel (count and sum per status), the readiness summary, the per-project largest
  milestone lag giving the ten most-late projects and the late count, the delivery confidence distribution
  (lag plus each project's latest report), the rating's per-region aggregates and tender punctuality, and the
  yearly achievement aggregate behind the targets;
* the filtered project list (Karaganda, selection, most late first): the page's 50 rows with their lag,
  readiness and confidence, and the count;
* the region rating: the per-region aggregates, tender punctuality and the regions.

Before timing, the raw SQL's results are checked against the selectors', so both sides compute the same.
"""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

from bench.harness import best_time, report

PROJECTS = int(os.environ.get("MEKS_BENCH_PROJECTS", "20000"))
REPEAT = int(os.environ.get("MEKS_BENCH_REPEAT", "5"))
LIST_QUERY = {"region": "35", "stage": "selection", "sort": "-lag"}


def _in(values: Any) -> str:
    return "(" + ", ".join(["%s"] * len(values)) + ")"


class RawSQL:
    """The hand-written statements of one vendor; ``on`` is the date lag is counted at."""

    def __init__(self, vendor: str, on: Any) -> None:
        from meks.portfolio.choices import PIPELINE_STATUSES, ProjectStatus
        from meks.portfolio.rating import PAST_SELECTION
        from meks.portfolio.readiness import READINESS_FIELDS
        from meks.portfolio.selectors import statuses_of_stage

        self.postgres = vendor == "postgresql"
        self.on = on.isoformat()
        self.pipeline = [str(s) for s in PIPELINE_STATUSES]
        self.past = [str(s) for s in PAST_SELECTION]
        self.closed = [str(s) for s in (ProjectStatus.COMMISSIONED, ProjectStatus.CANCELLED, ProjectStatus.REJECTED)]
        self.selection = [str(s) for s in statuses_of_stage("selection")]
        self.not_ready_statuses = [str(ProjectStatus.CONFIRMED), str(ProjectStatus.CONTRACTOR_DETERMINATION)]
        self.all_ready = " AND ".join(f"p.{field}" for field in READINESS_FIELDS)
        as_int = "::int" if self.postgres else ""
        self.readiness = " + ".join(f"p.{field}{as_int}" for field in READINESS_FIELDS)

    # --- shared pieces -------------------------------------------------------------------------------------

    def milestone_lag(self, alias: str = "m") -> tuple[str, list[Any]]:
        """One milestone's lag in days and its parameters."""
        m = alias
        if self.postgres:
            return (f"GREATEST(COALESCE({m}.actual_date, GREATEST(COALESCE({m}.forecast_date, {m}.baseline_date), "
                    f"%s::date)) - {m}.baseline_date, 0)"), [self.on]
        return (f"MAX(CAST(julianday(COALESCE({m}.actual_date, MAX(COALESCE({m}.forecast_date, {m}.baseline_date), "
                f"%s))) - julianday({m}.baseline_date) AS INTEGER), 0)"), [self.on]

    def lag_cte(self) -> tuple[str, list[Any]]:
        """``lag(project_id, lag)``: every project's largest milestone lag, one pass over the milestones."""
        lag, params = self.milestone_lag()
        return f"lag AS (SELECT m.project_id, MAX({lag}) AS lag FROM portfolio_milestone m GROUP BY m.project_id)", params

    def latest_cte(self) -> str:
        """``latest(project_id, spent, completion_percent)``: each project's latest report."""
        if self.postgres:
            return ("latest AS (SELECT DISTINCT ON (project_id) project_id, spent, completion_percent "
                    "FROM portfolio_progressreport ORDER BY project_id, period DESC)")
        return ("latest AS (SELECT project_id, spent, completion_percent FROM (SELECT project_id, spent, "
                "completion_percent, ROW_NUMBER() OVER (PARTITION BY project_id ORDER BY period DESC) AS n "
                "FROM portfolio_progressreport) WHERE n = 1)")

    def confidence(self, lag: str, spent: str, completion: str) -> tuple[str, list[Any]]:
        """The delivery confidence level (override first) from the lag and the latest report's figures."""
        points = (
            f"(CASE WHEN {lag} > 180 THEN 4 WHEN {lag} > 90 THEN 3 WHEN {lag} > 30 THEN 2 WHEN {lag} > 0 THEN 1 "
            f"ELSE 0 END"
            f" + CASE WHEN p.cost_estimate > 0 AND COALESCE({spent}, 0) * 100.0 / p.cost_estimate "
            f"> COALESCE({completion}, 0) + 20 THEN 1 ELSE 0 END"
            f" + CASE WHEN p.status IN {_in(self.not_ready_statuses)} AND NOT ({self.all_ready}) THEN 1 ELSE 0 END)"
        )
        level = (f"CASE WHEN p.confidence_override <> '' THEN p.confidence_override ELSE CASE {points} "
                 "WHEN 0 THEN 'green' WHEN 1 THEN 'amber_green' WHEN 2 THEN 'amber' WHEN 3 THEN 'amber_red' "
                 "ELSE 'red' END END")
        return level, list(self.not_ready_statuses)

    def count_if(self, condition: str) -> str:
        return f"COUNT(*) FILTER (WHERE {condition})" if self.postgres else f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"

    # --- the statements --------------------------------------------------------------------------------------

    def funnel(self) -> tuple[str, list[Any]]:
        return ("SELECT p.status, COUNT(*), COALESCE(SUM(p.cost_estimate), 0) FROM portfolio_project p "
                "GROUP BY p.status"), []

    def readiness_summary(self) -> tuple[str, list[Any]]:
        return (f"SELECT {self.count_if(self.all_ready)}, {self.count_if(f'NOT ({self.all_ready})')} "
                f"FROM portfolio_project p WHERE p.status IN {_in(self.pipeline)}"), list(self.pipeline)

    def late(self) -> tuple[str, list[Any]]:
        """The ten most-late open projects with region, responsible and owner, and how many are late."""
        cte, params = self.lag_cte()
        return (f"WITH {cte} SELECT p.id, p.code, p.title_ru, r.name_ru, l.lag, u.last_name, u.first_name, "
                "u.middle_name, u.position_ru, o.name_ru, p.status, COUNT(*) OVER () AS late_count "
                "FROM lag l JOIN portfolio_project p ON p.id = l.project_id "
                "JOIN territory_region r ON r.id = p.region_id JOIN accounts_user u ON u.id = p.responsible_id "
                "JOIN accounts_organization o ON o.id = p.owner_id "
                f"WHERE l.lag > 0 AND p.status NOT IN {_in(self.closed)} ORDER BY l.lag DESC, p.code LIMIT 10",
                params + self.closed)

    def confidence_distribution(self) -> tuple[str, list[Any]]:
        cte, params = self.lag_cte()
        level, level_params = self.confidence("COALESCE(l.lag, 0)", "r.spent", "r.completion_percent")
        return (f"WITH {cte}, {self.latest_cte()} SELECT level, COUNT(*) FROM (SELECT {level} AS level "
                "FROM portfolio_project p LEFT JOIN lag l ON l.project_id = p.id "
                "LEFT JOIN latest r ON r.project_id = p.id "
                f"WHERE p.status IN {_in(self.pipeline)} AND p.status <> %s) x GROUP BY level",
                params + level_params + self.pipeline + ["commissioned"])

    def rating_regions(self) -> tuple[str, list[Any]]:
        cte, params = self.lag_cte()
        return (f"WITH {cte} SELECT p.region_id, COUNT(*), {self.count_if(f'p.status IN {_in(self.past)}')}, "
                f"SUM({self.readiness}), {self.count_if('COALESCE(l.lag, 0) = 0')}, "
                f"{self.count_if('p.ready_financing')} "
                "FROM portfolio_project p LEFT JOIN lag l ON l.project_id = p.id "
                f"WHERE p.status IN {_in(self.pipeline)} GROUP BY p.region_id",
                params + self.past + self.pipeline)

    def rating_tenders(self) -> tuple[str, list[Any]]:
        on_time = self.count_if("m.actual_date IS NOT NULL AND m.actual_date <= m.baseline_date")
        return (f"SELECT p.region_id, COUNT(*), {on_time} FROM portfolio_milestone m "
                "JOIN portfolio_project p ON p.id = m.project_id "
                f"WHERE p.status IN {_in(self.pipeline)} AND m.kind = %s AND m.baseline_date <= %s "
                "GROUP BY p.region_id", [*self.pipeline, "tender_published", self.on])

    def regions(self) -> tuple[str, list[Any]]:
        return "SELECT r.id, r.kato, r.name_ru FROM territory_region r ORDER BY r.kato", []

    def achievement(self) -> tuple[str, list[Any]]:
        """Per year and direction: each project's last report of the year minus its last of an earlier year."""
        figures = ("(r.km_heat + r.km_power + r.km_water + r.km_sewer) AS km, r.mw_commissioned AS mw, "
                   "r.equipment_installed AS units, r.spent AS spent")
        if self.postgres:
            last_of_year = ("SELECT DISTINCT ON (r.project_id, EXTRACT(YEAR FROM r.period)) r.project_id, "
                            f"EXTRACT(YEAR FROM r.period)::int AS year, {figures} FROM portfolio_progressreport r "
                            "ORDER BY r.project_id, EXTRACT(YEAR FROM r.period), r.period DESC")
        else:
            last_of_year = ("SELECT project_id, year, km, mw, units, spent FROM (SELECT r.project_id, "
                            f"CAST(strftime('%%Y', r.period) AS INTEGER) AS year, {figures}, ROW_NUMBER() OVER "
                            "(PARTITION BY r.project_id, strftime('%%Y', r.period) ORDER BY r.period DESC) AS n "
                            "FROM portfolio_progressreport r) WHERE n = 1")
        deltas = ", ".join(f"SUM(y.{name} - COALESCE(y.previous_{name}, 0))" for name in ("km", "mw", "units", "spent"))
        previous = ", ".join(f"LAG({name}) OVER w AS previous_{name}" for name in ("km", "mw", "units", "spent"))
        return (f"SELECT y.year, p.direction_id, {deltas} FROM (SELECT project_id, year, km, mw, units, spent, "
                f"{previous} FROM ({last_of_year}) last_of_year "
                "WINDOW w AS (PARTITION BY project_id ORDER BY year)) y "
                "JOIN portfolio_project p ON p.id = y.project_id GROUP BY y.year, p.direction_id"), []

    def targets(self) -> tuple[str, list[Any]]:
        return ("SELECT t.id, t.metric, t.year, t.value, d.code, d.name_ru FROM portfolio_target t "
                "LEFT JOIN portfolio_direction d ON d.id = t.direction_id"), []

    def dashboard(self) -> list[tuple[str, list[Any]]]:
        return [self.funnel(), self.readiness_summary(), self.late(), self.confidence_distribution(),
                self.rating_regions(), self.rating_tenders(), self.regions(), self.achievement(), self.targets()]

    def rating(self) -> list[tuple[str, list[Any]]]:
        return [self.rating_regions(), self.rating_tenders(), self.regions()]

    def project_list(self, kato: str, stage_statuses: list[str]) -> list[tuple[str, list[Any]]]:
        """The filtered list's first page sorted by lag (with readiness and confidence), and its count."""
        where = f"r.kato = %s AND p.status IN {_in(stage_statuses)}"
        count = (f"SELECT COUNT(*) FROM portfolio_project p JOIN territory_region r ON r.id = p.region_id "
                 f"WHERE {where}", [kato, *stage_statuses])
        lag, lag_params = self.milestone_lag()
        columns = ("p.id AS project_id, p.code AS project_code, p.*, r.kato, r.name_ru, d.code, d.name_ru, o.name_ru, u.last_name, u.first_name, u.middle_name")
        joins = ("JOIN territory_region r ON r.id = p.region_id JOIN portfolio_direction d ON d.id = p.direction_id "
                 "JOIN accounts_organization o ON o.id = p.owner_id JOIN accounts_user u ON u.id = p.responsible_id")
        if self.postgres:
            level, level_params = self.confidence("l.lag", "lr.spent", "lr.completion_percent")
            rows = (f"SELECT {columns}, l.lag, {self.readiness} AS readiness, {level} AS confidence "
                    f"FROM portfolio_project p {joins} "
                    f"CROSS JOIN LATERAL (SELECT COALESCE(MAX({lag}), 0) AS lag FROM portfolio_milestone m "
                    "WHERE m.project_id = p.id) l "
                    "LEFT JOIN LATERAL (SELECT spent, completion_percent FROM portfolio_progressreport x "
                    "WHERE x.project_id = p.id ORDER BY x.period DESC LIMIT 1) lr ON true "
                    f"WHERE {where} ORDER BY l.lag DESC, p.code LIMIT 50",
                    level_params + lag_params + [kato, *stage_statuses])
        else:
            level, level_params = self.confidence("lag", "spent", "completion")
            latest = ("(SELECT x.{0} FROM portfolio_progressreport x WHERE x.project_id = p.id "
                      "ORDER BY x.period DESC LIMIT 1)")
            inner = (f"SELECT {columns}, {latest.format('spent')} AS spent, "
                     f"{latest.format('completion_percent')} AS completion, COALESCE((SELECT MAX({lag}) "
                     f"FROM portfolio_milestone m WHERE m.project_id = p.id), 0) AS lag, {self.readiness} AS readiness "
                     f"FROM portfolio_project p {joins} WHERE {where}")
            rows = (f"SELECT p.*, {level} AS confidence FROM ({inner}) p ORDER BY p.lag DESC, p.code LIMIT 50",
                    level_params + lag_params + [kato, *stage_statuses])
        return [count, rows]


def execute(statements: list[tuple[str, list[Any]]]) -> list[list[tuple]]:
    from django.db import connection

    results = []
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            results.append(cursor.fetchall())
    return results


def _close(a: Any, b: Any) -> bool:
    return abs(Decimal(str(a or 0)) - Decimal(str(b or 0))) <= Decimal("0.05")


def check(raw: RawSQL, office: Any) -> None:
    """The raw SQL computes what the selectors compute (before any timing)."""
    from meks.portfolio import selectors
    from meks.portfolio.achievement import _yearly_achievement
    from meks.portfolio.choices import STAGE_OF_STATUS
    from meks.portfolio.rating import compute_rating
    from meks.portfolio.readiness import READINESS_FIELDS
    from meks.portfolio.selectors import PortfolioFilters

    funnel, readiness, late, confidence, regions, tenders, _regions, achievement, _targets = execute(raw.dashboard())
    by_stage: dict[str, int] = {}
    for status, count, _total in funnel:
        by_stage[STAGE_OF_STATUS[status]] = by_stage.get(STAGE_OF_STATUS[status], 0) + count
    assert by_stage == {row["stage"]: row["count"] for row in selectors.pipeline_funnel(user=office) if row["count"]}
    summary = selectors.readiness_summary(user=office)
    assert (summary["ready"], summary["under_refinement"]) == tuple(readiness[0])
    assert [row[1] for row in late] == [p.code for p in selectors.late_projects(user=office)]
    assert late[0][-1] == selectors.late_project_count(user=office)
    if raw.postgres:
        # On SQLite the selectors' spending-ahead-of-progress test divides integers (spent * 100 / estimate is
        # truncated), so a project whose gap is just above 20 points loses its point there: compare on PostgreSQL.
        assert dict(confidence) == {
            row["level"]: row["count"] for row in selectors.confidence_distribution(user=office) if row["count"]}
    scores = {score.region.pk: score for score in compute_rating()}
    for region_id, total, _past, readiness_sum, on_schedule, _financed in regions:
        score = scores[region_id]
        assert score.projects == total
        assert _close(score.components["readiness"], Decimal(readiness_sum) / (total * len(READINESS_FIELDS)))
        assert _close(score.components["schedule"], Decimal(on_schedule) / total)
    for region_id, due, on_time in tenders:
        assert _close(scores[region_id].components["tenders_on_time"], Decimal(on_time) / due)
    visible = selectors.project_queryset(user=office).order_by().values("pk")
    expected = {(row["year"], row["project__direction"]): row for row in _yearly_achievement(visible)}
    assert len(expected) == len(achievement)
    for year, direction, km, mw, units, spent in achievement:
        row = expected[int(year), direction]
        assert _close(row["network_km"], km) and _close(row["capacity_mw"], mw)
        assert int(row["equipment_units"]) == int(units) and _close(row["investment"], spent)
    count, rows = execute(raw.project_list(LIST_QUERY["region"], raw.selection))
    listed = selectors.project_list(user=office, filters=PortfolioFilters.from_query(LIST_QUERY),
                                    ordering=LIST_QUERY["sort"])
    assert count[0][0] == listed.count()
    page = list(listed[:50])
    assert [(row[1], row[-3]) for row in rows] == [(p.code, p.lag_days) for p in page]
    if raw.postgres:
        assert [row[-1] for row in rows] == [p.confidence for p in page]


def run() -> None:
    from django.db import connection
    from django.test import Client

    from meks.accounts.models import User
    from meks.demo.scale import build_scaled_portfolio
    from meks.portfolio.schedule import today

    build_scaled_portfolio(projects=PROJECTS)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics after the bulk load, as autovacuum would give
    office = User.objects.get(username="office")
    client = Client()
    client.force_login(office)
    raw = RawSQL(connection.vendor, today())
    check(raw, office)

    def get(path: str, params: dict[str, str] | None = None):
        def page() -> None:
            response = client.get(path, params or {})
            assert response.status_code == 200, response.status_code
        return page

    def sql(statements: list[tuple[str, list[Any]]]):
        return lambda: execute(statements)

    measures = [
        ("portfolio.dashboard", get("/portfolio/"), sql(raw.dashboard()),
         "raw SQL of its funnel, readiness, lag (late top 10 and count), confidence, rating and achievement"),
        ("portfolio.project_list_filtered", get("/portfolio/projects/", LIST_QUERY),
         sql(raw.project_list(LIST_QUERY["region"], raw.selection)), "raw SQL of its rows (lag, confidence) and count"),
        ("portfolio.region_rating", get("/portfolio/rating/"), sql(raw.rating()), "raw SQL of the rating aggregates"),
    ]
    for name, page, floor, over in measures:
        report(name, best_time(page, REPEAT), best_time(floor, REPEAT), "page server time", over)
