"""Build the deterministic demo data set through the platform's own services.

Everything is derived from a fixed seed, so two builds give the same records. Each domain adds its
part here as it lands; ``build_demo`` runs them in dependency order.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from django.db import transaction

from meks.accounts.choices import OrganizationKind
from meks.accounts.models import Organization, User
from meks.accounts.services import organization_create, role_assign, user_create
from meks.territory.models import Region
from meks.territory.services import settlement_create

from .accounts import DEMO_ACCOUNTS, demo_password
from .identifiers import demo_bin
from .reference import DEMO_REASON, INDUSTRIES, MONOTOWN_KK, VILLAGES

SEED = 20250729  # the day the national project's law came into force
DATA_DIR = Path(__file__).resolve().parent.parent / "territory" / "data"
VILLAGES_PER_REGION = 3


def build_territory(rng: random.Random) -> None:
    """Regional centres, the 20 monotowns and a few villages per region."""
    regions = {region.kato: region for region in Region.objects.all()}
    for kato, region in regions.items():
        kind = "city"
        population = region.population
        if region.kind == "oblast" and population:
            population = int(population * rng.uniform(0.25, 0.45))
        settlement_create(
            actor=None, region=region, kato=f"{kato}1000001", kind=kind, name_ru=region.centre_ru, name_kk=region.centre_kk or region.centre_ru,
            name_en=region.centre_en, is_regional_centre=True,
            population=population,
            reason=DEMO_REASON,
        )
    with (DATA_DIR / "monotowns.csv").open(encoding="utf-8") as handle:
        for index, row in enumerate(csv.DictReader(handle), start=1):
            region = regions[row["region_kato"]]
            population = int(row["population_approx"]) if row["population_approx"] else rng.randrange(15000, 90000, 100)
            settlement_create(
                actor=None, region=region, kato=f"{region.kato}2{index:06d}", kind="town",
                name_ru=row["name_ru"], name_kk=MONOTOWN_KK.get(row["name_en"], row["name_ru"]),
                name_en=row["name_en"], is_monotown=True, main_industry_ru=INDUSTRIES[row["main_industry"]][0],
                main_industry_kk=INDUSTRIES[row["main_industry"]][1], main_industry_en=row["main_industry"],
                population=population, reason=DEMO_REASON,
            )
    for kato, region in regions.items():
        if region.kind != "oblast":
            continue
        for number, (name_ru, name_kk, name_en, specialization) in enumerate(
            rng.sample(VILLAGES, VILLAGES_PER_REGION), start=1
        ):
            settlement_create(
                actor=None, region=region, kato=f"{kato}3{number:06d}", kind="village",
                name_ru=name_ru, name_kk=name_kk, name_en=name_en, village_specialization=specialization,
                population=rng.randrange(400, 6000, 10), reason=DEMO_REASON,
            )


ORGANIZATIONS = {
    "project_office": (OrganizationKind.PROJECT_OFFICE, None, "Проектный офис национального проекта «Модернизация энергетического и коммунального секторов»", "«Энергетика және коммуналдық секторларды жаңғырту» ұлттық жобасының жобалық офисі", "Project office of the national project «Modernization of the Energy and Utility Sectors»"),
    "ministry_energy": (OrganizationKind.MINISTRY, None, "Министерство энергетики Республики Казахстан", "Қазақстан Республикасы Энергетика министрлігі", "Ministry of Energy of the Republic of Kazakhstan"),
    "ministry_industry": (OrganizationKind.MINISTRY, None, "Министерство промышленности и строительства Республики Казахстан", "Қазақстан Республикасы Өнеркәсіп және құрылыс министрлігі", "Ministry of Industry and Construction of the Republic of Kazakhstan"),
    "ministry_economy": (OrganizationKind.MINISTRY, None, "Министерство национальной экономики Республики Казахстан", "Қазақстан Республикасы Ұлттық экономика министрлігі", "Ministry of National Economy of the Republic of Kazakhstan"),
    "technical_operator": (OrganizationKind.TECHNICAL_OPERATOR, None, "Технический оператор национального проекта", "Ұлттық жобаның техникалық операторы", "Technical operator of the national project"),
    "baiterek": (OrganizationKind.FINANCIAL_OPERATOR, None, "АО «Национальный управляющий холдинг «Байтерек»", "«Бәйтерек» ұлттық басқарушы холдингі» АҚ", "Baiterek National Managing Holding JSC"),
    "dbk": (OrganizationKind.DEVELOPMENT_BANK, None, "АО «Банк Развития Казахстана»", "«Қазақстанның Даму Банкі» АҚ", "Development Bank of Kazakhstan JSC"),
    "bank": (OrganizationKind.BANK, None, "АО «Демо Банк» (демонстрационный)", "«Демо Банк» АҚ (демонстрациялық)", "Demo Bank JSC (demonstration)"),
    "khc": (OrganizationKind.HOUSING_COMPANY, None, "АО «Казахстанская жилищная компания»", "«Қазақстан тұрғын үй компаниясы» АҚ", "Kazakhstan Housing Company JSC"),
    "utility_karaganda": (OrganizationKind.UTILITY, "35", "ТОО «Энергосети Караганды» (демонстрационное)", "«Қарағанды энергожелілері» ЖШС (демонстрациялық)", "Karaganda Energy Networks LLP (demonstration)"),
    "contractor": (OrganizationKind.CONTRACTOR, "35", "ТОО «СтройИнжиниринг» (демонстрационное)", "«СтройИнжиниринг» ЖШС (демонстрациялық)", "StroyEngineering LLP (demonstration)"),
    "manufacturer": (OrganizationKind.MANUFACTURER, "55", "ТОО «Павлодарский трубный завод» (демонстрационное)", "«Павлодар құбыр зауыты» ЖШС (демонстрациялық)", "Pavlodar Pipe Plant LLP (demonstration)"),
    "contact_centre": (OrganizationKind.CONTACT_CENTRE, None, "Контакт-центр национального проекта (1465)", "Ұлттық жобаның байланыс орталығы (1465)", "Contact centre of the national project (1465)"),
}


def build_organizations(rng: random.Random) -> dict[str, Organization]:
    """National bodies, an akimat per region, and the demo utility, bank, contractor and manufacturer."""
    regions = {region.kato: region for region in Region.objects.all()}
    created: dict[str, Organization] = {}
    for key, (kind, region_kato, name_ru, name_kk, name_en) in ORGANIZATIONS.items():
        created[key] = organization_create(
            actor=None, kind=kind, region=regions.get(region_kato) if region_kato else None,
            name_ru=name_ru, name_kk=name_kk, name_en=name_en, bin=demo_bin(rng), reason=DEMO_REASON,
        )
    for kato, region in regions.items():
        created[f"akimat_{kato}"] = organization_create(
            actor=None, kind=OrganizationKind.AKIMAT, region=region,
            name_ru=f"Акимат: {region.name_ru}", name_kk=f"{region.name_kk} әкімдігі",
            name_en=f"Akimat of {region.name_en}", bin=demo_bin(rng, registered="1"), reason=DEMO_REASON,
        )
    return created


def build_accounts(organizations: dict[str, Organization]) -> list[User]:
    """One account per role; the project office account may open the back office."""
    regions = {region.kato: region for region in Region.objects.all()}
    users = []
    for account in DEMO_ACCOUNTS:
        user = user_create(
            actor=None, username=account.username, password=demo_password(),
            organization=organizations[account.organization], first_name=account.first_name,
            last_name=account.last_name, middle_name=account.middle_name, position=account.position,
            email=f"{account.username}@demo.meks.kz", is_staff=account.staff, is_superuser=account.staff,
            check_password=False,
        )
        role_assign(actor=None, user=user, role=account.role,
                    regions=[regions[kato] for kato in account.regions], reason=DEMO_REASON)
        users.append(user)
    return users


def demo_is_loaded() -> bool:
    """True once the demo data set has been built in this database."""
    return User.objects.filter(username=DEMO_ACCOUNTS[0].username).exists()


def build_demo(*, portfolio: bool = True) -> None:
    """Build the demo data set in one transaction; ``portfolio=False`` stops after accounts (quick tests)."""
    rng = random.Random(SEED)
    with transaction.atomic():
        build_territory(rng)
        organizations = build_organizations(rng)
        build_accounts(organizations)
        if portfolio:
            build_demo_portfolio()
            build_demo_assignments()
            build_demo_appeals()
            build_demo_indicators()
            build_demo_finance()
            build_demo_metering()
            build_demo_producers()
            build_demo_procurement()


def build_demo_indicators() -> None:
    """The demo indicators: the monotown assessment, wear zoning, tax plans and village profiles."""
    from .indicators import build_indicators

    build_indicators(rng=random.Random(SEED + 9))


def build_demo_finance() -> None:
    """The demo financing: channels, applications with their reviews, decisions, disbursements, budget lines."""
    from .finance import build_finance

    build_finance(rng=random.Random(SEED + 4))


def build_demo_metering() -> None:
    """The demo metering: meter types, buildings, meters and a year of readings with anomalies."""
    from .metering import build_metering

    build_metering(rng=random.Random(SEED + 8))


def build_demo_producers() -> None:
    """The demo domestic producers: 220 producers, 2,786 products, offtake contracts."""
    from .producers import build_producers

    build_producers(rng=random.Random(SEED + 10))


def build_demo_procurement() -> None:
    """The demo procurement: contractors, tenders for the projects at contractor determination, contracts."""
    from .procurement import build_procurement

    build_procurement(rng=random.Random(SEED + 11))


def build_demo_appeals() -> None:
    """The demo contact centre: categories, routing rules and 850 appeals."""
    from .appeals import build_appeals

    build_appeals()


def build_demo_assignments() -> None:
    """The demo meetings and assignments."""
    from .assignments import build_assignments

    build_assignments()


def build_demo_portfolio() -> None:
    """The portfolio part of the demo data set, on top of its accounts and territories."""
    from .portfolio import build_portfolio

    build_portfolio(rng=random.Random(SEED + 1))

