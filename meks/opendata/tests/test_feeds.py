"""The public open-data feeds: OC4IDS packages (streamed), CSV files, the page; validity, privacy, streaming."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from meks.accounts.models import User
from meks.finance.choices import APPROVED_STATUSES
from meks.finance.models import FinancingApplication, FinancingChannel, FinancingPlan
from meks.opendata import feeds
from meks.opendata.ocds import release_package, release_package_errors
from meks.opendata.validation import oc4ids_package_errors
from meks.portfolio import services as portfolio_services
from meks.portfolio.choices import ProjectStatus
from meks.portfolio.models import Project
from meks.territory.models import Region


def _body(response) -> bytes:
    assert response.streaming
    return b"".join(response.streaming_content)


def _csv_rows(response) -> list[dict[str, str]]:
    text = _body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def _personal_data() -> set[str]:
    """The demo users' names (full names, surnames of four letters or more), e-mails and phones."""
    values = set()
    for user in User.objects.all():
        values.update(value for value in (user.email, user.phone) if value)
        if len(user.last_name) >= 4:
            values.add(f"{user.last_name} {user.first_name}".strip())
            values.add(f"{user.first_name} {user.last_name}".strip())
    return {value for value in values if value.strip()}


def _assert_anonymous_and_cookieless(response) -> None:
    assert "sessionid" not in response.cookies
    assert "Set-Cookie" not in response or "sessionid" not in response["Set-Cookie"]


@pytest.fixture
def anonymous():
    return Client()


def test_every_published_package_on_the_demo_data_is_valid_and_holds_no_personal_data(finance_demo, anonymous):
    users = finance_demo
    any_project = Project.objects.select_related("direction", "region", "owner").first()
    draft = portfolio_services.project_create(
        actor=users["office"], code="ZZ-DRAFT-1", title_ru="Черновик проекта", direction=any_project.direction,
        project_type=any_project.project_type, region=any_project.region, owner=any_project.owner,
        responsible=users["utility"], cost_estimate=Decimal("1000000"))
    assert draft.status == ProjectStatus.DRAFT
    published = Project.objects.exclude(status__in=feeds.PRIVATE_STATUSES)
    personal = _personal_data()
    assert personal

    response = anonymous.get(reverse("opendata:oc4ids_projects"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.has_header("ETag") and response.has_header("Last-Modified")
    _assert_anonymous_and_cookieless(response)
    text = _body(response).decode("utf-8")
    package = json.loads(text)
    assert oc4ids_package_errors(package) == []
    assert [record["id"] for record in package["projects"]] == [
        f"oc4ids-meks-{code}" for code in published.order_by("code").values_list("code", flat=True)]
    assert any("finance" in record["budget"] for record in package["projects"])
    leaked = [value for value in personal if value in text]
    assert leaked == []

    for code in published.values_list("code", flat=True):
        one = anonymous.get(reverse("opendata:oc4ids_project", args=[code]))
        assert one.status_code == 200, code
        single = json.loads(one.content)
        assert oc4ids_package_errors(single) == [], code
        assert [record["id"] for record in single["projects"]] == [f"oc4ids-meks-{code}"]
        expected = next(record for record in package["projects"] if record["id"] == f"oc4ids-meks-{code}")
        assert single["projects"][0] == expected
        assert not [value for value in personal if value in one.content.decode("utf-8")]

    assert "ZZ-DRAFT-1" not in text
    assert anonymous.get(reverse("opendata:oc4ids_project", args=[draft.code])).status_code == 404
    assert anonymous.get(reverse("opendata:oc4ids_project", args=["NO-SUCH"])).status_code == 404

    # The CSV files: the right rows, and no personal data either.
    projects = _csv_rows(anonymous.get(reverse("opendata:projects_csv")))
    assert [row["code"] for row in projects] == list(published.order_by("code").values_list("code", flat=True))
    assert list(projects[0]) == [column.name for column in feeds.PROJECT_COLUMNS]
    first = published.order_by("code").select_related("owner", "region").first()
    assert (projects[0]["title_ru"], projects[0]["owner"], projects[0]["region_kato"]) == (
        first.title_ru, first.owner.name_ru, first.region.kato)

    approved = FinancingApplication.objects.filter(status__in=APPROVED_STATUSES,
                                                   project__status__in=feeds.PUBLIC_STATUSES)
    assert approved.exists()
    financing = _csv_rows(anonymous.get(reverse("opendata:financing_csv")))
    assert sorted(row["application"] for row in financing) == sorted(approved.values_list("number", flat=True))
    for row in financing:
        application = approved.select_related("decision", "channel", "project").get(number=row["application"])
        assert (row["project_code"], row["channel_code"], int(row["round"])) == (
            application.project.code, application.channel.code, application.decision.round)
        assert row["amount_approved_kzt"] == f"{application.decision.amount_approved:f}"

    regions = _csv_rows(anonymous.get(reverse("opendata:regions_csv")))
    assert [row["kato"] for row in regions] == list(Region.objects.order_by("kato").values_list("kato", flat=True))
    assert len(regions) == 20
    assert sorted(int(row["rating_rank"]) for row in regions) == list(range(1, 21))
    assert {row["wear_zone"] for row in regions} <= {"red", "yellow", "green"}
    assert {row["wear_zone"] for row in regions} != {""}
    assert sum(int(row["published_projects"]) for row in regions) == published.count()

    for name in ("projects_csv", "financing_csv", "regions_csv"):
        response = anonymous.get(reverse(f"opendata:{name}"))
        _assert_anonymous_and_cookieless(response)
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        text = _body(response).decode("utf-8")
        assert not [value for value in personal if value in text], name


def test_the_package_streams_with_a_bounded_number_of_queries_per_chunk(demo):
    from meks.demo.scale import build_scaled_portfolio

    build_scaled_portfolio(projects=450, milestones_per_project=1, reports_per_project=0)
    channel = FinancingChannel.objects.order_by("pk").first()
    FinancingPlan.objects.bulk_create(FinancingPlan(project=project, year=2026, source=channel, amount=1000)
                                      for project in Project.objects.all())
    projects = feeds.public_projects()
    count = projects.count()
    assert count > 200
    chunk = 50
    stream = feeds.stream_project_package(projects, uri="https://example.kz/p.json", published=None, chunk_size=chunk)
    with CaptureQueriesContext(connection) as queries:
        head = next(stream)
        assert head.endswith('"projects":[')
        pieces = [head, *stream]
    # The projects query, then two queries of related rows (plans, approved applications) per chunk.
    assert len(queries) <= 1 + 2 * math.ceil(count / chunk) + 2
    # The head, one piece per chunk, the tail.
    assert len(pieces) == math.ceil(count / chunk) + 2
    package = json.loads("".join(pieces))
    assert len(package["projects"]) == count
    assert all(record["budget"]["budgetBreakdowns"] for record in package["projects"])
    assert oc4ids_package_errors({**package, "projects": package["projects"][:25]}) == []


def test_the_view_streams_and_answers_a_known_version_with_304(demo, anonymous):
    from meks.demo.scale import build_scaled_portfolio

    build_scaled_portfolio(projects=30, milestones_per_project=1, reports_per_project=0)
    response = anonymous.get(reverse("opendata:oc4ids_projects"))
    assert response.streaming
    assert "public" in response["Cache-Control"]
    body = _body(response)
    assert len(json.loads(body)["projects"]) == feeds.public_projects().count()
    again = anonymous.get(reverse("opendata:oc4ids_projects"), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    project = feeds.public_projects().first()
    Project.objects.filter(pk=project.pk).update(title_ru="Новое название")  # updated_at moves only with save()
    project.refresh_from_db()
    project.save()
    changed = anonymous.get(reverse("opendata:oc4ids_projects"), HTTP_IF_NONE_MATCH=response["ETag"])
    assert changed.status_code == 200
    assert "Новое название" in _body(changed).decode("utf-8")


def test_projects_are_published_from_their_confirmation_on():
    assert set(feeds.PUBLIC_STATUSES) == {
        ProjectStatus.CONFIRMED, ProjectStatus.CONTRACTOR_DETERMINATION, ProjectStatus.IMPLEMENTATION,
        ProjectStatus.COMMISSIONED, ProjectStatus.SUSPENDED}
    assert {ProjectStatus.DRAFT, ProjectStatus.SUBMITTED, ProjectStatus.REJECTED} <= set(feeds.PRIVATE_STATUSES)


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_the_open_data_page_is_public_in_three_languages(demo, anonymous, language):
    from meks.demo.scale import build_scaled_portfolio

    build_scaled_portfolio(projects=5, milestones_per_project=1, reports_per_project=0)
    response = anonymous.get(reverse("opendata:index"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    _assert_anonymous_and_cookieless(response)
    page = response.content.decode("utf-8")
    assert f'lang="{language}"' in page
    for name in ("oc4ids_projects", "projects_csv", "regions_csv", "financing_csv"):
        assert reverse(f"opendata:{name}") in page
    example = feeds.public_projects().values_list("code", flat=True).first()
    assert reverse("opendata:oc4ids_project", args=[example]) in page
    assert "CC BY 4.0" in page and "Apache" in page
    for column in feeds.FINANCING_COLUMNS:
        assert f"<code>{column.name}</code>" in page
    assert 'style="' not in page and "<script>" not in page
    assert not re.search(r"""(?:src|href|action)\s*=\s*["'](?:https?:)?//""", page)


def test_the_page_in_english_states_the_licence_and_the_ocds_feed(db, anonymous):
    with translation.override("en"):
        response = anonymous.get(reverse("opendata:index"), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode("utf-8")
    assert "Creative Commons Attribution 4.0 International" in page
    assert "OCDS 1.1.5" in page
    assert reverse("opendata:ocds_releases") in page
    assert "A bid is sealed until the bid deadline" in page


def test_an_ocds_release_package_validates_against_the_vendored_schema():
    release = {
        "ocid": "ocds-meks01-000001", "id": "ocds-meks01-000001-tender-1", "date": "2026-11-20T10:00:00+05:00",
        "tag": ["tender"], "initiationType": "tender",
        "tender": {"id": "1", "title": "Реконструкция тепловых сетей", "status": "active"},
    }
    package = release_package([release], uri="https://meks.example.kz/opendata/ocds/releases.json")
    assert release_package_errors(package) == []
    broken = release_package([{**release, "tag": ["nonsense"], "date": "yesterday"}], uri="not a uri")
    errors = release_package_errors(broken)
    assert errors
    assert any("tag" in error for error in errors)
