"""OC4IDS records of projects with their budget breakdown and financing, validated offline against the schema."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from referencing.exceptions import Unresolvable

from meks.accounts.models import Organization
from meks.finance import services
from meks.finance.models import FinancingChannel
from meks.opendata.oc4ids import project_package, project_record, publication_queryset
from meks.opendata.validation import (
    OC4IDS_PACKAGE_SCHEMA,
    _registry,
    oc4ids_package_errors,
    oc4ids_project_errors,
)
from meks.portfolio import services as portfolio_services
from meks.portfolio.models import Direction, Project
from meks.territory.models import Region

URI = "https://meks.example.kz/opendata/oc4ids/projects.json"


@pytest.fixture
def financed_project(demo):
    """A confirmed project in Karaganda with an approved bank loan and a budget-funded plan with its line."""
    users = demo
    direction = Direction.objects.create(code="water", name_ru="Водоснабжение", order=3)
    project = portfolio_services.project_create(
        actor=users["office"], code="OD-35-001", title_ru="Реконструкция водопровода", direction=direction,
        project_type="rehabilitation", region=Region.objects.get(kato="35"), owner=users["utility"].organization,
        responsible=users["utility"], cost_estimate=Decimal("4000000000.50"), planned_start=dt.date(2026, 3, 1),
        planned_end=dt.date(2027, 10, 31),
    )
    for action, username in (("submit", "office"), ("start_document_check", "techoperator"),
                             ("pass_document_check", "techoperator"), ("pass_technical_review", "ministry"),
                             ("confirm", "office")):
        portfolio_services.project_transition(actor=users[username], project=project, action=action, reason="t")
    loan = FinancingChannel.objects.get(code="bank_loan")
    application = services.application_create(actor=users["utility"], project=project, channel=loan,
                                               amount_requested="2500000000", term_months=120, rate=Decimal("6.5"))
    for action, username in (("submit", "utility"), ("take_for_conclusion", "techoperator"),
                             ("pass_to_financial_review", "techoperator")):
        application = services.application_transition(actor=users[username], application=application, action=action)
    application = services.application_transition(actor=users["baiterek"], application=application, action="route",
                                                  lender=users["bank"].organization)
    services.decision_record(actor=users["bank"], application=application, expected_version=application.version,
                             body="Кредитный комитет", number="7", date=dt.date(2026, 10, 1),
                             amount_approved="2000000000", round=2, amount_reason="Собственное участие 20%")
    budget = FinancingChannel.objects.get(code="republican_budget")
    ministry = Organization.objects.get(name_en__startswith="Ministry of Energy")
    line = services.budget_line_create(actor=users["office"], administrator_code="217", administrator=ministry,
                                       programme_code="055", subprogramme_code="015", year=2026, project=project,
                                       allocated=Decimal("500000000"))
    services.financing_plan_set(actor=users["office"], project=project, year=2026, source=budget,
                                amount="500000000", budget_line=line)
    services.financing_plan_set(actor=users["office"], project=project, year=2026, source=loan, amount="2000000000")
    return Project.objects.get(pk=project.pk)


def test_a_financed_project_record(financed_project):
    record = project_record(publication_queryset(Project.objects.filter(pk=financed_project.pk)).get())
    assert oc4ids_project_errors(record) == []
    assert record["id"] == "oc4ids-meks-OD-35-001"
    assert (record["status"], record["type"], record["sector"]) == ("preparation", "rehabilitation", ["waterAndWaste"])
    assert record["budget"]["amount"] == {"amount": 4000000000.5, "currency": "KZT"}
    breakdown = record["budget"]["budgetBreakdowns"][0]["budgetBreakdown"]
    assert [(row["amount"]["amount"], row["sourceParty"]["name"]) for row in breakdown] == [
        (2000000000, "АО «Демо Банк» (демонстрационный)"),
        (500000000, "Министерство энергетики Республики Казахстан"),
    ]
    assert "бюджетная программа 217-055-015" in breakdown[1]["description"]
    [finance] = record["budget"]["finance"]
    assert (finance["value"], finance["type"], finance["financingPartyType"], finance["concessional"]) == (
        {"amount": 2000000000, "currency": "KZT"}, "loan", "institutional", True)
    assert finance["interestRate"] == {"margin": 0.065, "fixed": True}
    assert finance["period"]["endDate"].startswith("2036-10-01")
    roles = {party["name"]: party["roles"] for party in record["parties"]}
    assert roles["АО «Демо Банк» (демонстрационный)"] == ["funder", "sourceParty"]
    assert [location["gazetteer"]["identifiers"] for location in record["locations"]] == [["35"]]
    # no personal data: officials are never named
    text = str(record)
    assert financed_project.responsible.last_name not in text


def test_the_package_validates_and_a_broken_one_does_not(financed_project):
    package = project_package(publication_queryset(Project.objects.all()), uri=URI)
    assert oc4ids_package_errors(package) == []
    assert package["version"] == "0.9"
    package["projects"][0]["budget"]["finance"][0]["value"]["currency"] = "tenge"
    package["projects"][0]["status"] = "ongoing"
    errors = oc4ids_package_errors(package)
    assert len(errors) == 2
    assert any("'ongoing' is not one of" in error for error in errors)


def test_validation_resolves_only_local_files():
    registry = _registry(OC4IDS_PACKAGE_SCHEMA.parent)
    project_uri = "https://standard.open-contracting.org/infrastructure/schema/0__9__4/project-schema.json"
    assert registry.resolver().lookup(project_uri).contents["title"] == "Open Contracting for Infrastructure Data Standard Schema"
    with pytest.raises(Unresolvable):
        registry.resolver().lookup("https://standard.open-contracting.org/schema/1__1__5/release-schema.json")


def test_the_demo_projects_records_validate(finance_demo):
    financed = publication_queryset(Project.objects.filter(financing_applications__round__isnull=False).distinct())
    package = project_package(financed, uri=URI)
    assert len(package["projects"]) == 156
    assert oc4ids_package_errors(package) == []
    with_finance = [record for record in package["projects"] if record["budget"].get("finance")]
    assert len(with_finance) == 156
    assert sum(1 for record in package["projects"] if record["budget"].get("budgetBreakdowns")) == 156
    json.dumps(package)  # plain JSON-ready data
