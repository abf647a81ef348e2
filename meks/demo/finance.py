"""The demo financing: applications by channel through every stage, decisions, tranches and budget lines.

Built through the financing services, deterministically from ``rng``; dates are laid out backwards from the
day of the build. The dashboard's figures are derived from these records, never typed:

- round 2: 144 confirmed projects approved, worth more than 300 bn tenge, 89 through the Development Bank
  of Kazakhstan (60) and the demo second-tier bank (29), 55 through the buyback of akimat bonds by KHC;
- round 1: 12 projects in implementation, approved a year earlier, most of them disbursing or disbursed;
- a pipeline of the other confirmed projects and of projects still in selection at every stage, some
  returned with remarks, rejected or withdrawn, a few waiting far beyond their stage's target;
- tranches paid on approved applications, mostly in line with physical progress, a few deliberately
  ahead of or far behind it;
- budget lines and financing plans with a few deliberate mismatches of each kind.

DEMO ASSUMPTIONS: the split of the 89 between the development bank and the second-tier bank, the amounts
(about 65% of each project's estimate, scaled so round 2 totals 312 bn tenge), the round-1 size, the
dates, the budget classification codes and the mismatches.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils import timezone

from meks.accounts.models import Organization, User
from meks.finance import services
from meks.finance.models import FinancingApplication, FinancingChannel
from meks.portfolio.choices import ProjectStatus
from meks.portfolio.models import ProgressReport, Project
from meks.portfolio.readiness import READINESS_FIELDS

ROUND2_DBK = 60
ROUND2_BANK = 29
ROUND2_KHC = 55
ROUND2_TOTAL = Decimal("312000000000")  # "more than 300 bn tenge"
ROUND1_COUNT = 12
MILLION = Decimal("1000000")

DECISION_BODIES = {
    "dbk": "Кредитный комитет АО «Банк Развития Казахстана»",
    "bank": "Кредитный комитет АО «Демо Банк»",
    "khc": "Правление АО «Казахстанская жилищная компания»",
    "budget": "Бюджетная комиссия",
}


def _million(value: Decimal) -> Decimal:
    """Round an amount to whole millions of tenge."""
    return (value / MILLION).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * MILLION


class _Builder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.now = timezone.now().replace(microsecond=0)
        self.users = {user.username: user for user in User.objects.filter(
            username__in=["office", "ministry", "techoperator", "baiterek", "bank", "khc", "akimat.karaganda"])}
        self.orgs = {kind: Organization.objects.filter(kind=kind).order_by("pk").first()
                     for kind in ("development_bank", "bank", "housing_company")}
        self.channels = {channel.code: channel for channel in FinancingChannel.objects.all()}
        self.decisions = 0

    # -- one application's path -------------------------------------------------------------------------

    def applicant(self, project: Project) -> User:
        responsible = project.responsible
        if services.is_applicant_side(user=responsible, project=project):
            return responsible
        return self.users["office"]

    def create(self, project: Project, code: str, amount: Decimal, start: dt.datetime) -> FinancingApplication:
        term = self.rng.choice([60, 84, 120, 180])
        documents = dict.fromkeys(("feasibility_study", "design_estimate", "expertise_conclusion", "financial_statements"), True)
        if code == "khc_bonds":
            documents["akimat_decision"] = True
        return services.application_create(
            actor=self.applicant(project), project=project, channel=self.channels[code], amount_requested=amount,
            term_months=term, rate=Decimal("5.00") if self.channels[code].rate_subsidised else None,
            conditions="" if code != "khc_bonds" else "Выкуп облигаций местного исполнительного органа",
            documents=documents, at=start,
        )

    def step(self, application, action, at, actor="techoperator", **kwargs) -> FinancingApplication:
        actor_user = self.applicant(application.project) if actor == "applicant" else self.users[actor]
        return services.application_transition(actor=actor_user, application=application, action=action, at=at,
                                               **kwargs)

    def to_financial_review(self, application, t: dt.datetime, days=(1, 4, 10)) -> tuple[FinancingApplication, dt.datetime]:
        t += dt.timedelta(days=self.rng.randint(1, days[0] + 2))
        application = self.step(application, "submit", t, actor="applicant")
        t += dt.timedelta(days=self.rng.randint(1, days[1]))
        application = self.step(application, "take_for_conclusion", t)
        t += dt.timedelta(days=self.rng.randint(3, days[2] + 3))
        application = self.step(application, "pass_to_financial_review", t)
        return application, t

    def route(self, application, t: dt.datetime, lender_kind: str | None) -> tuple[FinancingApplication, dt.datetime]:
        t += dt.timedelta(days=self.rng.randint(3, 12))
        lender = self.orgs[lender_kind] if lender_kind else None
        return self.step(application, "route", t, actor="baiterek", lender=lender), t

    def decide(self, application, t: dt.datetime, round_number: int, body: str, amount: Decimal | None = None,
               reason: str = "") -> tuple[FinancingApplication, dt.datetime]:
        t += dt.timedelta(days=self.rng.randint(4, 15))
        self.decisions += 1
        services.decision_record(
            actor=self.users["baiterek"], application=application, expected_version=application.version,
            body=DECISION_BODIES[body], number=f"{round_number}/{self.decisions:03d}", date=timezone.localtime(t).date(),
            amount_approved=amount or application.amount_requested, round=round_number, amount_reason=reason, at=t,
        )
        application.refresh_from_db()
        return application, t

    def sign(self, application, t: dt.datetime) -> tuple[FinancingApplication, dt.datetime]:
        t += dt.timedelta(days=self.rng.randint(7, 25))
        application = self.step(application, "sign_agreement", t, actor="baiterek",
                                agreement_number=f"ДЗ-{application.pk:05d}", agreement_date=timezone.localtime(t).date())
        return application, t

    def pay(self, application, t: dt.datetime, share: Decimal, tranches: int = 2) -> dt.datetime:
        """Plan ``tranches`` equal tranches of the amount approved and pay the first ones up to ``share`` of it."""
        approved = application.decision.amount_approved
        each = _million(approved / tranches)
        planned = []
        for number in range(tranches):
            amount = each if number < tranches - 1 else approved - each * (tranches - 1)
            planned.append(services.tranche_plan(
                actor=self.users["baiterek"], application=application,
                planned_date=timezone.localtime(t).date() + dt.timedelta(days=30 + 90 * number), planned_amount=amount))
        to_pay = min(approved, _million(approved * share)) if share < 1 else approved
        paid = Decimal(0)
        for tranche in planned:
            if paid >= to_pay:
                break
            amount = min(tranche.planned_amount, to_pay - paid)
            t += dt.timedelta(days=self.rng.randint(20, 40))
            if t > self.now:
                t = self.now - dt.timedelta(hours=1)
            services.tranche_pay(actor=self.users["baiterek"], application=application, amount=amount,
                                 paid_on=timezone.localtime(t).date(),
                                 tranche=tranche if amount == tranche.planned_amount else None, at=t)
            application.refresh_from_db()
            paid += amount
        return t

    def days_ago(self, low: int, high: int) -> dt.datetime:
        return self.now - dt.timedelta(days=self.rng.randint(low, high), hours=self.rng.randint(0, 8))


def _completion(project: Project) -> Decimal:
    report = ProgressReport.objects.filter(project=project).order_by("-period").first()
    return report.completion_percent if report else Decimal(0)


def build_finance(*, rng: random.Random) -> None:
    """The demo financing on top of the demo portfolio (see the module's description)."""
    builder = _Builder(rng)
    confirmed = list(Project.objects.filter(
        status__in=[ProjectStatus.CONTRACTOR_DETERMINATION, ProjectStatus.IMPLEMENTATION]).select_related(
        "owner", "responsible", "region").order_by("code"))
    if len(confirmed) < ROUND1_COUNT + ROUND2_DBK + ROUND2_BANK + ROUND2_KHC:
        return  # a reduced portfolio (tests that build part of the demo): no financing demo
    implementing = [project for project in confirmed if project.status == ProjectStatus.IMPLEMENTATION]
    round1 = rng.sample(implementing, ROUND1_COUNT)
    rest = [project for project in confirmed if project not in round1]
    rng.shuffle(rest)
    # KHC buys akimats' bonds: akimat-owned projects first, then others of the regions whose bonds it holds.
    rest.sort(key=lambda project: project.owner.kind != "akimat")
    khc = rest[:ROUND2_KHC]
    others = rest[ROUND2_KHC:]
    rng.shuffle(others)
    dbk = others[:ROUND2_DBK]
    bank = others[ROUND2_DBK:ROUND2_DBK + ROUND2_BANK]
    pipeline_confirmed = others[ROUND2_DBK + ROUND2_BANK:]

    _build_round2(builder, dbk, bank, khc)
    _build_round1(builder, round1)
    _build_pipeline(builder, pipeline_confirmed)
    _build_budget(builder, rng)


def _round2_amounts(builder: _Builder, projects: list[Project]) -> list[Decimal]:
    weights = [Decimal(str(builder.rng.uniform(0.55, 0.75))) * project.cost_estimate for project in projects]
    scale = ROUND2_TOTAL / sum(weights)
    amounts = [min(_million(weight * scale), _million(project.cost_estimate * Decimal("0.95")))
               for weight, project in zip(weights, projects, strict=True)]
    return amounts


def _build_round2(builder: _Builder, dbk: list[Project], bank: list[Project], khc: list[Project]) -> None:
    plan = [(project, "dbk_loan", "development_bank", "dbk") for project in dbk] \
        + [(project, "bank_loan", "bank", "bank") for project in bank] \
        + [(project, "khc_bonds", "housing_company", "khc") for project in khc]
    amounts = _round2_amounts(builder, [row[0] for row in plan])
    for index, ((project, code, lender_kind, body), amount) in enumerate(zip(plan, amounts, strict=True)):
        rng = builder.rng
        start = builder.days_ago(60, 230)
        requested = amount
        reason = ""
        if index % 12 == 5:  # some approved below the request, with the reason
            requested = min(_million(amount * Decimal("1.15")), project.cost_estimate)
            reason = "Сумма уменьшена с учётом собственного участия компании" if requested != amount else ""
        application = builder.create(project, code, requested, start)
        application, t = builder.to_financial_review(application, start)
        application, t = builder.route(application, t, lender_kind)
        application, t = builder.decide(application, t, 2, body, amount=amount, reason=reason)
        if project.status == ProjectStatus.IMPLEMENTATION or index % 15 != 7:  # a few wait for the agreement
            application, t = builder.sign(application, t)
            if project.status == ProjectStatus.IMPLEMENTATION:
                completion = _completion(project) / 100
                share = max(Decimal("0.1"), min(Decimal("1"), completion + Decimal(str(rng.uniform(-0.1, 0.1)))))
                if index % 10 == 3:
                    share = min(Decimal("1"), completion + Decimal("0.35"))  # deliberately ahead
                builder.pay(application, t, share, tranches=3)


def _build_round1(builder: _Builder, projects: list[Project]) -> None:
    projects = sorted(projects, key=lambda project: (-_completion(project), project.code))
    codes = ["dbk_loan", "dbk_loan", "bank_loan", "khc_bonds"]
    lenders = {"dbk_loan": ("development_bank", "dbk"), "bank_loan": ("bank", "bank"),
               "khc_bonds": ("housing_company", "khc")}
    for index, project in enumerate(projects):
        code = codes[index % len(codes)]
        lender_kind, body = lenders[code]
        amount = _million(project.cost_estimate * Decimal(str(builder.rng.uniform(0.5, 0.7))))
        start = builder.days_ago(480, 540)
        application = builder.create(project, code, amount, start)
        application, t = builder.to_financial_review(application, start)
        application, t = builder.route(application, t, lender_kind)
        application, t = builder.decide(application, t, 1, body)
        application, t = builder.sign(application, t)
        completion = _completion(project) / 100
        if index == 0:
            share = Decimal("0.05")  # the most advanced project: money deliberately far behind the works
        elif index in (1, 2):
            share = Decimal("1")  # fully disbursed
        else:
            share = max(Decimal("0.1"), min(Decimal("0.95"), completion))
        builder.pay(application, t, share, tranches=4)


def _build_pipeline(builder: _Builder, confirmed_rest: list[Project]) -> None:
    """Confirmed projects not yet approved, and projects in selection applying early, at every stage."""
    rng = builder.rng
    selection = list(Project.objects.filter(status__in=[ProjectStatus.COMMISSION_DECISION, ProjectStatus.TECHNICAL_REVIEW])
                     .select_related("owner", "responsible", "region").order_by("code"))
    rng.shuffle(selection)
    channel_cycle = ["dbk_loan", "bank_loan", "khc_bonds", "republican_budget"]
    lender_of = {"dbk_loan": "development_bank", "bank_loan": "bank", "khc_bonds": "housing_company",
                 "republican_budget": None}

    def new(project, index, start):
        code = channel_cycle[index % len(channel_cycle)]
        amount = _million(project.cost_estimate * Decimal(str(rng.uniform(0.4, 0.7))))
        return builder.create(project, code, amount, start), lender_of[code]

    # confirmed projects: 4 routed to the lender, 2 in the financial operator's review, 2 rejected
    for index, project in enumerate(confirmed_rest):
        start = builder.days_ago(20, 70)
        application, lender_kind = new(project, index, start)
        application, t = builder.to_financial_review(application, start)
        if index % 8 < 4:
            builder.route(application, t, lender_kind)
        elif index % 8 >= 6:
            t += dt.timedelta(days=rng.randint(3, 10))
            builder.step(application, "reject", t, actor="baiterek",
                         reason="Недостаточное обеспечение и отрицательный денежный поток проекта")
    # projects in selection: drafts, submitted, at the technical operator, returned, withdrawn, rejected
    stages = ["draft"] * 8 + ["submitted"] * 8 + ["technical_conclusion"] * 10 + ["financial_review"] * 6 \
        + ["returned"] * 5 + ["withdrawn"] * 3 + ["rejected"] * 3
    for index, (project, stage) in enumerate(zip(selection, stages, strict=False)):
        late = index % 4 == 0  # a quarter wait far beyond their stage's target
        start = builder.days_ago(60, 80) if late else builder.days_ago(2, 7)
        application, _lender = new(project, index, start)
        if stage == "draft":
            continue
        t = start + dt.timedelta(days=rng.randint(1, 3))
        application = builder.step(application, "submit", t, actor="applicant")
        if stage == "submitted":
            continue
        if stage == "withdrawn":
            builder.step(application, "withdraw", t + dt.timedelta(days=2), actor="applicant",
                         reason="Проект будет профинансирован из собственных средств")
            continue
        t += dt.timedelta(days=rng.randint(1, 4))
        application = builder.step(application, "take_for_conclusion", t)
        if stage == "technical_conclusion":
            continue
        t += dt.timedelta(days=rng.randint(3, 6))
        if stage == "returned":
            builder.step(application, "return", t, reason="Нет положительного заключения госэкспертизы")
        elif stage == "rejected":
            builder.step(application, "reject", t, reason="Проект не соответствует критериям отбора")
        else:
            builder.step(application, "pass_to_financial_review", t)


def _build_budget(builder: _Builder, rng: random.Random) -> None:
    """Budget lines of 2026 and plans: in sync for most, with two deliberate mismatches of each kind."""
    office = builder.users["office"]
    year = timezone.localdate().year
    republican, local = builder.channels["republican_budget"], builder.channels["local_budget"]
    every_approved = FinancingApplication.objects.filter(round__isnull=False).select_related(
        "project", "channel", "decision").order_by("number")
    approved = [application for application in every_approved if application.round == 2]
    ministry_energy = Organization.objects.filter(kind="ministry", name_en__icontains="Energy").first()
    # every approved application's money as the project's plan for the year of its decision
    for application in every_approved:
        services.financing_plan_set(actor=office, project=application.project, year=application.decision.date.year,
                                    source=application.channel, amount=application.decision.amount_approved)
    # budget co-financing of 20 approved projects: 16 in sync, 2 with amounts that disagree, 2 with no line
    cofinanced = rng.sample(approved, 20)
    for index, application in enumerate(cofinanced):
        project = application.project
        amount = _million(project.cost_estimate * Decimal("0.1"))
        source = republican if index % 2 == 0 else local
        line = None
        if index < 18:
            allocated = amount if index < 16 else amount - _million(amount * Decimal("0.2"))
            line = services.budget_line_create(
                actor=office, administrator_code="217" if source == republican else "279",
                administrator=ministry_energy if source == republican else None,
                programme_code="055" if source == republican else "032", subprogramme_code=f"{index + 100:03d}",
                name=f"Софинансирование: {project.code}", year=year, project=project,
                region=None if source == republican else project.region, allocated=allocated,
                spent=_million(allocated * Decimal(str(rng.uniform(0.1, 0.6)))),
            )
        services.financing_plan_set(actor=office, project=project, year=year, source=source, amount=amount,
                                    budget_line=line)
    # two lines with no project, two lines allocating money to projects that are not ready
    for index in range(2):
        services.budget_line_create(
            actor=office, administrator_code="217", programme_code="055", subprogramme_code=f"{200 + index:03d}",
            name="Резерв на модернизацию сетей (не распределён)", year=year,
            allocated=Decimal(5_000_000_000 + index * 1_500_000_000),
        )
    not_ready = Q()
    for name in READINESS_FIELDS:
        not_ready |= Q(**{name: False})
    for index, project in enumerate(Project.objects.filter(not_ready, status=ProjectStatus.COMMISSION_DECISION)
                                    .order_by("code")[:2]):
        amount = _million(project.cost_estimate * Decimal("0.2"))
        line = services.budget_line_create(
            actor=office, administrator_code="279", programme_code="032", subprogramme_code=f"{300 + index:03d}",
            name=f"Модернизация: {project.code}", year=year, region=project.region, project=project, allocated=amount,
        )
        services.financing_plan_set(actor=office, project=project, year=year, source=local, amount=amount,
                                    budget_line=line)
