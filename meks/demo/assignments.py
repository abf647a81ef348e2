"""The demo assignments: the three meetings of the texts with their assignments, executors and deadlines.

The assignments and deadlines are the texts' (by 1 October, by 1 December, within a month, and the
monthly report on key indicators); the meetings' exact dates, protocol numbers, the reports' dates and the
extension are DEMO ASSUMPTIONS chosen so that some are done on time, some late, some extended and some
still open.
"""

from __future__ import annotations

import datetime as dt

from meks.accounts.choices import OrganizationKind
from meks.accounts.models import Organization, User
from meks.accounts.services import organization_create, role_assign, user_create
from meks.assignments import services
from meks.assignments.choices import ControlLevel, MeetingKind
from meks.assignments.models import Assignment
from meks.core.access import Role
from meks.territory.models import Region, Settlement

from .reference import DEMO_REASON

D = dt.date
EXTRA_BODIES = {
    "digital": ("Министерство цифрового развития, инноваций и аэрокосмической промышленности РК", "ҚР Цифрлық даму, инновациялар және аэроғарыш өнеркәсібі министрлігі", "Ministry of Digital Development, Innovation and Aerospace Industry"),
    "agriculture": ("Министерство сельского хозяйства РК", "ҚР Ауыл шаруашылығы министрлігі", "Ministry of Agriculture"),
    "tourism": ("Министерство туризма и спорта РК", "ҚР Туризм және спорт министрлігі", "Ministry of Tourism and Sports"),
    "science": ("Министерство науки и высшего образования РК", "ҚР Ғылым және жоғары білім министрлігі", "Ministry of Science and Higher Education"),
    "transport": ("Министерство транспорта РК", "ҚР Көлік министрлігі", "Ministry of Transport"),
    "samruk": ("АО «Фонд национального благосостояния «Самрук-Казына»", "«Самұрық-Қазына» ұлттық әл-ауқат қоры» АҚ", "Samruk-Kazyna Sovereign Wealth Fund JSC"),
    "kazavtozhol": ("АО «НК «ҚазАвтоЖол»", "«ҚазАвтоЖол» ҰК» АҚ", "KazAvtoZhol National Company JSC"),
}
OFFICIALS = [("Абенов", "Ерлан", "Маратович"), ("Искакова", "Мадина", "Сериковна"), ("Жумабаев", "Талгат", "Ержанович"),
             ("Омарова", "Айгуль", "Кайратовна"), ("Сейтказиев", "Бекзат", "Нурланович"), ("Тулегенова", "Сауле", "Аскаровна"),
             ("Калиев", "Руслан", "Болатович"), ("Нуртазина", "Индира", "Муратовна"), ("Байжанов", "Дамир", "Серикович")]


def _organizations() -> dict[str, Organization]:
    found = {
        "office": Organization.objects.get(kind=OrganizationKind.PROJECT_OFFICE),
        "energy": Organization.objects.get(name_en__startswith="Ministry of Energy"),
        "industry": Organization.objects.get(name_en__startswith="Ministry of Industry"),
        "economy": Organization.objects.get(name_en__startswith="Ministry of National Economy"),
        "techop": Organization.objects.get(kind=OrganizationKind.TECHNICAL_OPERATOR),
        "baiterek": Organization.objects.get(kind=OrganizationKind.FINANCIAL_OPERATOR),
    }
    for kato in ("35", "23", "62", "15", "47"):
        found[f"akimat_{kato}"] = Organization.objects.get(kind=OrganizationKind.AKIMAT, region__kato=kato)
    for key, (ru, kk, en) in EXTRA_BODIES.items():
        kind = OrganizationKind.MINISTRY if key in {"digital", "agriculture", "tourism", "science", "transport"} else OrganizationKind.FINANCIAL_OPERATOR
        found[key] = organization_create(actor=None, kind=kind, name_ru=ru, name_kk=kk, name_en=en, reason=DEMO_REASON)
    return found


def _officials(organizations: dict[str, Organization]) -> dict[str, User]:
    named = {"office": "office", "energy": "ministry", "techop": "techoperator", "baiterek": "baiterek",
             "akimat_35": "akimat.karaganda", "akimat_47": "akimat.mangystau"}
    officials = {key: User.objects.get(username=username) for key, username in named.items()}
    for index, (key, organization) in enumerate(sorted(organizations.items())):
        if key in officials:
            continue
        existing = organization.members.filter(is_active=True).first()
        if existing is not None:
            officials[key] = existing
            continue
        last, first, middle = OFFICIALS[index % len(OFFICIALS)]
        user = user_create(actor=None, username=f"official.{key}", password=None, organization=organization,
                           first_name=first, last_name=last, middle_name=middle,
                           position=("Ответственный за исполнение поручений", "Тапсырмалардың орындалуына жауапты",
                                     "Officer responsible for assignments"))
        role = Role.AKIMAT if organization.kind == OrganizationKind.AKIMAT else (
            Role.MINISTRY if organization.kind == OrganizationKind.MINISTRY else Role.FINANCIAL_OPERATOR)
        role_assign(actor=None, user=user, role=role, regions=[organization.region] if organization.region else [],
                    reason=DEMO_REASON)
        officials[key] = user
    return officials


def _issue(office: User, meeting, orgs, people, item, text, lead, deadline=None, co=(), monthly=None, until=None,
           level=ControlLevel.NATIONAL, regions=(), settlements=()):
    return services.assignment_issue(
        actor=office, meeting=meeting, item_number=item, text_ru=text, lead_executor=orgs[lead], lead_official=people[lead],
        control_level=level, deadline=deadline, recurrence_day=monthly, recurrence_until=until,
        co_executors=[orgs[key] for key in co], regions=regions, settlements=settlements,
    )


def _report(people, assignment: Assignment, lead: str, on: dt.date, text: str) -> object:
    return services.report_submit(actor=people[lead], assignment=assignment, text=text, submitted_on=on)


def _accept(office: User, report, note: str = "Принято") -> None:
    services.report_accept(actor=office, report=report, note=note)


def build_assignments() -> None:
    """The three meetings and their assignments, with reports, one extension and open deadlines."""
    orgs = _organizations()
    people = _officials(orgs)
    office = people["office"]
    settlement = {s.name_en: s for s in Settlement.objects.filter(is_monotown=True)}
    region = {r.kato: r for r in Region.objects.all()}

    # 1. The project office of МЭКС chaired by the Deputy Prime Minister.
    mex = services.meeting_create(
        actor=office, kind=MeetingKind.PROJECT_OFFICE, date=D(2026, 3, 12), controlling_organization=orgs["office"],
        title_ru="Заседание проектного офиса МЭКС", title_kk="МЭКС жобалық офисінің отырысы",
        title_en="Meeting of the MEKS project office", chair="Заместитель Премьер-министра РК К. Бозумбаев",
        protocol_number="3-МЭКС", place="Астана, Дом Правительства")
    kpi = _issue(office, mex, orgs, people, "1", "Предоставлять подробную информацию о выполнении ключевых показателей "
                 "национального проекта; при затягивании сроков рассматривается персональная ответственность должностных лиц.",
                 "energy", co=("economy", "industry"), monthly=5, until=D(2026, 12, 31))
    services.assignment_start(actor=people["energy"], assignment=kpi)
    for submitted in (D(2026, 4, 3), D(2026, 5, 5), D(2026, 6, 9), D(2026, 7, 4), D(2026, 8, 5), D(2026, 9, 12), D(2026, 10, 2)):
        _accept(office, _report(people, kpi, "energy", submitted, "Информация о выполнении ключевых показателей за месяц направлена."))
    tenders = _issue(office, mex, orgs, people, "2", "Ускорить публикацию конкурсов на электронной платформе МЭКС.",
                     "energy", D(2026, 5, 1), co=("akimat_35", "akimat_47"))
    _accept(office, _report(people, tenders, "energy", D(2026, 5, 20), "Опубликованы конкурсы по 130 проектам."))
    contractors = _issue(office, mex, orgs, people, "3", "Ускорить регистрацию подрядчиков на электронной платформе МЭКС.",
                         "techop", D(2026, 5, 1))
    _accept(office, _report(people, contractors, "techop", D(2026, 4, 28), "Срок верификации подрядчиков сокращён до 5 рабочих дней."))
    financing = _issue(office, mex, orgs, people, "4", "Ускорить процедуры финансирования проектов.", "baiterek", D(2026, 6, 1))
    services.assignment_start(actor=people["baiterek"], assignment=financing)
    extension = services.extension_request(actor=people["baiterek"], deadline=financing.deadlines.get(),
                                           new_due_date=D(2026, 7, 15), reason="Согласование с банками второго уровня",
                                           requested_on=D(2026, 5, 25))
    services.extension_decide(actor=office, request=extension, approve=True, note="Продлить до 15 июля")
    _accept(office, _report(people, financing, "baiterek", D(2026, 7, 10), "Регламент рассмотрения заявок сокращён до 20 рабочих дней."))

    # 2. The republican seminar on monotowns in Karaganda region chaired by the Prime Minister.
    mono = services.meeting_create(
        actor=office, kind=MeetingKind.SEMINAR, date=D(2026, 8, 14), controlling_organization=orgs["office"],
        title_ru="Республиканский семинар-совещание по развитию моногородов", title_kk="Моноқалаларды дамыту жөніндегі республикалық семинар-кеңес",
        title_en="Republican seminar on the development of monotowns", chair="Премьер-министр РК О. Бектенов",
        protocol_number="17-ПМ", place="Карагандинская область")
    zones = _issue(office, mono, orgs, people, "1", "Ускорить создание индустриальных зон в городах Балхаш и Кульсары.",
                   "akimat_35", D(2026, 12, 1), co=("akimat_23",), level=ControlLevel.REGIONAL,
                   regions=[region["35"], region["23"]], settlements=[settlement["Balkhash"], settlement["Kulsary"]])
    services.assignment_start(actor=people["akimat_35"], assignment=zones)
    satpayev = _issue(office, mono, orgs, people, "2", "Активизировать работу по созданию индустриальных зон в Сатпаеве и Хромтау.",
                      "akimat_62", D(2026, 12, 1), co=("akimat_15",), level=ControlLevel.REGIONAL,
                      regions=[region["62"], region["15"]], settlements=[settlement["Satpayev"], settlement["Khromtau"]])
    _report(people, satpayev, "akimat_62", D(2026, 11, 18), "Определены участки под индустриальные зоны, разработана ПСД.")
    _issue(office, mono, orgs, people, "3", "Определить готовые производственные площадки для программы малых промышленных зон в моногородах.",
           "industry", D(2026, 10, 1), co=("akimat_35", "akimat_62", "akimat_15", "akimat_23"))
    _issue(office, mono, orgs, people, "4", "Обеспечить масштабирование долгосрочных договоров и офтейк-контрактов в моногородах, "
           "в том числе в рамках национального проекта МЭКС.", "samruk", D(2026, 12, 1), co=("baiterek",))
    _issue(office, mono, orgs, people, "5", "Выработать меры по определению новых драйверов роста экономики моногородов с учётом "
           "конкретных инвестиционных проектов.", "economy", D(2026, 12, 1),
           co=("digital", "agriculture", "tourism", "science"))
    specialists = _issue(office, mono, orgs, people, "6", "Проработать вопрос снижения дефицита технических специалистов в моногородах.",
                         "science", D(2026, 10, 1))
    _accept(office, _report(people, specialists, "science", D(2026, 10, 8), "Предложения по целевой подготовке кадров внесены."))
    corridors = _issue(office, mono, orgs, people, "7", "Внести предложения по развитию сервисной деятельности вблизи моногородов "
                       "вдоль крупных транспортных коридоров.", "transport", D(2026, 10, 1), co=("kazavtozhol",))
    _accept(office, _report(people, corridors, "transport", D(2026, 9, 28), "Предложения внесены в Правительство."))

    # 3. The first meeting of the project office on regional policy.
    regional = services.meeting_create(
        actor=office, kind=MeetingKind.PROJECT_OFFICE, date=D(2026, 2, 10), controlling_organization=orgs["office"],
        title_ru="Первое заседание Проектного офиса по региональной политике",
        title_kk="Өңірлік саясат жөніндегі жобалық офистің бірінші отырысы",
        title_en="First meeting of the project office on regional policy",
        chair="Заместитель Премьер-министра РК К. Бозумбаев", protocol_number="1-РП", place="Астана")
    review = _issue(office, regional, orgs, people, "1", "Провести ревизию ведомственных нормативных правовых актов по мерам "
                    "совершенствования региональной политики.", "economy", D(2026, 3, 10))
    _accept(office, _report(people, review, "economy", D(2026, 3, 6), "Ревизия проведена, перечень изменений направлен."))
    screening_k = _issue(office, regional, orgs, people, "2.1", "Провести скрининг сёл с определением специализации каждого "
                         "села и планов по строительству инфраструктуры.", "akimat_35", D(2026, 6, 30),
                         level=ControlLevel.REGIONAL, regions=[region["35"]])
    _accept(office, _report(people, screening_k, "akimat_35", D(2026, 6, 25), "Скрининг проведён по 412 сёлам."))
    _issue(office, regional, orgs, people, "2.2", "Провести скрининг сёл с определением специализации каждого села и планов "
           "по строительству инфраструктуры.", "akimat_47", D(2026, 6, 30), level=ControlLevel.REGIONAL, regions=[region["47"]])
    law = _issue(office, regional, orgs, people, "3", "Внести предложения по совершенствованию законодательства в сфере "
                 "местного самоуправления.", "economy", D(2026, 9, 1))
    _accept(office, _report(people, law, "economy", D(2026, 9, 20), "Проект поправок внесён на рассмотрение."))
