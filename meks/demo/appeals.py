"""The demo contact centre: categories, routing rules and 850 appeals over the past year.

Dates follow the legal rules on Kazakhstan's working-day calendar; the mix of categories, regions,
channels, on-time and late answers, ratings and overdue appeals is a DEMO ASSUMPTION. Applicants' names,
phones and IINs are invented (IINs carry valid control digits).
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from meks.accounts.choices import OrganizationKind
from meks.accounts.models import Organization, User
from meks.appeals import deadlines
from meks.appeals.choices import AnswerStatus, AppealStatus, Channel, EventKind
from meks.appeals.models import Answer, Appeal, AppealEvent, Category, RoutingRule
from meks.appeals.services import route
from meks.core.validators import with_control_digit
from meks.core.workdays import add_working_days
from meks.portfolio.models import Project
from meks.territory.models import Region

from .reference import DEMO_REASON

APPEALS = 850
CATEGORIES = [
    ("information", "Информация о национальном проекте", "Ұлттық жоба туралы ақпарат", "Information on the national project", 0.22, "office"),
    ("utility_participation", "Участие энергопередающих и коммунальных предприятий", "Кәсіпорындардың жобаға қатысуы", "How a utility takes part", 0.06, "techop"),
    ("tariffs", "Тарифы", "Тарифтер", "Tariffs", 0.14, "economy"),
    ("construction", "Строительные работы (отключения, качество)", "Құрылыс жұмыстары (ажыратулар, сапа)", "Construction works (disruption, quality)", 0.24, None),
    ("meters", "Приборы учёта воды и тепла", "Су мен жылу есептегіштері", "Water and heat meters", 0.12, "industry"),
    ("suppliers", "Вопросы подрядчиков и поставщиков", "Мердігерлер мен жеткізушілер сұрақтары", "Contractor and supplier questions", 0.07, "techop"),
    ("officials", "Жалобы на действия должностных лиц", "Лауазымды тұлғалардың әрекеттеріне шағымдар", "Complaints about officials", 0.04, "office"),
    ("proposals", "Предложения", "Ұсыныстар", "Proposals", 0.05, "office"),
    ("other", "Другое", "Басқа", "Other", 0.06, None),
]
TEXTS = {
    "information": "Прошу сообщить, включён ли наш город в национальный проект и когда начнутся работы.",
    "utility_participation": "Как нашему предприятию подать заявку на участие в национальном проекте МЭКС?",
    "tariffs": "Почему после модернизации сетей вырос тариф на тепло?",
    "construction": "Третью неделю раскопана улица, отключена горячая вода, сроки работ не сообщаются.",
    "meters": "Какие счётчики воды допускаются к установке и кто оплачивает поверку?",
    "suppliers": "Просим разъяснить порядок регистрации поставщика на электронной платформе.",
    "officials": "Сотрудник акимата не отвечает на обращения по ремонту теплотрассы.",
    "proposals": "Предлагаю публиковать график отключений на портале заранее.",
    "other": "Прошу разъяснить порядок получения технических условий на подключение.",
}
FIRST = ["Айгерим", "Ерлан", "Гульнар", "Марат", "Асель", "Нурлан", "Светлана", "Даурен", "Жанна", "Виктор", "Алия", "Серик"]
LAST = ["Ахметов", "Иванова", "Сулейменов", "Ким", "Токтарова", "Петров", "Жумабаева", "Омаров", "Садыкова", "Нуриев"]


def _routing(bodies: dict[str, Organization]) -> dict[str, Category]:
    categories = {}
    for order, (code, ru, kk, en, _share, body) in enumerate(CATEGORIES, start=1):
        category = Category.objects.create(code=code, name_ru=ru, name_kk=kk, name_en=en, order=order)
        categories[code] = category
        if body:
            RoutingRule.objects.create(category=category, organization=bodies[body])
        else:
            RoutingRule.objects.create(category=category, to_region_akimat=True)
    return categories


def build_appeals(*, rng: random.Random | None = None, anchor: dt.date | None = None) -> None:
    """Categories, routing and 850 appeals received over the year before ``anchor``."""
    rng = rng or random.Random(1465)
    anchor = anchor or timezone.localdate()
    bodies = {
        "office": Organization.objects.get(kind=OrganizationKind.PROJECT_OFFICE),
        "techop": Organization.objects.get(kind=OrganizationKind.TECHNICAL_OPERATOR),
        "economy": Organization.objects.get(name_en__startswith="Ministry of National Economy"),
        "industry": Organization.objects.get(name_en__startswith="Ministry of Industry"),
    }
    categories = _routing(bodies)
    for username in ("akimat.karaganda", "akimat.mangystau", "utility"):
        User.objects.filter(username=username).update(is_organization_head=True)
    operator = User.objects.get(username="operator")
    regions = list(Region.objects.order_by("kato"))
    weights = [(r.population or 500000) for r in regions]
    executors = {}
    for organization_id, user_id in User.objects.filter(is_active=True, organization__isnull=False).order_by(
            "is_organization_head", "pk").values_list("organization_id", "pk"):
        executors.setdefault(organization_id, user_id)
    projects_by_region: dict[int, list[int]] = {}
    for project_id, region_id in Project.objects.values_list("pk", "region_id"):
        projects_by_region.setdefault(region_id, []).append(project_id)
    codes = [c[0] for c in CATEGORIES]
    shares = [c[4] for c in CATEGORIES]
    sequence: dict[int, int] = {}
    rows, plans = [], []
    received_days = sorted(anchor - dt.timedelta(days=rng.randint(0, 364)) for _ in range(APPEALS))
    for received in received_days:
        code = rng.choices(codes, shares)[0]
        region = rng.choices(regions, weights)[0]
        registered = deadlines.registration_date(received)
        sequence[registered.year] = sequence.get(registered.year, 0) + 1
        organization = route(categories[code], region)
        channel = Channel.PHONE if rng.random() < 0.7 else Channel.PORTAL
        due = deadlines.due_date(registered)
        age = (anchor - registered).days
        answered_on = None
        status = AppealStatus.ROUTED
        executor_id = executors.get(organization.pk)
        if age > 6 and executor_id:
            status = AppealStatus.IN_PROGRESS
        if age > 10 and executor_id and rng.random() < (0.97 if age > 30 else 0.55):
            late = rng.random() < 0.12
            answered_on = add_working_days(due, rng.randint(1, 12)) if late else add_working_days(registered, rng.randint(3, 14))
            answered_on = min(answered_on, anchor)
            status = AppealStatus.ANSWERED if rng.random() < 0.3 else AppealStatus.CLOSED
        first = rng.choice(FIRST)
        last = rng.choice(LAST)
        if first.endswith(("а", "я", "ь")) and not last.endswith("а"):
            last += "а"
        iin = with_control_digit(f"{rng.randint(60, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}3{rng.randint(0, 9999):04d}") or ""
        rows.append(Appeal(
            number=f"{registered.year}-{sequence[registered.year]:06d}",
            access_code="".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(8)),
            channel=channel, received_at=timezone.make_aware(dt.datetime.combine(received, dt.time(rng.randint(8, 20), rng.randint(0, 59)))),
            registered_on=registered, accepted_by=operator if channel == Channel.PHONE else None,
            category=categories[code], region=region,
            project_id=rng.choice(projects_by_region[region.pk]) if projects_by_region.get(region.pk) and rng.random() < 0.35 else None,
            text=TEXTS[code], applicant_name=f"{last} {first}", applicant_phone=f"+7701{rng.randint(0, 9999999):07d}",
            applicant_iin=iin if rng.random() < 0.6 else "", applicant_address=f"{region.centre_ru}, ул. Абая, {rng.randint(1, 150)}",
            status=status, organization=organization, executor_id=executor_id if status != AppealStatus.ROUTED else None,
            due_date=due, original_due_date=due, forward_due_date=deadlines.forward_due_date(registered),
            answered_on=answered_on, closed_on=answered_on if status == AppealStatus.CLOSED else None,
            rating=rng.choice([3, 4, 4, 5, 5, 5]) if status == AppealStatus.CLOSED else None,
        ))
        plans.append((received, answered_on))
    created = bulk_create_with_history(rows, Appeal, batch_size=500, default_change_reason=DEMO_REASON)
    saved = {a.number: a for a in Appeal.objects.filter(number__in=[r.number for r in created])}
    events, answers = [], []
    for row, (received, answered_on) in zip(rows, plans, strict=True):
        appeal = saved[row.number]
        at = timezone.make_aware(dt.datetime.combine(received, dt.time(12)))
        events += [AppealEvent(appeal=appeal, kind=EventKind.REGISTERED, at=at, internal=False, actor=row.accepted_by),
                   AppealEvent(appeal=appeal, kind=EventKind.ROUTED, at=at, internal=False, organization=row.organization)]
        if row.executor_id:
            events.append(AppealEvent(appeal=appeal, kind=EventKind.ASSIGNED, at=at + dt.timedelta(days=1), organization=row.organization))
        if answered_on:
            answers.append(Answer(appeal=appeal, text="Ответ направлен заявителю: даны разъяснения по существу обращения.",
                                  author_id=row.executor_id, status=AnswerStatus.SENT, sent_on=answered_on))
            events.append(AppealEvent(appeal=appeal, kind=EventKind.ANSWERED, internal=False,
                                      at=timezone.make_aware(dt.datetime.combine(answered_on, dt.time(16)))))
    AppealEvent.objects.bulk_create(events, batch_size=2000)
    bulk_create_with_history(answers, Answer, batch_size=500, default_change_reason=DEMO_REASON)
