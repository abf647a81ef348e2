"""The demo domestic producers: 220 producers and 2,786 catalogue positions worth 2.14 trillion tenge.

Also certificates of origin, bills of materials of the projects in implementation and some at contractor
determination, and 30 offtake contracts over three years, some of them behind plan.

Everything is built through the producers' services with a fixed random generator. The catalogue's total is
made exact: quantities are whole numbers and prices whole tens of tenge, and the last position takes what is
left of 2,140,000,000,000 tenge, so the dashboard's 2.14 trn is the sum of the records.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from meks.accounts.choices import OrganizationKind
from meks.accounts.models import Organization
from meks.core.validators import with_control_digit
from meks.portfolio.choices import ProjectStatus
from meks.portfolio.models import Project
from meks.producers import services
from meks.producers.choices import ContractKind, Unit
from meks.producers.models import Producer, Product, ProductCategory
from meks.territory.models import Region

from .reference import DEMO_REASON

PRODUCERS = 220
PRODUCTS = 2786
CATALOGUE_TOTAL = Decimal("2140000000000")
#: Products of the demo manufacturer's own plant.
OWN_PRODUCTS = 24
OFFTAKE_CONTRACTS = 30
#: Projects at contractor determination that also get a bill of materials (besides all in implementation).
DETERMINATION_BILLS = 20
ISSUER = "Национальная палата предпринимателей РК «Атамекен»"

# Regions and how many plants each has (weights): the industrial regions lead.
REGION_WEIGHTS = {"35": 22, "55": 20, "75": 18, "63": 16, "39": 13, "71": 12, "79": 12, "15": 10, "23": 9,
                  "27": 8, "31": 8, "47": 8, "43": 7, "11": 7, "59": 7, "19": 7, "33": 6, "61": 6, "62": 5, "10": 5}

# category code -> templates: (unit, lowest and highest unit price in tenge, Russian, Kazakh, English, sizes)
TEMPLATES: dict[str, list[tuple[str, int, int, str, str, str, tuple]]] = {
    "steel_pipes": [
        (Unit.METRE, 15000, 95000, "Труба стальная электросварная {s} мм", "Электрмен пісірілген болат құбыр {s} мм",
         "Electric-welded steel pipe {s} mm", ("159×6", "219×7", "273×8", "325×8", "426×9", "530×8", "720×10", "1020×12")),
        (Unit.TONNE, 380000, 620000, "Труба стальная бесшовная {s} мм", "Жіксіз болат құбыр {s} мм",
         "Seamless steel pipe {s} mm", ("57×4", "89×5", "108×5", "133×6")),
    ],
    "preinsulated_pipes": [
        (Unit.METRE, 25000, 165000, "Труба стальная в ППУ-изоляции Ду {s}", "ППУ оқшаулауындағы болат құбыр Ду {s}",
         "Pre-insulated steel pipe (PU foam) DN {s}", ("80", "100", "150", "200", "250", "300", "400", "500", "700")),
    ],
    "polymer_pipes": [
        (Unit.METRE, 2000, 42000, "Труба ПЭ100 SDR17 {s} мм", "ПЭ100 SDR17 құбыры {s} мм", "PE100 SDR17 pipe {s} mm",
         ("110", "160", "225", "315", "400", "500", "630")),
        (Unit.METRE, 3500, 38000, "Труба гофрированная двухслойная {s} мм", "Екі қабатты гофрленген құбыр {s} мм",
         "Twin-wall corrugated pipe {s} mm", ("200", "300", "400", "500", "800")),
    ],
    "valves": [
        (Unit.PIECE, 90000, 6500000, "Задвижка клиновая Ду {s} Ру 16", "Сына ысырмасы Ду {s} Ру 16",
         "Wedge gate valve DN {s} PN 16", ("50", "100", "150", "200", "300", "400", "500")),
        (Unit.PIECE, 40000, 3200000, "Кран шаровой стальной Ду {s}", "Болат шарлы кран Ду {s}", "Steel ball valve DN {s}",
         ("50", "80", "100", "150", "200", "300")),
    ],
    "pumps": [
        (Unit.PIECE, 1500000, 62000000, "Насос центробежный {s} м³/ч", "Ортадан тепкіш сорғы {s} м³/сағ",
         "Centrifugal pump {s} m³/h", ("50", "100", "200", "315", "500", "800", "1250")),
        (Unit.SET, 25000000, 240000000, "Канализационная насосная станция {s} м³/ч", "Кәріз сорғы станциясы {s} м³/сағ",
         "Sewage pumping station {s} m³/h", ("100", "250", "500", "1000")),
    ],
    "transformers": [
        (Unit.PIECE, 4500000, 380000000, "Трансформатор силовой ТМГ {s} кВА", "Күштік трансформатор ТМГ {s} кВА",
         "Power transformer TMG {s} kVA", ("250", "400", "630", "1000", "1600", "2500", "6300", "16000")),
    ],
    "switchgear": [
        (Unit.SET, 3000000, 85000000, "Комплектная трансформаторная подстанция {s} кВА",
         "Жинақты трансформаторлық қосалқы станция {s} кВА", "Package transformer substation {s} kVA",
         ("250", "400", "630", "1000", "1600")),
        (Unit.SET, 2500000, 30000000, "Ячейка КРУ 10 кВ {s} А", "10 кВ КРУ ұяшығы {s} А", "10 kV switchgear panel {s} A",
         ("630", "1000", "1250")),
    ],
    "cables": [
        (Unit.METRE, 800, 26000, "Кабель силовой АПвПу 1×{s} мм² 10 кВ", "Күштік кабель АПвПу 1×{s} мм² 10 кВ",
         "Power cable APvPu 1×{s} mm² 10 kV", ("70", "95", "120", "185", "240", "300", "500")),
        (Unit.KILOMETRE, 900000, 9500000, "Провод самонесущий СИП-2 3×{s}", "Өзін-өзі көтеретін СИП-2 сымы 3×{s}",
         "Self-supporting aerial cable SIP-2 3×{s}", ("35", "50", "70", "95", "120")),
    ],
    "overhead_line": [
        (Unit.PIECE, 900000, 8500000, "Опора ЛЭП металлическая {s} кВ", "ЭБЖ металл тірегі {s} кВ",
         "Steel transmission tower {s} kV", ("35", "110", "220")),
        (Unit.TONNE, 1400000, 3100000, "Провод неизолированный АС {s}", "Оқшауланбаған АС {s} сымы",
         "Bare ACSR conductor AS {s}", ("70/11", "95/16", "120/19", "185/29", "240/32")),
    ],
    "boilers": [
        (Unit.PIECE, 9000000, 900000000, "Котёл водогрейный КВ-ГМ-{s} МВт", "КВ-ГМ-{s} МВт су жылыту қазандығы",
         "Hot-water boiler KV-GM-{s} MW", ("1", "2.5", "4", "10", "20", "35", "58")),
        (Unit.SET, 40000000, 650000000, "Блочно-модульная котельная {s} МВт", "Блокты-модульді қазандық {s} МВт",
         "Modular boiler house {s} MW", ("1", "3", "5", "10", "15")),
    ],
    "heat_exchangers": [
        (Unit.PIECE, 1200000, 42000000, "Теплообменник пластинчатый {s} кВт", "Пластиналы жылу алмастырғыш {s} кВт",
         "Plate heat exchanger {s} kW", ("100", "250", "500", "1000", "2500")),
        (Unit.SET, 6000000, 95000000, "Блочный тепловой пункт {s} кВт", "Блокты жылу пункті {s} кВт",
         "Modular heat substation {s} kW", ("250", "500", "1000", "2000")),
    ],
    "meters": [
        (Unit.PIECE, 8000, 95000, "Счётчик воды крыльчатый Ду {s}", "Қанатты су есептегіші Ду {s}",
         "Vane water meter DN {s}", ("15", "20", "25", "32", "40")),
        (Unit.PIECE, 180000, 650000, "Теплосчётчик ультразвуковой Ду {s}", "Ультрадыбыстық жылу есептегіші Ду {s}",
         "Ultrasonic heat meter DN {s}", ("25", "50", "80", "100", "150")),
        (Unit.PIECE, 25000, 160000, "Счётчик электроэнергии трёхфазный {s} А", "Үш фазалы электр есептегіші {s} А",
         "Three-phase electricity meter {s} A", ("5-60", "5-100", "10-100")),
    ],
    "water_treatment": [
        (Unit.SET, 20000000, 700000000, "Станция водоподготовки {s} м³/сут", "Су дайындау станциясы {s} м³/тәул",
         "Water treatment plant {s} m³/day", ("500", "1000", "2500", "5000", "10000")),
    ],
    "wastewater_treatment": [
        (Unit.SET, 30000000, 900000000, "Блочные очистные сооружения {s} м³/сут", "Блокты тазарту құрылыстары {s} м³/тәул",
         "Modular wastewater treatment plant {s} m³/day", ("200", "500", "1000", "3000", "7000")),
    ],
    "concrete": [
        (Unit.PIECE, 45000, 1500000, "Кольцо колодца КС {s}", "Құдық сақинасы КС {s}", "Manhole ring KS {s}",
         ("10-9", "15-9", "20-9")),
        (Unit.PIECE, 120000, 1800000, "Лоток теплотрассы Л {s}", "Жылу трассасының науасы Л {s}", "Heating-main trough L {s}",
         ("4-8", "6-8", "8-8", "11-8")),
    ],
    "insulation": [
        (Unit.CUBIC_METRE, 20000, 125000, "Минераловатные цилиндры {s} мм", "Минералды мақта цилиндрлері {s} мм",
         "Mineral wool pipe sections {s} mm", ("50", "60", "80", "100")),
    ],
    "automation": [
        (Unit.SET, 1000000, 52000000, "Шкаф управления насосной станцией {s} кВт",
         "Сорғы станциясын басқару шкафы {s} кВт", "Pumping station control cabinet {s} kW", ("15", "45", "110", "250")),
        (Unit.SET, 8000000, 95000000, "Система телемеханики {s} объектов", "{s} объектіге арналған телемеханика жүйесі",
         "Telemetry system for {s} sites", ("10", "25", "50")),
    ],
}

#: Producer name stems (Russian, Kazakh, English) and what a plant of each category is called.
STEMS = [("Сарыарка", "Сарыарқа", "Saryarka"), ("Ертис", "Ертіс", "Yertis"), ("Жетысу", "Жетісу", "Zhetysu"),
         ("Алтын", "Алтын", "Altyn"), ("Тулпар", "Тұлпар", "Tulpar"), ("Шыгыс", "Шығыс", "Shygys"),
         ("Батыс", "Батыс", "Batys"), ("Ордабасы", "Ордабасы", "Ordabasy"), ("Каспий", "Каспий", "Caspian"),
         ("Есиль", "Есіл", "Yesil"), ("Номад", "Номад", "Nomad"), ("Кокше", "Көкше", "Kokshe"),
         ("Улытау", "Ұлытау", "Ulytau"), ("Темир", "Темір", "Temir"), ("Арал", "Арал", "Aral"),
         ("Тараз", "Тараз", "Taraz"), ("Мангистау", "Маңғыстау", "Mangystau"), ("Сункар", "Сұңқар", "Sunkar"),
         ("Астана", "Астана", "Astana"), ("Балхаш", "Балқаш", "Balkhash"), ("Хан-Тенгри", "Хан Тәңірі", "Khan Tengri"),
         ("Алатау", "Алатау", "Alatau")]
PLANT_KINDS = {
    "steel_pipes": ("трубный завод", "құбыр зауыты", "Pipe Plant"),
    "preinsulated_pipes": ("завод изолированных труб", "оқшауланған құбыр зауыты", "Insulated Pipe Plant"),
    "polymer_pipes": ("Полимер", "Полимер", "Polymer"),
    "valves": ("арматурный завод", "арматура зауыты", "Valve Works"),
    "pumps": ("насосный завод", "сорғы зауыты", "Pump Works"),
    "transformers": ("трансформаторный завод", "трансформатор зауыты", "Transformer Works"),
    "switchgear": ("Электрощит", "Электрқалқан", "Switchgear"),
    "cables": ("кабельный завод", "кабель зауыты", "Cable Works"),
    "overhead_line": ("завод металлоконструкций", "металл конструкциялары зауыты", "Steel Structures"),
    "boilers": ("котельный завод", "қазандық зауыты", "Boiler Works"),
    "heat_exchangers": ("Теплотехника", "Жылу техникасы", "Heat Engineering"),
    "meters": ("Приборстрой", "Аспап жасау", "Instruments"),
    "water_treatment": ("Водные технологии", "Су технологиялары", "Water Technologies"),
    "wastewater_treatment": ("Экотехнологии", "Экотехнологиялар", "Eco Technologies"),
    "concrete": ("завод ЖБИ", "темірбетон зауыты", "Precast Concrete"),
    "insulation": ("Изоляция", "Оқшаулау", "Insulation"),
    "automation": ("Автоматика", "Автоматика", "Automation"),
}
#: What a project of each network needs (categories of its bill of materials).
NEEDS = {
    "heat": ("preinsulated_pipes", "valves", "heat_exchangers", "pumps", "insulation", "concrete", "meters", "automation"),
    "power": ("cables", "transformers", "switchgear", "overhead_line", "meters", "automation"),
    "water": ("polymer_pipes", "steel_pipes", "valves", "pumps", "water_treatment", "meters", "concrete"),
    "sewer": ("polymer_pipes", "pumps", "wastewater_treatment", "concrete", "valves", "automation"),
    "generation": ("boilers", "steel_pipes", "pumps", "heat_exchangers", "automation", "valves"),
}


def _bin(rng: random.Random, taken: set[str]) -> str:
    while True:
        body = f"{rng.randint(0, 24):02d}{rng.randint(1, 12):02d}4{rng.randint(0, 9)}{rng.randint(0, 99999):05d}"
        full = with_control_digit(body)
        if full and full not in taken:
            taken.add(full)
            return full


def _price(rng: random.Random, low: int, high: int) -> Decimal:
    """A unit price in whole tens of tenge, log-uniform between ``low`` and ``high``."""
    value = low * (high / low) ** rng.random()
    return Decimal(int(value / 10) * 10)


def build_producers(*, rng: random.Random) -> None:
    """Build the demo producers, catalogue, certificates, bills of materials and offtake contracts."""
    today = timezone.localdate()
    regions = {region.kato: region for region in Region.objects.all()}
    categories = {category.code: category for category in ProductCategory.objects.all()}
    producers, specialities = _build_register(rng, regions)
    _build_catalogue(rng, producers, specialities, categories, today)
    _build_bills(rng, categories, today)
    _build_offtake(rng, producers, today)


def _build_register(rng: random.Random, regions: dict[str, Region]) -> tuple[list[Producer], list[list[str]]]:
    taken = set(Organization.objects.exclude(bin=None).values_list("bin", flat=True))
    codes = list(TEMPLATES)
    katos = [kato for kato in REGION_WEIGHTS if kato in regions]
    counts = dict.fromkeys(katos, 3)
    weights = [REGION_WEIGHTS[kato] for kato in katos]
    while sum(counts.values()) < PRODUCERS:
        counts[rng.choices(katos, weights)[0]] += 1
    own = Organization.objects.filter(kind=OrganizationKind.MANUFACTURER).select_related("region").order_by("pk").first()
    producers: list[Producer] = []
    specialities: list[list[str]] = []
    if own is not None and own.region_id and own.region.kato in counts:
        # The demo manufacturer's own plant is one of the 220, in its region.
        counts[own.region.kato] -= 1
        producers.append(services.producer_register(
            actor=None, bin=own.bin or _bin(rng, taken), name_ru=own.name_ru, name_kk=own.name_kk,
            name_en=own.name_en, region=own.region, organization=own,
            address=f"{own.region.centre_ru}, Промышленная зона, 12", capacity="120 000 т труб в год",
            reason=DEMO_REASON))
        specialities.append(["steel_pipes", "preinsulated_pipes"])
    names_used: set[str] = set()
    for kato in katos:
        region = regions[kato]
        for _index in range(counts[kato]):
            speciality = rng.sample(codes, rng.choice((1, 1, 2, 2, 3)))
            stem = rng.choice(STEMS)
            kind = PLANT_KINDS[speciality[0]]
            suffix = ""
            name_ru = f"ТОО «{stem[0]} {kind[0]}»"
            if name_ru in names_used:
                suffix = f"-{region.kato}" if f"ТОО «{stem[0]} {kind[0]}-{region.kato}»" not in names_used \
                    else f"-{len(producers)}"
                name_ru = f"ТОО «{stem[0]} {kind[0]}{suffix}»"
            names_used.add(name_ru)
            producers.append(services.producer_register(
                actor=None, bin=_bin(rng, taken), name_ru=name_ru,
                name_kk=f"«{stem[1]} {kind[1]}{suffix}» ЖШС", name_en=f"{stem[2]} {kind[2]}{suffix} LLP",
                region=region, address=f"{region.centre_ru}, ул. Индустриальная, {rng.randint(1, 120)}",
                capacity=f"{rng.randrange(5, 400, 5)} млн тенге продукции в месяц", reason=DEMO_REASON))
            specialities.append(speciality)
    for producer in producers:
        services.producer_transition(actor=None, producer=producer, action="verify", reason=DEMO_REASON)
    return producers, specialities


def _product_counts(rng: random.Random, producers: int) -> list[int]:
    counts = [OWN_PRODUCTS] + [4] * (producers - 1)
    while sum(counts) < PRODUCTS:
        counts[rng.randrange(1, producers)] += 1
    return counts


def _build_catalogue(rng: random.Random, producers: list[Producer], specialities: list[list[str]],
                     categories: dict[str, ProductCategory], today: dt.date) -> None:
    plan = []  # (producer, category code, template, size, price, weight)
    for producer, speciality, count in zip(producers, specialities, _product_counts(rng, len(producers)),
                                           strict=True):
        for _index in range(count):
            code = rng.choice(speciality)
            template = rng.choice(TEMPLATES[code])
            plan.append((producer, code, template, rng.choice(template[6]), _price(rng, template[1], template[2]),
                         rng.lognormvariate(0, 0.9)))
    # The last position takes what is left of the total; the others are scaled until about 3 bn is left for it.
    reserve = Decimal("3000000000")
    weights = sum(item[5] for item in plan[:-1])
    scale = Decimal(1)
    for _attempt in range(30):
        quantities = [max(Decimal(1), ((CATALOGUE_TOTAL - reserve) * scale * Decimal(item[5] / weights)
                                       / item[4]).quantize(Decimal(1))) for item in plan[:-1]]
        others = sum(item[4] * quantity for item, quantity in zip(plan, quantities, strict=False))
        left = CATALOGUE_TOTAL - others
        if reserve / 2 < left < reserve * 2:
            break
        scale *= (CATALOGUE_TOTAL - reserve) / others
    quantities.append(Decimal(1000))
    listed = Decimal("0")
    positions: dict[int, list[dict]] = {}
    for number, ((producer, code, template, size, price, _weight), quantity) in enumerate(
            zip(plan, quantities, strict=True), start=1):
        if number == len(plan):
            price = (CATALOGUE_TOTAL - listed) / quantity
        listed += price * quantity
        unit, _low, _high, name_ru, name_kk, name_en, _sizes = template
        positions.setdefault(producer.pk, []).append({
            "category": categories[code], "name_ru": name_ru.format(s=size), "name_kk": name_kk.format(s=size),
            "name_en": name_en.format(s=size), "unit": unit, "unit_price": price, "quantity_listed": quantity,
            "code": f"{code[:3].upper()}-{number:05d}",
            "certificate": _certificate(rng, producer, number, today),
        })
    for producer in producers:
        services.catalogue_extend(actor=None, producer=producer, positions=positions.get(producer.pk, []),
                                  reason=DEMO_REASON)
    if listed != CATALOGUE_TOTAL:
        raise AssertionError(f"the demo catalogue sums to {listed}, not {CATALOGUE_TOTAL}")


def _certificate(rng: random.Random, producer: Producer, number: int, today: dt.date) -> dict | None:
    """Most positions hold a valid certificate; a few have an expired one, one that ends soon, or none."""
    draw = rng.random()
    if draw < 0.03:
        return None
    if draw < 0.08:
        valid_until = today - dt.timedelta(days=rng.randint(5, 300))
    elif draw < 0.14:
        valid_until = today + dt.timedelta(days=rng.randint(1, 89))
    else:
        valid_until = today + dt.timedelta(days=rng.randint(120, 1000))
    issued_on = valid_until - dt.timedelta(days=365 * rng.choice((1, 2, 3)))
    return {"number": f"KZ {producer.region.kato}{number:07d}", "issuer": ISSUER, "issued_on": issued_on,
            "valid_until": valid_until}


def _networks(project: Project) -> list[str]:
    networks = [name for name, km in (("heat", project.planned_km_heat), ("power", project.planned_km_power),
                                      ("water", project.planned_km_water), ("sewer", project.planned_km_sewer)) if km]
    if project.planned_mw:
        networks.append("generation")
    return networks or ["heat"]


def _build_bills(rng: random.Random, categories: dict[str, ProductCategory], today: dt.date) -> None:
    """Bills of materials of every project in implementation and some at contractor determination."""
    projects = list(Project.objects.filter(status=ProjectStatus.IMPLEMENTATION).order_by("code"))
    determination = list(Project.objects.filter(status=ProjectStatus.CONTRACTOR_DETERMINATION).order_by("code"))
    projects += rng.sample(determination, min(DETERMINATION_BILLS, len(determination)))
    listed: dict[int, set[str]] = {}
    for category_id, unit in Product.objects.order_by().values_list("category_id", "unit").distinct():
        listed.setdefault(category_id, set()).add(unit)
    for project in projects:
        needs: list[str] = []
        for network in _networks(project):
            needs += [code for code in NEEDS[network] if code not in needs]
        budget = Decimal(project.cost_estimate) * Decimal(str(rng.uniform(0.35, 0.6)))
        lines = []
        chosen = rng.sample(needs, min(len(needs), rng.randint(5, 9)))
        for code in chosen:
            unit, low, high, name_ru, _kk, _en, sizes = rng.choice(TEMPLATES[code])
            category = categories[code]
            if rng.random() < 0.12:
                # Counted in a unit no domestic position of the category is listed in: the line stays uncovered.
                unit = next(other for other in (Unit.SET, Unit.TONNE, Unit.KILOMETRE, Unit.CUBIC_METRE, Unit.PIECE)
                            if other not in listed.get(category.pk, set()))
            price = (_price(rng, low, high) * Decimal(str(rng.uniform(0.95, 1.2)))).quantize(Decimal("1"))
            quantity = max(Decimal(1), (budget / len(chosen) / price).quantize(Decimal(1)))
            lines.append({"category": category, "description": name_ru.format(s=rng.choice(sizes)),
                          "quantity": quantity, "unit": unit, "estimated_unit_price": price})
        services.bill_replace(actor=None, project=project, lines=lines, reason=DEMO_REASON)


def _build_offtake(rng: random.Random, producers: list[Producer], today: dt.date) -> None:
    """About 30 contracts over the last three years; one in four is behind plan."""
    utilities = list(Organization.objects.filter(kind=OrganizationKind.UTILITY).order_by("pk"))
    if not utilities:
        return
    demo_utility = utilities[0]
    first_year = today.year - 2
    products = {producer.pk: list(producer.products.order_by("pk")) for producer in producers}
    year_share = (today - dt.date(today.year, 1, 1)).days / 365
    for number in range(1, OFFTAKE_CONTRACTS + 1):
        utility = demo_utility if number % 5 == 1 else rng.choice(utilities)
        producer = producers[0] if number in (2, 17) else rng.choice(producers)
        product = rng.choice(products[producer.pk])
        start = first_year if number % 3 else first_year + rng.choice((0, 1))
        years = list(range(start, start + 3))
        base = max(Decimal(10), (product.quantity_listed / 10).quantize(Decimal(1)))
        planned = {year: (base * Decimal(str(rng.uniform(0.8, 1.2)))).quantize(Decimal(1)) for year in years}
        kind = ContractKind.OFFTAKE if number % 2 else ContractKind.LONG_TERM
        contract = services.offtake_contract_create(
            actor=None, number=f"OFT-{first_year}-{number:03d}", kind=kind, utility=utility, producer=producer,
            product=product, signed_on=dt.date(start - 1, 12, rng.randint(1, 20)), start_year=start,
            end_year=start + 2, unit_price=(product.unit_price * Decimal("0.95")).quantize(Decimal("0.01")),
            planned=planned, reason=DEMO_REASON)
        behind = number % 4 == 0
        for year in years:
            if year > today.year:
                continue
            factor = Decimal(str(rng.uniform(0.45, 0.8) if behind else rng.uniform(0.97, 1.08)))
            quarters = 4 if year < today.year else max(1, int(year_share * 4))
            due_share = Decimal(1) if year < today.year else Decimal(str(year_share))
            total = (planned[year] * due_share * factor).quantize(Decimal(1))
            for quarter in range(quarters):
                day = dt.date(year, quarter * 3 + 2, 15)
                if day > today:
                    break
                portion = (total / quarters).quantize(Decimal(1))
                if portion > 0:
                    services.delivery_record(actor=None, contract=contract, delivered_on=day, quantity=portion,
                                             document=f"ТТН-{number:03d}-{year}-{quarter + 1}", reason=DEMO_REASON)
