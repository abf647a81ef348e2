"""The portfolio's region views show each region's wear zone and funding priority, and sort and filter by it."""

from decimal import Decimal

import pytest

from meks.core.region_figures import region_figures
from meks.territory.models import Region

from .test_zoning_priority import record_wear


@pytest.fixture
def projects(demo):
    from meks.accounts.models import Organization
    from meks.portfolio import services as portfolio
    from meks.portfolio.models import Direction

    direction = Direction.objects.create(code="heat", name_ru="Теплоснабжение", order=1)
    made = {}
    for kato in ("39", "10", "35", "55"):
        region = Region.objects.get(kato=kato)
        made[kato] = portfolio.project_create(
            actor=None, code=f"P-{kato}", title_ru=f"Проект {kato}", direction=direction, project_type="replacement",
            region=region, owner=Organization.objects.get(kind="akimat", region=region), responsible=demo["office"],
            cost_estimate=Decimal("1000000"))
    return made


def test_region_figures_registry_holds_the_priority(demo):
    record_wear()
    figures = region_figures()
    karaganda = Region.objects.get(kato="35")
    assert figures[karaganda.pk]["zone"] == "red"
    assert figures[karaganda.pk]["priority_rank"] == 1
    assert figures[karaganda.pk]["priority_score"] == Decimal("58.55")


def test_project_list_sorts_and_filters_by_region_priority(client_for, projects):
    record_wear()
    client = client_for("office")
    response = client.get("/portfolio/projects/", {"sort": "priority"})
    assert response.status_code == 200
    codes = [project.code for project in response.context["page"].object_list]
    # Karaganda 1 and Pavlodar 2 (red), Abai 3 (yellow), Kostanay 4 (green).
    assert codes == ["P-35", "P-55", "P-10", "P-39"]
    assert [p.region_priority_rank for p in response.context["page"].object_list] == [1, 2, 3, 4]
    assert 'class="badge badge--overdue">1<' in response.content.decode()
    red = client.get("/portfolio/projects/", {"zone": "red", "sort": "-priority"})
    assert [project.code for project in red.context["page"].object_list] == ["P-55", "P-35"]
    assert client.get("/portfolio/projects/", {"zone": "purple"}).context["filters"].zone is None


def test_rating_page_shows_zone_and_priority(client_for, demo):
    record_wear()
    client = client_for("office")
    response = client.get("/portfolio/rating/")
    assert response.status_code == 200
    scores = {score.region.kato: score for score in response.context["scores"]}
    assert scores["55"].figures["zone"] == "red" and scores["55"].figures["priority_rank"] == 2
    assert scores["71"].figures.get("zone") is None
    html = response.content.decode()
    assert html.count("badge badge--overdue") == 2 and html.count("badge badge--ok") == 1
