"""The portfolio pages make as many queries for 1,000 projects as for 10: no query per row, region or project.

Each page is requested once to warm per-process caches, then counted; the portfolio is grown from 10 to
1,000 projects (``meks.demo.scale``) and every page must make exactly the same number of queries again.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from meks.demo.scale import build_scaled_portfolio
from meks.portfolio import selectors
from meks.portfolio.choices import STAGE_OF_STATUS
from meks.portfolio.models import Project


def _pages(user, project: Project) -> dict[str, tuple[str, dict[str, str]]]:
    """The pages counted, with filters taken from ``project`` so that every list has rows at both sizes."""
    derived = selectors.project_get(user=user, pk=project.pk)
    stage = STAGE_OF_STATUS[project.status]
    word = project.title_ru.split()[0]
    return {
        "dashboard": ("/portfolio/", {}),
        "dashboard_filtered": ("/portfolio/", {"region": project.region.kato, "direction": project.direction.code}),
        "project_list": ("/portfolio/projects/", {"region": project.region.kato, "stage": stage, "sort": "-lag"}),
        "project_list_late": ("/portfolio/projects/", {"late": "1" if derived.lag_days else "0",
                                                       "confidence": derived.confidence, "sort": "-confidence",
                                                       "page": "2"}),
        "project_list_search": ("/portfolio/projects/", {"q": word, "direction": project.direction.code,
                                                         "sort": "title"}),
        "rating": ("/portfolio/rating/", {}),
        "rating_direction": ("/portfolio/rating/", {"direction": project.direction.code}),
        "project_detail": (f"/portfolio/projects/{project.pk}/", {}),
    }


def _visible_project(username: str) -> Project:
    """A project the user sees: any for the project office, one in Karaganda region for its akimat."""
    projects = Project.objects.order_by("pk")
    if username == "akimat.karaganda":
        projects = projects.filter(region__kato="35")
    project = projects.first()
    assert project is not None, "the scaled portfolio has no project this user sees"
    return project


def _counts(client: Client, pages: dict[str, tuple[str, dict[str, str]]]) -> dict[str, tuple[int, list[str]]]:
    counts = {}
    for name, (path, params) in pages.items():
        assert client.get(path, params).status_code == 200, name  # warm-up
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, params)
        assert response.status_code == 200, name
        if "page" in response.context:
            assert len(response.context["page"].object_list), f"{name} lists no project"
        counts[name] = (len(queries), [query["sql"] for query in queries.captured_queries])
    return counts


@pytest.mark.parametrize("username", ["office", "akimat.karaganda"])
def test_pages_make_the_same_number_of_queries_for_10_and_1000_projects(demo, username):
    build_scaled_portfolio(projects=10)
    if username == "akimat.karaganda" and not Project.objects.filter(region__kato="35").exists():
        build_scaled_portfolio(projects=20)  # make sure the akimat sees at least one project
    client = Client()
    client.force_login(demo[username])
    project = _visible_project(username)
    pages = _pages(demo[username], project)
    small = _counts(client, pages)
    small_total = Project.objects.count()

    build_scaled_portfolio(projects=1000 - small_total)
    assert Project.objects.count() == 1000
    large = _counts(client, pages)

    differing = {name: (small[name][0], large[name][0]) for name in small if small[name][0] != large[name][0]}
    details = "\n\n".join(
        f"{name}: {small[name][0]} queries with {small_total} projects, {large[name][0]} with 1000:\n"
        + "\n".join(sql[:200] for sql in large[name][1])
        for name in differing
    )
    assert not differing, details
    # Something was counted: the pages read the portfolio.
    assert all(count > 3 for count, _sql in large.values())
