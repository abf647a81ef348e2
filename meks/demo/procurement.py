"""The demo procurement: the contractor registry, tenders for the confirmed portfolio, sealed bids, contracts.

Built through the procurement services (so every record carries its history and its lifecycle log),
deterministically from ``rng``; each act is dated with ``at=`` around the dates the portfolio's schedules
already hold. Sealed bids and qualification checks, the bulk of the rows, are written in bulk with their
history, exactly as ``bid_submit`` and ``qualification_record`` would write them, to keep the build fast:

- 40 contractors: the demo ``contractor`` account's company and 39 others; 34 verified, 3 pending, 3
  suspended; 3 verified ones are on the register of unreliable suppliers (and never bid);
- a tender for each of the 130 projects at contractor determination. Most are published within the 30-day
  target from the project's confirmation (its status change to "confirmed"); about a fifth are late, the
  weaker regions of the readiness rating (Mangystau, Ulytau) more often; the project's "tender published"
  milestone carries the publication day. Eight are still drafts past the milestone's planned date (the
  milestone not done). The published ones are spread over published / bids opened / evaluation /
  awarded / standstill as far as the dates allow; some are re-tenders of a tender that drew too
  few bids; a fifth have a clarification question, four a complaint (one still suspending its tender);
- for the 34 projects in implementation, a tender (published as above) awarded and a contract signed on the day of the
  project's "contract signed" milestone (entered after the fact: the project is held at contractor
  determination while its tender is prepared and published), with payments against its progress reports and a few amendments,
  one of them beyond the 10 % limit.

DEMO ASSUMPTIONS: the days from confirmation to publication (6–29 on time; 35–110 late, with a chance of
lateness from 6 % in the best region to about a third in the weakest), the contractors, their names and shares of local content, the prices (82–102 % of the
estimate), the number of bids, the timeline lengths, the questions, complaints and amendments.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from meks.accounts.models import Organization, User
from meks.core.validators import with_control_digit
from meks.portfolio.choices import MilestoneKind, ProjectStatus
from meks.portfolio.models import Milestone, Project, StatusChange
from meks.procurement import services
from meks.procurement.choices import BidStatus
from meks.procurement.models import Bid, Contractor, QualificationCheck, Tender
from meks.procurement.sealing import BidContent, seal_bid, seal_digest
from meks.territory.models import Region

from .portfolio import REGION_QUALITY

MILLION = Decimal("1000000")
CONTRACTOR_COUNT = 40
PENDING, SUSPENDED, UNRELIABLE = 3, 3, 3
CATEGORY_OF_DIRECTION = {"heat": "heat_networks", "power": "power_networks", "water": "water_networks",
                         "sewerage": "sewer_networks", "other": "equipment"}
NAMES = [
    ("СтройМонтаж", "Құрылыс Монтаж", "StroyMontazh"), ("ТеплоЭнергоСервис", "Жылу Энерго Сервис", "TeploEnergoService"),
    ("КазСетьСтрой", "Қаз Желі Құрылыс", "KazSetStroy"), ("АлатауИнжиниринг", "Алатау Инжиниринг", "Alatau Engineering"),
    ("Су Құрылыс", "Су Құрылыс", "Su Kurylys"), ("ЭнергоТехМонтаж", "Энерго Тех Монтаж", "EnergoTechMontazh"),
    ("СарыаркаСтрой", "Сарыарқа Құрылыс", "Saryarka Stroy"), ("ЕртісГидроСтрой", "Ертіс Гидро Құрылыс", "Ertis HydroStroy"),
    ("КаспийИнфраСтрой", "Каспий Инфра Құрылыс", "Caspian InfraStroy"), ("АстанаТеплоМонтаж", "Астана Жылу Монтаж", "Astana TeploMontazh"),
]
#: Projects at contractor determination whose tender is still a draft: every sixteenth, from the twelfth.
DRAFT_EVERY, DRAFT_FROM = 16, 11
ON_TIME_DAYS, LATE_DAYS = (6, 29), (35, 110)
QUESTIONS = [
    ("Допускается ли применение труб в ППУ-изоляции отечественного производства?", "Да, при соответствии ГОСТ 30732."),
    ("Предусмотрен ли аванс по договору?", "Аванс не предусмотрен; оплата по актам выполненных работ."),
    ("Можно ли привлечь субподрядчика для сварочных работ?", "Да, не более 30 % объёма работ."),
]


def _million(value: Decimal) -> Decimal:
    return (value / MILLION).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * MILLION


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


class _Builder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.now = timezone.now().replace(microsecond=0)
        self.users = {user.username: user for user in User.objects.filter(
            username__in=["office", "techoperator", "ministry", "contractor"])}
        self.regions = list(Region.objects.order_by("kato"))
        self.bidders: list[Contractor] = []
        self.domestic: dict[int, Decimal] = {}  # contractor pk -> its usual local-content share
        self.contract_number = 0
        self.confirmed = dict(StatusChange.objects.filter(to_status=ProjectStatus.CONFIRMED)
                              .order_by("project_id", "changed_at").values_list("project_id", "changed_at"))

    # -- publication dates ----------------------------------------------------------------------------

    def publication(self, project: Project) -> dt.datetime:
        """The day the project's tender is published: within the target from its confirmation, or late.

        Lateness is likelier where the region's delivery is weaker (the portfolio's region quality). The
        project's "tender published" milestone is set to the same day (the portfolio demo dated it from the
        schedule alone), so the tender, the milestone and the briefing agree.
        """
        quality = REGION_QUALITY.get(project.region.kato, 0.55)
        late = self.rng.random() < 0.05 + 0.3 * (1 - quality)
        days = self.rng.randint(*(LATE_DAYS if late else ON_TIME_DAYS))
        confirmed = self.confirmed.get(project.pk) or self.now - dt.timedelta(days=days + 10)
        day = min(timezone.localtime(confirmed).date() + dt.timedelta(days=days), self.now.date() - dt.timedelta(days=1))
        self.set_tender_milestone(project, day)
        return _at(day)

    @staticmethod
    def set_tender_milestone(project: Project, day: dt.date | None) -> None:
        # A plain update, like the project's held status below: the schedule's history is the portfolio's.
        Milestone.objects.filter(project=project, kind=MilestoneKind.TENDER_PUBLISHED).update(actual_date=day)

    def draft(self, project: Project) -> Tender:
        """A tender still in preparation past the planned publication day: the milestone is not done."""
        self.set_tender_milestone(project, None)
        deadline = self.now + dt.timedelta(days=self.rng.randint(35, 50))
        return self.create(project, self.now - dt.timedelta(days=1), deadline)

    # -- the registry ---------------------------------------------------------------------------------

    def bin(self) -> str:
        while True:
            body = f"{self.rng.randint(5, 22):02d}{self.rng.randint(1, 12):02d}40{self.rng.randint(0, 99999):05d}"
            full = with_control_digit(body)
            if full and not Organization.objects.filter(bin=full).exists() and not Contractor.objects.filter(bin=full).exists():
                return full

    def contractors(self) -> None:
        office, operator = self.users["office"], self.users["techoperator"]
        registered_at = self.now - dt.timedelta(days=420)
        demo_org = self.users["contractor"].organization
        demo = services.contractor_register(
            actor=self.users["contractor"], bin=demo_org.bin, name_ru=demo_org.name_ru, name_kk=demo_org.name_kk,
            name_en=demo_org.name_en, region=demo_org.region, categories=["heat_networks", "water_networks"],
            experience_years=12, email="tender@stroyengineering.demo.kz", phone="+7 7212 00 00 00", at=registered_at)
        self.licence(demo, "heat_networks")
        services.contractor_verify(actor=operator, contractor=demo, at=registered_at + dt.timedelta(days=3))
        made = [demo]
        forms = ("ТОО", "АО")
        for number in range(1, CONTRACTOR_COUNT):
            ru, kk, en = NAMES[number % len(NAMES)]
            suffix = f"-{number // len(NAMES) + 1}" if number >= len(NAMES) else ""
            form = forms[number % 2]
            categories = self.rng.sample(list(CATEGORY_OF_DIRECTION.values()), self.rng.randint(1, 3))
            contractor = services.contractor_register(
                actor=office, bin=self.bin(), name_ru=f"{form} «{ru}{suffix}»", name_kk=f"«{kk}{suffix}» {'ЖШС' if form == 'ТОО' else 'АҚ'}",
                name_en=f"{en}{suffix} {'LLP' if form == 'ТОО' else 'JSC'}", region=self.rng.choice(self.regions),
                categories=categories, experience_years=self.rng.randint(2, 25),
                at=registered_at + dt.timedelta(days=number * 5))
            self.licence(contractor, categories[0])
            made.append(contractor)
        for index, contractor in enumerate(made[1:], start=1):
            verified_at = registered_at + dt.timedelta(days=index * 5 + 4)
            if index <= PENDING:
                continue
            services.contractor_verify(actor=operator, contractor=contractor, at=verified_at)
            if index <= PENDING + SUSPENDED:
                services.contractor_suspend(actor=operator, contractor=contractor, at=verified_at + dt.timedelta(days=60),
                                            reason="Истёк срок действия лицензии")
            elif index <= PENDING + SUSPENDED + UNRELIABLE:
                services.unreliable_supplier_include(
                    actor=operator, contractor=contractor, reason="Неисполнение договора государственных закупок",
                    basis=f"Решение суда № 2-{1000 + index}/2025", listed_from=(self.now - dt.timedelta(days=200)).date(),
                    listed_until=(self.now + dt.timedelta(days=530)).date())
        self.bidders = [c for c in Contractor.objects.filter(status="verified").order_by("pk")
                        if not services.is_unreliable(c)]
        for contractor in self.bidders:
            self.domestic[contractor.pk] = Decimal(self.rng.choice([0, 5, 15, 25, 35, 45, 55, 65, 75, 85]))

    def licence(self, contractor: Contractor, category: str) -> None:
        services.contractor_licence_add(actor=None, contractor=contractor, category=category,
                                        number=f"ГСЛ-{contractor.bin[-6:]}", issued_on=dt.date(2019, 3, 1),
                                        issuer="Комитет по делам строительства и ЖКХ")

    # -- one tender's path ----------------------------------------------------------------------------

    def customer(self, project: Project) -> User:
        if services.is_customer_side(user=project.responsible, project=project):
            return project.responsible
        return self.users["office"]

    def create(self, project: Project, published: dt.datetime, deadline: dt.datetime, *, retender_of=None) -> Tender:
        category = CATEGORY_OF_DIRECTION.get(project.direction.code, "equipment")
        estimate = _million(project.cost_estimate * Decimal("0.85"))
        turnkey = self.rng.random() < 0.3
        if turnkey or estimate < 2000 * MILLION:
            lots = [{"title_ru": project.title_ru[:450], "title_en": project.title_en[:450], "category": category,
                     "estimated_value": estimate}]
        else:
            first = _million(estimate * Decimal("0.6"))
            lots = [{"title_ru": f"Строительно-монтажные работы: {project.title_ru[:400]}", "category": category,
                     "estimated_value": first},
                    {"title_ru": f"Поставка оборудования: {project.title_ru[:400]}", "category": "equipment",
                     "estimated_value": estimate - first}]
        if retender_of is not None:
            return services.tender_retender(actor=self.customer(project), tender=retender_of,
                                            clarification_deadline=deadline - dt.timedelta(days=5), bid_deadline=deadline,
                                            opening_at=deadline + dt.timedelta(hours=1), at=published - dt.timedelta(days=2))
        return services.tender_create(
            actor=self.customer(project), project=project, title_ru=f"Выбор подрядчика: {project.title_ru[:400]}",
            title_en=f"Contractor selection: {project.title_en[:400]}" if project.title_en else "",
            lots=lots, is_turnkey=turnkey, method="two_stage" if estimate > 20000 * MILLION else "open",
            requirements=[{"kind": "licence", "text": "Государственная лицензия на соответствующий вид работ"},
                          {"kind": "experience", "text": "Опыт выполнения аналогичных работ не менее 3 лет"}],
            evaluation_criteria="Наименьшая условная цена с учётом преференции по доле местного содержания",
            clarification_deadline=deadline - dt.timedelta(days=5), bid_deadline=deadline,
            opening_at=deadline + dt.timedelta(hours=1), evaluation_deadline=deadline + dt.timedelta(days=10),
            at=published - dt.timedelta(days=self.rng.randint(2, 6)),
        )

    def bid_all(self, tender: Tender, published: dt.datetime, deadline: dt.datetime, count: int | None = None) -> None:
        """Sealed bids from eligible contractors before the deadline, written in bulk with their history.

        The rows are those ``bid_submit`` makes (sealed content and fingerprint, clear columns empty); the
        bidders are verified and off the unreliable register, the prices positive and the times before the
        deadline, which is what the service would check.
        """
        last = min(deadline, self.now) - published
        rows: dict[bool, list[Bid]] = {True: [], False: []}
        for lot in tender.lots.order_by("number"):
            n = count if count is not None else self.rng.choice([2, 2, 3, 3, 3, 4, 5])
            if tender.project.region.kato == "35" and self.rng.random() < 0.5:
                chosen = [self.bidders[0], *self.rng.sample(self.bidders[1:], n - 1)]  # the demo contractor bids at home
            else:
                chosen = self.rng.sample(self.bidders, n)
            for contractor in chosen:
                at = published + last * self.rng.uniform(0.2, 0.95)
                own = contractor.pk == self.bidders[0].pk
                share = max(Decimal(0), min(Decimal(95), self.domestic[contractor.pk] + self.rng.randint(-5, 5)))
                price = _million(lot.estimated_value * Decimal(str(self.rng.uniform(0.82, 1.02))))
                token = seal_bid(BidContent(price=price, local_content_share=share))
                rows[own].append(Bid(lot=lot, contractor=contractor, status=BidStatus.SUBMITTED, submitted_at=at,
                                     submitted_by=self.users["contractor"] if own else None, sealed_content=token,
                                     seal_digest=seal_digest(token)))
        for own, bids in rows.items():
            if bids:
                bulk_create_with_history(bids, Bid, default_user=self.users["contractor"] if own else None,
                                         default_change_reason="Sealed bid submitted")

    def evaluate(self, tender: Tender, at: dt.datetime) -> Tender:
        manager = self.customer(tender.project)
        tender = services.tender_start_evaluation(actor=manager, tender=tender, at=at)
        requirements = list(tender.requirements.all())
        for lot in tender.lots.filter(status="open"):
            # The checks ``qualification_record`` would make, written in bulk with their history.
            checks = []
            for bid in lot.bids.filter(status="opened"):
                fails = self.rng.random() < 0.08
                for requirement in requirements:
                    failed = fails and requirement.kind == "experience"
                    checks.append(QualificationCheck(bid=bid, requirement=requirement, passed=not failed,
                                                     note="Опыт аналогичных работ не подтверждён" if failed else "",
                                                     checked_by=manager))
            bulk_create_with_history(checks, QualificationCheck, default_user=manager)
            services.lot_evaluate(actor=manager, lot=lot)
        return tender

    def question(self, tender: Tender, published: dt.datetime) -> None:
        asker = self.users["contractor"]
        text, answer = self.rng.choice(QUESTIONS)
        question = services.question_ask(actor=asker, tender=tender, text=text, at=published + dt.timedelta(days=3))
        services.question_answer(actor=self.customer(tender.project), question=question, answer=answer,
                                 at=published + dt.timedelta(days=5))

    def run(self, project: Project, stage: str) -> Tender | None:
        """Take a tender of ``project`` as far as ``stage`` allows by the dates; returns it."""
        published = self.publication(project)
        deadline = published + dt.timedelta(days=self.rng.randint(20, 30))
        if stage != "published" and deadline + dt.timedelta(days=2) > self.now:
            stage = "published"
        if stage == "published" and deadline <= self.now:
            deadline = self.now + dt.timedelta(days=self.rng.randint(3, 20))
        manager = self.customer(project)
        retender_of = None
        if stage == "retender" and deadline + dt.timedelta(days=40) < self.now:
            first = self.create(project, published, deadline)
            services.tender_publish(actor=manager, tender=first, at=published)
            self.bid_all(first, published, deadline, count=1)
            services.tender_open_bids(actor=manager, tender=first, at=deadline + dt.timedelta(hours=1))
            retender_of = first
            published = deadline + dt.timedelta(days=7)
            deadline = max(published + dt.timedelta(days=20), self.now + dt.timedelta(days=5))
            stage = "published"
        elif stage == "retender":
            stage = "published"
        tender = self.create(project, published, deadline, retender_of=retender_of)
        tender = services.tender_publish(actor=manager, tender=tender, at=published)
        if self.rng.random() < 0.2 and tender.clarification_deadline > published + dt.timedelta(days=3):
            self.question(tender, published)
        self.bid_all(tender, published, deadline)
        if stage == "published":
            return tender
        opened = deadline + dt.timedelta(hours=1)
        tender = services.tender_open_bids(actor=manager, tender=tender, at=opened)
        if stage == "bids_opened" or tender.status != "bids_opened":
            return tender
        evaluated = min(opened + dt.timedelta(days=self.rng.randint(2, 8)), self.now - dt.timedelta(hours=2))
        tender = self.evaluate(tender, evaluated)
        if stage == "evaluation" or not tender.lots.filter(status="open").exists():
            return tender
        awarded = evaluated + dt.timedelta(hours=1)
        services.tender_award(actor=manager, tender=tender, at=awarded)
        if stage == "awarded":
            return tender
        return services.tender_start_standstill(actor=manager, tender=tender, at=awarded + dt.timedelta(minutes=30))

    # -- implementation: contracts --------------------------------------------------------------------

    def contract(self, project: Project, amend: str | None) -> None:
        signed_day = project.milestones.get(kind=MilestoneKind.CONTRACT_SIGNED).actual_date
        signed = _at(signed_day, 15)
        award_at = signed - dt.timedelta(days=25)  # ten working days of standstill, holidays included
        published = self.publication(project)
        if published >= award_at - dt.timedelta(days=25):  # the schedule leaves no room: publish before the award
            published = award_at - dt.timedelta(days=40)
            self.set_tender_milestone(project, published.date())
        deadline = published + (award_at - published) * 0.6
        manager = self.customer(project)
        # The portfolio demo has already moved the project on; its tender is entered after the fact, with the
        # project held at contractor determination meanwhile (a plain update: the project's history is untouched).
        Project.objects.filter(pk=project.pk).update(status=ProjectStatus.CONTRACTOR_DETERMINATION)
        project.refresh_from_db()
        tender = self.create(project, published, deadline)
        tender = services.tender_publish(actor=manager, tender=tender, at=published)
        Project.objects.filter(pk=project.pk).update(status=ProjectStatus.IMPLEMENTATION)
        self.bid_all(tender, published, deadline)
        tender = services.tender_open_bids(actor=manager, tender=tender, at=deadline + dt.timedelta(hours=1))
        tender = self.evaluate(tender, award_at - dt.timedelta(hours=3))
        awards = services.tender_award(actor=manager, tender=tender, at=award_at)
        services.tender_start_standstill(actor=manager, tender=tender, at=award_at)
        contracts = []
        for award in awards:
            self.contract_number += 1
            contracts.append(services.contract_sign(
                actor=manager, award=award, number=f"ДП-{signed_day.year}/{self.contract_number:04d}",
                start_date=signed_day, end_date=project.planned_end or signed_day + dt.timedelta(days=720), at=signed))
        reports = list(project.progress_reports.order_by("period"))
        for contract in contracts:
            self.pay(contract, reports)
            if amend:
                self.amend(contract, amend)
                amend = None

    def pay(self, contract, reports) -> None:
        paid = Decimal(0)
        for report in reports[2::3]:  # a payment each quarter, for the month's report
            cap = contract.value * report.completion_percent / 100
            amount = _million(cap * Decimal(str(self.rng.uniform(0.8, 0.97))) - paid)
            if paid + amount > cap:  # rounding to the million must not pass the ceiling
                amount -= MILLION
            if amount <= 0:
                continue
            paid_on = (report.period.replace(day=28) + dt.timedelta(days=15))
            if paid_on > self.now.date() or paid_on < contract.start_date:
                continue
            services.contract_payment_record(actor=None, contract=contract, amount=amount, paid_on=paid_on,
                                             progress_report=report)
            paid += amount

    def amend(self, contract, kind: str) -> None:
        day = min(contract.start_date + dt.timedelta(days=120), self.now.date())
        if kind == "over_limit":
            services.contract_amend(actor=None, contract=contract, kind="value", signed_on=day,
                                    value_change=_million(contract.signed_value * Decimal("0.07")),
                                    reason="Дополнительный объём работ по замене запорной арматуры")
            services.contract_amend(actor=None, contract=contract, kind="value", signed_on=day + dt.timedelta(days=60),
                                    value_change=_million(contract.signed_value * Decimal("0.06")),
                                    reason="Удорожание материалов")
        elif kind == "duration":
            services.contract_amend(actor=None, contract=contract, kind="duration", signed_on=day,
                                    new_end_date=contract.end_date + dt.timedelta(days=90),
                                    reason="Перенос работ из-за отопительного сезона")
        elif kind == "value":
            services.contract_amend(actor=None, contract=contract, kind="value", signed_on=day,
                                    value_change=_million(contract.signed_value * Decimal("0.04")),
                                    reason="Дополнительный участок сети")
        else:
            services.contract_amend(actor=None, contract=contract, kind="scope", signed_on=day,
                                    scope_change="Добавлена установка узлов учёта тепла", reason="Требование заказчика")

    # -- complaints -----------------------------------------------------------------------------------

    def complaints(self) -> None:
        published = list(Tender.objects.filter(status="published").order_by("pk")[:6])
        ministry = self.users["ministry"]
        complainants = self.bidders[1:5]
        for index, tender in enumerate(published[:4]):
            # The one still suspending its tender was filed today; the decided ones a few days ago.
            at = self.now - (dt.timedelta(hours=6) if index == 0 else dt.timedelta(days=3))
            complaint = services.complaint_file(
                actor=None, contractor=complainants[index], tender=tender, at=at,
                subject=["Завышенные квалификационные требования", "Неясное техническое задание",
                         "Короткий срок подачи заявок", "Требование о конкретной марке оборудования"][index],
                text="Просим проверить соответствие тендерной документации правилам закупок.")
            if index == 3:
                continue  # filed, waiting for the review body
            services.complaint_accept(actor=ministry, complaint=complaint, suspend=index in (0, 1),
                                      at=at + dt.timedelta(hours=4))
            if index == 1:
                services.complaint_decide(actor=ministry, complaint=complaint, upheld=False, decision_number="ЖК-12",
                                          decision="Нарушений не выявлено; приостановление снято.",
                                          at=at + dt.timedelta(days=1))
            elif index == 2:
                services.complaint_decide(actor=ministry, complaint=complaint, upheld=True, decision_number="ЖК-13",
                                          decision="Требование о марке оборудования исключить из документации.",
                                          at=at + dt.timedelta(days=1))


STAGES = ["published"] * 30 + ["bids_opened"] * 15 + ["evaluation"] * 20 + ["awarded"] * 15 + ["standstill"] * 20


def build_procurement(*, rng: random.Random) -> None:
    """The contractor registry, the tenders of the 164 projects past confirmation and the 34 projects' contracts."""
    builder = _Builder(rng)
    builder.contractors()
    projects = Project.objects.select_related("region", "direction", "responsible", "owner").order_by("code")
    determination = list(projects.filter(status=ProjectStatus.CONTRACTOR_DETERMINATION))
    for index, project in enumerate(determination):
        if index % DRAFT_EVERY == DRAFT_FROM:
            builder.draft(project)
            continue
        stage = "retender" if index % 43 == 7 else rng.choice(STAGES)
        builder.run(project, stage)
    amendments = {0: "over_limit", 3: "duration", 6: "value", 9: "scope", 12: "duration"}
    for index, project in enumerate(projects.filter(status=ProjectStatus.IMPLEMENTATION)):
        builder.contract(project, amendments.get(index))
    builder.complaints()
