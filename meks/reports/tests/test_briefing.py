"""The project office's briefing on the demo data: figures in the PDF and the XLSX, reproducibility, access."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db.models import Count, Q, Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from openpyxl import load_workbook
from pypdf import PdfReader

from meks.appeals import services as appeal_services
from meks.appeals.choices import Channel
from meks.appeals.models import Appeal, Category
from meks.assignments import services as assignment_services
from meks.assignments.models import Deadline
from meks.core.navigation import menu_for
from meks.core.workdays import is_working_day
from meks.finance import services as finance_services
from meks.finance.choices import ApplicationStatus
from meks.finance.models import FinancingApplication, FinancingDecision
from meks.finance.selectors import finance_summary
from meks.portfolio import services as portfolio_services
from meks.portfolio.choices import STAGE_OF_STATUS, ProjectStatus, Stage
from meks.portfolio.models import Milestone, Project
from meks.reports import briefing
from meks.territory.models import Region

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CLOSED = (ProjectStatus.COMMISSIONED, ProjectStatus.CANCELLED, ProjectStatus.REJECTED, ProjectStatus.DRAFT)
APPROVED = (ApplicationStatus.APPROVED, ApplicationStatus.AGREEMENT_SIGNED, ApplicationStatus.DISBURSING,
            ApplicationStatus.DISBURSED)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def english(user):
    """Service and page messages in English: the middleware follows the user's language."""
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def pdf_text(content: bytes) -> str:
    """The PDF's text with every run of white space (no-break spaces included) made one space."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\xa0", " "))


def tile(text: str, value, label: str) -> bool:
    """True when the PDF shows a figure tile (or a line) with ``value`` over ``label``."""
    return re.search(rf"(?<![\d,.]){re.escape(str(value))} ?{re.escape(label)}", text) is not None


def grouped(value, digits: int = 1) -> str:
    """A number as the PDF prints it in the active language (thousands grouped)."""
    return re.sub(r"\s", " ", number_format(value, digits, use_l10n=True, force_grouping=True))


def millions(value) -> Decimal:
    return (Decimal(value or 0) / Decimal("1000000")).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --- the figures, computed here independently of the briefing's code ------------------------------------------


def expected_funnel(projects=None) -> dict[str, tuple[int, Decimal]]:
    """Count and estimate per stage from the projects' statuses today (the demo's changes are all in the past)."""
    result = {stage: [0, Decimal("0")] for stage in Stage.values}
    for row in (projects or Project.objects.all()).values("status").annotate(count=Count("pk"), total=Sum("cost_estimate")):
        stage = result[STAGE_OF_STATUS[row["status"]]]
        stage[0] += row["count"]
        stage[1] += row["total"]
    return {stage: (count, total) for stage, (count, total) in result.items()}


def expected_late(on: dt.date, projects=None) -> list[tuple[int, str, Milestone]]:
    """(lag, code, worst milestone) of each open project behind schedule on ``on``, worst first, in Python."""
    late = []
    for project in (projects or Project.objects.all()).exclude(status__in=CLOSED).prefetch_related("milestones__responsible"):
        worst = None
        for milestone in sorted(project.milestones.all(), key=lambda m: m.order):
            done = milestone.actual_date if milestone.actual_date and milestone.actual_date <= on else None
            lag = max(((done or on) - milestone.baseline_date).days, 0)
            if worst is None or lag > worst[0]:
                worst = (lag, milestone)
        if worst and worst[0] > 0:
            late.append((worst[0], project.code, worst[1]))
    return sorted(late, key=lambda row: (-row[0], row[1]))


def expected_approved() -> tuple[int, Decimal]:
    decisions = FinancingDecision.objects.filter(date__lte=TODAY, application__status__in=APPROVED)
    totals = decisions.aggregate(count=Count("pk"), amount=Sum("amount_approved"))
    return totals["count"], totals["amount"]


def expected_overdue_deadlines() -> int:
    return Deadline.objects.filter(due_date__lt=TODAY).filter(
        Q(fulfilled_on__isnull=True) | Q(fulfilled_on__gt=TODAY)).count()


def expected_appeals(appeals=None) -> dict[str, int]:
    appeals = (appeals or Appeal.objects.all()).filter(registered_on__lte=TODAY)
    still_open = (Q(answered_on__isnull=True) | Q(answered_on__gt=TODAY)) & (Q(closed_on__isnull=True) | Q(closed_on__gt=TODAY))
    return appeals.aggregate(total=Count("pk"), overdue=Count("pk", filter=still_open & Q(due_date__lt=TODAY)),
                             answered=Count("pk", filter=Q(answered_on__lte=TODAY)))


# --- the PDF --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def office_pdf(briefing_demo, django_db_blocker):
    """The project office's briefing for today in English, fetched once for the module."""
    with django_db_blocker.unblock():
        office = english(briefing_demo["office"])
        response = client_for(office).get(reverse("reports:briefing_pdf"), {"on": TODAY.isoformat(), "language": "en"})
    return response


def test_pdf_shows_every_section_with_the_database_figures(briefing_demo, office_pdf):
    assert office_pdf.status_code == 200
    assert office_pdf["Content-Type"] == PDF
    assert f'filename="meks-briefing-{TODAY:%Y-%m-%d}.pdf"' in office_pdf["Content-Disposition"]
    text = pdf_text(office_pdf.content)
    with translation.override("en"):
        for heading in ("Pipeline funnel", "Targets against achievement", "Region rating and its change",
                        "Late projects and their responsible officials", "Financing status", "Procurement delays",
                        "Overdue assignments", "Appeal statistics"):
            assert text.count(heading) >= 2, heading  # in the contents and as the section's heading
        assert "Briefing for the meeting of the project office" in text
        assert "The whole country" in text

        # The funnel: count and estimate (million tenge) of every stage.
        funnel = expected_funnel()
        assert funnel[Stage.SELECTION][0] == 145 and funnel[Stage.CONTRACTOR_DETERMINATION][0] == 130
        for stage, label in Stage.choices:
            count, total = funnel[stage]
            assert f"{label} {count} {grouped(millions(total))}" in text, label

        # Late projects: how many, and the one furthest behind with its responsible official.
        late = expected_late(TODAY)
        assert late
        assert f"{len(late)} open projects are behind their approved schedule." in text
        lag, code, milestone = late[0]
        official = milestone.responsible.get_full_name()
        assert official and official in text
        assert re.search(rf"{code} .*? {lag} {re.escape(official)}", text)

        # Financing: approvals dated by today, count and amount.
        count, amount = expected_approved()
        summary = finance_summary(user=briefing_demo["office"])["totals"]
        assert (count, amount) == (summary["approved_count"], summary["approved_amount"])
        assert tile(text, count, "Approved")
        assert tile(text, grouped(millions(amount)), "Approved, million tenge")

        # Assignments and appeals.
        assert tile(text, expected_overdue_deadlines(), "Overdue, not yet met")
        appeals = expected_appeals()
        assert appeals["total"] >= 800
        assert tile(text, appeals["total"], "Appeals registered")
        assert tile(text, appeals["overdue"], "Overdue")
        assert tile(text, appeals["answered"], "Answered")

        # Page numbers and the header on the pages after the cover.
        pages = PdfReader(io.BytesIO(office_pdf.content)).pages
        assert len(pages) >= 6
        assert f"2 / {len(pages)}" in pages[1].extract_text()
        assert "MEKS" in pages[1].extract_text()


def test_pdf_in_kazakh_uses_the_platform_font_and_holds_only_the_akimat_region(briefing_demo):
    akimat = briefing_demo["akimat.karaganda"]
    karaganda = Region.objects.get(pk__in=akimat.compute_scope().regions_for(*briefing.BRIEFING_ROLES))
    response = client_for(akimat).get(reverse("reports:briefing_pdf"), {"on": TODAY.isoformat(), "language": "kk"})
    assert response.status_code == 200
    assert response["Content-Type"] == PDF
    reader = PdfReader(io.BytesIO(response.content))
    fonts = set()
    for page in reader.pages:
        for font in (page.get("/Resources") or {}).get("/Font", {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all("Noto-Sans" in font for font in fonts), fonts
    text = pdf_text(response.content)
    with translation.override("kk"):
        assert karaganda.name in text
        assert "қ" in text and "ә" in text  # Kazakh letters come out as text, not as missing glyphs
        others = Region.objects.exclude(pk=karaganda.pk)
        assert not [region.name for region in others if region.name in text]
        in_region = Project.objects.filter(region=karaganda)
        funnel = expected_funnel(in_region)
        for stage, label in Stage.choices:
            count, total = funnel[stage]
            assert f"{label} {count} {grouped(millions(total))}" in text, label
        late = expected_late(TODAY, in_region)
        assert late and late[0][1] in text
        assert not Project.objects.exclude(region=karaganda).filter(code__in=re.findall(r"MEKS-\d+-\d+", text)).exists()


# --- the XLSX -------------------------------------------------------------------------------------------------


def rows_of(sheet) -> list[tuple]:
    return [tuple(row) for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_xlsx_has_the_same_figures(briefing_demo):
    office = english(briefing_demo["office"])
    response = client_for(office).get(reverse("reports:briefing_xlsx"), {"on": TODAY.isoformat(), "language": "en"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert f'filename="meks-briefing-{TODAY:%Y-%m-%d}.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["Briefing", "Pipeline funnel", "Targets", "Region rating", "Late projects",
                                   "Procurement delays", "Financing", "Overdue assignments", "Appeals", "Key figures"]
    cover = dict(rows_of(workbook["Briefing"]))
    assert cover["As of"].date() == TODAY
    assert cover["Covers"] == "The whole country"

    funnel = expected_funnel()
    with translation.override("en"):
        labels = dict(Stage.choices)
    assert rows_of(workbook["Pipeline funnel"]) == [
        (str(labels[stage]), count, total) for stage, (count, total) in funnel.items()]

    late = expected_late(TODAY)
    late_rows = rows_of(workbook["Late projects"])
    assert len(late_rows) == min(len(late), briefing.LIST_LIMIT)
    assert (late_rows[0][0], late_rows[0][6], late_rows[0][7]) == (late[0][1], late[0][0],
                                                                   late[0][2].responsible.get_full_name())

    financing = {row[0]: row[1:] for row in rows_of(workbook["Financing"])}
    assert financing["Approved, in total"] == expected_approved()

    appeal_rows = {row[0]: row[1] for row in rows_of(workbook["Appeals"])}
    appeals = expected_appeals()
    assert appeal_rows["Registered"] == appeals["total"]
    assert appeal_rows["Overdue"] == appeals["overdue"]
    assert appeal_rows["Answered"] == appeals["answered"]
    key = {row[0]: row[1] for row in rows_of(workbook["Key figures"])}
    assert key["Late projects"] == len(late)
    assert key["Overdue, not yet met"] == expected_overdue_deadlines()
    assert len(rows_of(workbook["Overdue assignments"])) == min(expected_overdue_deadlines(), briefing.LIST_LIMIT)
    assert len(rows_of(workbook["Region rating"])) == 20


# --- reproducibility ------------------------------------------------------------------------------------------


def figures(on: dt.date, user) -> dict:
    """What a briefing shows, minus when it was generated."""
    collected = briefing.collect(user=user, on=on).__dict__
    return {key: value for key, value in collected.items() if key != "generated_at"}


def test_a_briefing_for_a_past_date_ignores_what_was_recorded_after_it(briefing_demo):
    office = english(briefing_demo["office"])
    past = TODAY - dt.timedelta(days=40)
    last_working_day = next(TODAY - dt.timedelta(days=back) for back in range(7)
                            if is_working_day(TODAY - dt.timedelta(days=back)))
    with translation.override("en"):
        before = figures(past, office)
        today_before = figures(TODAY, office)

        # A project moves on and another's estimate changes, today.
        moved = Project.objects.filter(status=ProjectStatus.CONTRACTOR_DETERMINATION).order_by("code").first()
        portfolio_services.project_transition(actor=office, project=moved, action="suspend",
                                              reason="Land dispute")
        selected = Project.objects.filter(status=ProjectStatus.TECHNICAL_REVIEW).order_by("code").first()
        portfolio_services.project_update(actor=office, project=selected, expected_version=selected.version,
                                          cost_estimate=selected.cost_estimate * 2, reason="Estimate revised")
        # A milestone late on the past date is done today.
        late = [row for row in expected_late(past) if row[2].actual_date is None]
        milestone = late[0][2]
        portfolio_services.milestone_update(actor=office, milestone=milestone, expected_version=milestone.version,
                                            actual_date=TODAY)
        # An application routed then is approved today and paid.
        routed = FinancingApplication.objects.filter(status=ApplicationStatus.ROUTED).order_by("pk").first()
        baiterek = briefing_demo["baiterek"]
        finance_services.decision_record(actor=baiterek, application=routed, expected_version=routed.version,
                                         body="Board", number="T/1", date=TODAY, amount_approved=routed.amount_requested,
                                         round=3)
        # An appeal is registered today; an overdue deadline is met today.
        appeal_services.appeal_register(actor=briefing_demo["operator"], channel=Channel.PHONE,
                                        category=Category.objects.order_by("pk").first(),
                                        region=Region.objects.order_by("kato").first(), text="No water",
                                        applicant_name="Test Applicant", applicant_phone="+77010000000",
                                        received_at=timezone.make_aware(dt.datetime.combine(last_working_day, dt.time(10))))
        overdue = (Deadline.objects.filter(due_date__lt=past, fulfilled_on__isnull=True)
                   .select_related("assignment__lead_official").order_by("due_date").first())
        report = assignment_services.report_submit(actor=overdue.assignment.lead_official,
                                                   assignment=overdue.assignment, text="Done")
        assignment_services.report_accept(actor=office, report=report)

        after = figures(past, office)
        today_after = figures(TODAY, office)

    assert after == before
    # The same changes do show in today's briefing, so the comparison above could fail.
    assert today_after["funnel"] != today_before["funnel"]
    assert today_after["finance"]["approved_count"] == today_before["finance"]["approved_count"] + 1
    assert today_after["appeals"]["total"] == today_before["appeals"]["total"] + 1
    assert today_after["assignments"]["overdue"] == today_before["assignments"]["overdue"] - 1


# --- who may --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["ministry", "techoperator"])
def test_national_roles_get_the_pdf(briefing_demo, username):
    response = client_for(briefing_demo[username]).get(reverse("reports:briefing_pdf"),
                                                       {"on": TODAY.isoformat(), "language": "ru"})
    assert response.status_code == 200
    assert response["Content-Type"] == PDF
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("username", ["utility", "baiterek", "bank", "khc", "contractor", "manufacturer", "operator"])
def test_other_roles_get_404_everywhere(briefing_demo, username):
    client = client_for(briefing_demo[username])
    query = {"on": TODAY.isoformat(), "language": "ru"}
    for name in ("reports:briefing", "reports:briefing_pdf", "reports:briefing_xlsx"):
        assert client.get(reverse(name), query).status_code == 404, name
    assert "briefing" not in [item["key"] for item in menu_for(briefing_demo[username])]


def test_anonymous_is_sent_to_sign_in(briefing_demo):
    response = Client().get(reverse("reports:briefing_pdf"), {"on": TODAY.isoformat(), "language": "ru"})
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_form_page_and_its_errors(briefing_demo):
    office = english(briefing_demo["office"])
    client = client_for(office)
    page = client.get(reverse("reports:briefing"))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("reports:briefing_pdf") in html and reverse("reports:briefing_xlsx") in html
    assert f'value="{TODAY.isoformat()}"' in html
    assert "The briefing covers the whole country." in html
    future = client.get(reverse("reports:briefing_pdf"), {"on": (TODAY + dt.timedelta(days=1)).isoformat(), "language": "en"})
    assert future.status_code == 400
    assert "The briefing cannot be made for a future date." in future.content.decode()
    wrong = client.get(reverse("reports:briefing_xlsx"), {"on": "21.11.2026", "language": "xx"})
    assert wrong.status_code == 400
    assert "There is a problem" in wrong.content.decode()
    assert "briefing" in [item["key"] for item in menu_for(office)]


def test_the_akimat_page_names_its_region(briefing_demo):
    akimat = english(briefing_demo["akimat.karaganda"])
    html = client_for(akimat).get(reverse("reports:briefing")).content.decode()
    with translation.override("en"):
        region = Region.objects.get(pk__in=akimat.compute_scope().regions_for(*briefing.BRIEFING_ROLES))
        assert region.name in html
    assert "briefing" in [item["key"] for item in menu_for(akimat)]


def test_a_briefing_costs_a_bounded_number_of_queries(briefing_demo, django_assert_max_num_queries):
    """Aggregates are computed in the database and the lists are limited: no query per project or row."""
    for username in ("office", "akimat.karaganda"):
        user = briefing_demo[username]
        with django_assert_max_num_queries(35):
            briefing.render_html(briefing.collect(user=user, on=TODAY))
        with django_assert_max_num_queries(35):
            briefing.render_html(briefing.collect(user=user, on=TODAY - dt.timedelta(days=45)))


def test_achievement_counts_only_the_months_closed_before_the_date(briefing_demo):
    """The whole-period network target is met by each project's latest report of a month before the date's month."""
    from meks.portfolio.models import ProgressReport

    office = briefing_demo["office"]
    on = TODAY - dt.timedelta(days=75)
    latest: dict[int, ProgressReport] = {}
    for report in ProgressReport.objects.filter(period__lt=on.replace(day=1)).order_by("period"):
        latest[report.project_id] = report
    expected = sum((r.km_heat + r.km_power + r.km_water + r.km_sewer for r in latest.values()), Decimal("0"))
    everything = sum((r.km_heat + r.km_power + r.km_water + r.km_sewer for r in {
        report.project_id: report for report in ProgressReport.objects.order_by("period")}.values()), Decimal("0"))
    rows = [row for row in briefing.collect(user=office, on=on).targets
            if row["metric"] == "network_km" and row["year"] is None and row["direction"] is None]
    assert len(rows) == 1
    assert rows[0]["achieved"] == expected.quantize(Decimal("0.01"))
    assert expected < everything  # the later reports exist and are left out
