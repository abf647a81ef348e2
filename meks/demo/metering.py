"""Demo metering: meter types, three utilities' buildings and meters, and a year of readings with anomalies.

Everything goes through the metering services (the readings through the same ingestion as real files, API
bodies and MQTT messages), deterministically from ``rng``. The year ends with the current month: readings on
the 1st and the 16th of each month at night, as concentrators send them. Consumption rates are assumptions
of the demo (see docs/metering.md), not measured figures.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from meks.accounts.choices import OrganizationKind
from meks.accounts.models import Organization, User
from meks.accounts.services import organization_create
from meks.metering import services
from meks.metering.choices import BatchSource, Interface, Medium, MeterRole
from meks.metering.models import Building, Meter
from meks.territory.models import Settlement

from .identifiers import demo_bin
from .reference import DEMO_REASON

LOCAL = ZoneInfo(settings.TIME_ZONE)

#: (approval number, name, manufacturer, domestic producer?, medium, DN, Q3, R, class, interval, interface,
#:  status, approval valid until)
TYPES = [
    ("KZ.02.01.06512-2023", "СВК-15 «Smart»", "ТОО «Приборы учёта Казахстана» (демонстрационное)", True,
     Medium.COLD_WATER, 15, "2.50", 160, "2", 6, Interface.LORAWAN, "approved", None),
    ("KZ.02.01.06513-2023", "СВГ-15 «Smart»", "ТОО «Приборы учёта Казахстана» (демонстрационное)", True,
     Medium.HOT_WATER, 15, "2.50", 100, "2", 4, Interface.LORAWAN, "approved", None),
    ("KZ.02.03.05877-2021", "Пульсар DN20 NB", "ООО «НПП Тепловодохран» (Россия)", False,
     Medium.COLD_WATER, 20, "4.00", 160, "2", 6, Interface.NBIOT, "approved", None),
    ("KZ.02.03.05120-2019", "JS Smart+ 2,5", "Apator Powogaz S.A. (Польша)", False,
     Medium.COLD_WATER, 15, "2.50", 160, "2", 5, Interface.MBUS, "approved", dt.date(2026, 3, 31)),
    ("KZ.02.03.04411-2017", "MTKD-N", "Zenner International (Германия)", False,
     Medium.HOT_WATER, 15, "2.50", 80, "2", 4, Interface.PULSE, "withdrawn", None),
    ("KZ.02.03.06102-2022", "Flodis DN50", "Itron (Франция)", False,
     Medium.COLD_WATER, 50, "25.00", 200, "2", 5, Interface.MBUS, "approved", None),
    ("KZ.02.03.06103-2022", "Flodis DN40 ГВС", "Itron (Франция)", False,
     Medium.HOT_WATER, 40, "16.00", 200, "2", 5, Interface.MBUS, "approved", None),
    ("KZ.02.02.05990-2022", "КМ-5 теплосчётчик DN50", "ТОО «Приборы учёта Казахстана» (демонстрационное)", True,
     Medium.HEAT, 50, None, None, "2", 4, Interface.MBUS, "approved", None),
]

#: Region KATO -> (utility key, Russian, English name, buildings, streets)
UTILITIES = {
    "35": (None, "", "", 14, ["ул. Ерубаева", "пр. Бухар-Жырау", "ул. Гоголя", "пр. Нуркена Абдирова"]),
    "47": ("mangystau", "ТОО «МАЭК-Водоканал» (демонстрационное)", "MAEK-Vodokanal LLP (demonstration)", 11,
           ["мкр. 5", "мкр. 12", "мкр. 27"]),
    "55": ("pavlodar", "ГКП «Павлодар-Водоканал» (демонстрационное)", "Pavlodar-Vodokanal SOE (demonstration)", 11,
           ["ул. Торайгырова", "ул. Ломова", "ул. Академика Сатпаева"]),
}

#: Daily consumption per person of the demo, m³ (cold and hot water), and of heat per flat, Gcal, by month.
COLD_PER_PERSON = 0.11
HOT_PER_PERSON = 0.065
HEAT_PER_FLAT = {1: 0.055, 2: 0.05, 3: 0.04, 4: 0.025, 5: 0.006, 6: 0.004, 7: 0.004, 8: 0.004, 9: 0.006,
                 10: 0.025, 11: 0.04, 12: 0.05}


def _month_add(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


class _Sim:
    """One meter's simulated register."""

    __slots__ = ("daily", "digits", "kind", "meter", "value")

    def __init__(self, meter: Meter, value: float, daily: float, kind: str = "") -> None:
        self.meter, self.value, self.daily, self.kind = meter, value, daily, kind
        self.digits = meter.register_digits


def build_metering(*, rng, scale: float = 1.0) -> None:
    """Types, 36 buildings of three utilities, about 3,600 meters and a year of readings in 36 batches.

    ``scale`` shrinks the number of buildings (at least 3 per utility) for quicker tests.
    """
    office = User.objects.filter(username="office").first()
    operator = User.objects.filter(username="techoperator").first()
    utility_user = User.objects.filter(username="utility").first()
    producer = organization_create(
        actor=None, kind=OrganizationKind.MANUFACTURER, name_ru="ТОО «Приборы учёта Казахстана» (демонстрационное)",
        name_kk="«Қазақстан есептеу құралдары» ЖШС (демонстрациялық)",
        name_en="Kazakhstan Metering Instruments LLP (demonstration)", bin=demo_bin(rng), reason=DEMO_REASON,
    )
    types = []
    for (number, name, maker, domestic, medium, dn, q3, r_ratio, accuracy, interval, interface, status,
         valid_until) in TYPES:
        types.append(services.meter_type_create(
            actor=office, approval_number=number, approved_on=dt.date(int(number[-4:]), 6, 1), valid_until=valid_until,
            name=name, manufacturer_name=maker, manufacturer=producer if domestic else None, is_domestic=domestic,
            medium=medium, nominal_diameter=dn, q3=q3, r_ratio=r_ratio, accuracy_class=accuracy,
            verification_interval_years=interval, interface=interface, status=status, reason=DEMO_REASON,
        ))
    cold_flat, hot_flat, cold_ru, cold_pl, hot_withdrawn, cold_input, hot_input, heat_input = types

    today = timezone.localdate()
    first_month = _month_add(today, -11)
    reading_days = []
    for offset in range(12):
        month = _month_add(first_month, offset)
        for day in (1, 16):
            moment = dt.date(month.year, month.month, day)
            if moment < today:
                reading_days.append(moment)
    installed_default = _month_add(first_month, -3)

    utilities: dict[str, Organization] = {}
    plan: dict[str, list[tuple[Building, list[_Sim]]]] = defaultdict(list)
    serial_counter = 0
    for kato, (key, name_ru, name_en, count, streets) in UTILITIES.items():
        region_centre = Settlement.objects.filter(region__kato=kato, is_regional_centre=True).first() \
            or Settlement.objects.filter(region__kato=kato).order_by("kato").first()
        towns = list(Settlement.objects.filter(region__kato=kato, kind__in=["city", "town"]).order_by("kato")[:3])
        if key is None:
            utility = Organization.objects.get(kind=OrganizationKind.UTILITY, region__kato=kato)
        else:
            utility = organization_create(actor=None, kind=OrganizationKind.UTILITY, region=region_centre.region,
                                          name_ru=name_ru, name_en=name_en, bin=demo_bin(rng), reason=DEMO_REASON)
        utilities[kato] = utility
        for number in range(max(3, round(count * scale))):
            settlement = region_centre if number % 3 else (towns[number % len(towns)] if towns else region_centre)
            flats = rng.choice((18, 24, 32, 36, 40, 45, 54, 60, 72))
            residents = round(flats * rng.uniform(2.2, 3.4))
            building = services.building_create(
                actor=None, utility=utility, settlement=settlement,
                address=f"{streets[number % len(streets)]}, {rng.randint(1, 120)}{'' if number % 4 else '/1'}",
                flats=flats, residents=residents, norm_litres_per_person_day=rng.choice((160, 200, 230, 250)),
                reason=DEMO_REASON,
            )
            # the last Pavlodar building is new: its meters were installed in the fourth month of the year
            last = max(3, round(count * scale)) - 1
            installed = _month_add(first_month, 3) if (kato == "55" and number == last) else installed_default
            meters: list[Meter] = []
            sims: list[_Sim] = []

            def add(role: str, meter_type, flat: str = "", digits: int = 5, verified: dt.date | None = None,
                    value: float = 0.0, daily: float = 0.0, kind: str = "", *, building=building, kato=kato,
                    installed=installed, meters=meters, sims=sims) -> None:
                nonlocal serial_counter
                serial_counter += 1
                meter = Meter(
                    building=building, role=role, meter_type=meter_type, serial=f"KZ{kato}{serial_counter:07d}",
                    account=f"{kato}{building.pk:04d}{flat.zfill(3)}" if flat else "", flat_number=flat,
                    installed_on=installed, seal_number=f"П-{serial_counter:07d}", register_digits=digits,
                    last_verified_on=verified or installed,
                )
                meters.append(meter)
                sims.append(_Sim(meter, value, daily, kind))

            per_flat = residents / flats
            cold_flats = hot_flats = 0.0
            for flat in range(1, flats + 1):
                people = max(1, round(per_flat * rng.uniform(0.5, 1.5)))
                cold_rate = people * COLD_PER_PERSON * rng.uniform(0.6, 1.3)
                hot_rate = people * HOT_PER_PERSON * rng.uniform(0.6, 1.3)
                cold_flats += cold_rate
                hot_flats += hot_rate
                cold_type = cold_flat if flat % 7 else (cold_ru if flat % 2 else cold_pl)
                hot_type = hot_withdrawn if (kato == "47" and flat % 11 == 0) else hot_flat
                overdue = dt.date(2018, 9, 1) if rng.random() < 0.04 else None
                start = rng.uniform(5, 400)
                digits = 5
                if rng.random() < 0.004:  # a register about to roll over
                    start = 99_990 + rng.uniform(0, 5)
                add(MeterRole.FLAT, cold_type, str(flat), digits, overdue, start, cold_rate)
                add(MeterRole.FLAT, hot_type, str(flat), 5, None, rng.uniform(2, 200), hot_rate)
            common_rate = flats * 0.01
            losses = rng.uniform(0.03, 0.15)
            add(MeterRole.COMMON, cold_flat, value=rng.uniform(10, 100), daily=common_rate)
            add(MeterRole.INPUT, cold_input, digits=7, value=rng.uniform(1000, 50000),
                daily=(cold_flats + common_rate) * (1 + losses))
            add(MeterRole.INPUT, hot_input, digits=7, value=rng.uniform(1000, 30000), daily=hot_flats * (1 + losses))
            add(MeterRole.INPUT, heat_input, digits=6, value=rng.uniform(100, 5000), daily=flats, kind="heat")
            services.meters_register(actor=None, meters=meters, reason=DEMO_REASON)
            plan[kato].append((building, sims))

    _replace_some_meters(plan, rng, first_month)
    _ingest_year(plan, utilities, reading_days, rng, today, utility_user, operator)


def _replace_some_meters(plan: dict, rng, first_month: dt.date) -> None:
    """Two flat meters of Karaganda replaced in the fifth month: the new ones start from zero."""
    replaced_on = _month_add(first_month, 4) + dt.timedelta(days=5)
    _building, sims = plan["35"][0]
    for sim in sims[2:6:2]:
        old = sim.meter
        new = services.meter_replace(actor=None, meter=old, replaced_on=replaced_on, serial=f"{old.serial}R",
                                     version=old.version, reason=DEMO_REASON)
        sim.kind = f"replaced:{replaced_on.isoformat()}:{new.serial}"


def _ingest_year(plan: dict, utilities: dict, reading_days: list[dt.date], rng, today: dt.date,
                 utility_user: User | None, operator: User | None) -> None:
    # anomalies chosen once per meter
    silent: dict[str, tuple[int, int]] = {}
    stuck: dict[str, int] = {}
    leak: dict[str, int] = {}
    sparse: set[tuple[str, int]] = set()
    months = len(reading_days)
    for _kato, buildings in plan.items():
        for _building, sims in buildings:
            for sim in sims:
                if sim.meter.role != MeterRole.FLAT:
                    continue
                draw = rng.random()
                if draw < 0.03:
                    start = rng.randint(4, max(5, months - 8))
                    silent[sim.meter.serial] = (start, start + rng.randint(4, 6))
                elif draw < 0.04:
                    stuck[sim.meter.serial] = rng.randint(6, max(7, months - 8))
                elif draw < 0.05:
                    leak[sim.meter.serial] = rng.randint(3, months - 2)
                for index in range(1, months, 2):
                    if rng.random() < 0.02:
                        sparse.add((sim.meter.serial, index))

    sources = [BatchSource.CSV, BatchSource.API_JSON, BatchSource.API_NDJSON, BatchSource.MQTT]
    previous_rows: dict[str, list[tuple[str, str, str]]] = {}
    for kato, buildings in plan.items():
        utility = utilities[kato]
        for period in range(0, len(reading_days), 2):
            days = reading_days[period:period + 2]
            rows: list[tuple[str, str, str]] = []
            for _building, sims in buildings:
                for sim in sims:
                    for index, day in enumerate(days, start=period):
                        rows.extend(_readings_of(sim, index, day, rng, silent, stuck, leak, sparse))
            month_number = period // 2
            rows.extend(_bad_rows(kato, month_number, plan, rng, today, previous_rows.get(kato, [])))
            previous_rows[kato] = rows[:400]
            source = BatchSource.XLSX if (kato == "55" and month_number == 0) else sources[month_number % 4]
            actor = utility_user if kato == "35" else operator
            on_behalf = None if kato == "35" else utility
            _send(rows, source, actor, on_behalf, f"{kato}-{days[0]:%Y-%m}")


def _readings_of(sim: _Sim, index: int, day: dt.date, rng, silent, stuck, leak, sparse) -> list[tuple[str, str, str]]:
    """Advance the meter to ``day`` and give its reading row(s), or none when it is silent."""
    meter = sim.meter
    rate = sim.daily * HEAT_PER_FLAT[day.month] if sim.kind == "heat" else sim.daily
    advance = rate * 15 * rng.uniform(0.85, 1.15)
    serial = meter.serial
    if sim.kind.startswith("replaced:"):
        _label, replaced_on, new_serial = sim.kind.split(":")
        if day >= dt.date.fromisoformat(replaced_on):
            sim.value, sim.kind = 0.0, f"switched:{new_serial}"
    if sim.kind.startswith("switched:"):
        serial = sim.kind.split(":")[1]
    if meter.installed_on > day:
        return []
    if serial in stuck and index >= stuck[serial]:
        advance = 0.0
    if leak.get(serial) == index:
        advance += rng.uniform(20, 40)
    sim.value += advance
    if serial in silent and silent[serial][0] <= index < silent[serial][1]:
        return []
    if (serial, index) in sparse:
        return []
    register = 10 ** sim.digits
    value = sim.value % register
    moment = dt.datetime(day.year, day.month, day.day, 2, rng.randint(0, 59), tzinfo=LOCAL)
    return [(serial, moment.isoformat(), f"{value:.3f}")]


def _bad_rows(kato: str, month_number: int, plan: dict, rng, today: dt.date,
              previous: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The anomalies real batches carry.

    Unknown meters, another utility's meters, future times, typos that decrease, garbage, resent readings
    (duplicates) and corrected ones (conflicts), readings from before a meter was installed.
    """
    bad: list[tuple[str, str, str]] = []
    if month_number % 3 == 1:
        bad += [(f"KZ{kato}9{rng.randint(100000, 999999)}", f"{today:%Y-%m}-01T02:00:00+05:00", "12.000")
                for _ in range(3)]
    if kato == "35" and month_number % 4 == 2:
        other = plan["47"][0][1][0].meter.serial
        bad.append((other, f"{_month_add(today, -1):%Y-%m}-01T02:00:00+05:00", "15.000"))
    if month_number == 5:
        future = today + dt.timedelta(days=40)
        bad.append((plan[kato][1][1][0].meter.serial, f"{future.isoformat()}T02:00:00+05:00", "999.000"))
    if previous and month_number % 2 == 1:
        bad += previous[:20]  # resent: duplicates
        for serial, moment, value in previous[20:25]:  # corrected afterwards: conflicts
            bad.append((serial, moment, f"{float(value) + 1.5:.3f}"))
    if previous and month_number % 3 == 2:
        serial, moment, value = previous[30]
        later = dt.datetime.fromisoformat(moment) + dt.timedelta(days=3)
        bad.append((serial, later.isoformat(), f"{float(value) / 2:.3f}"))  # a typo: the value decreases
    if kato == "55" and month_number == 2:
        new_building = plan["55"][-1][1]
        bad += [(sim.meter.serial, f"{_month_add(today, -9):%Y-%m}-16T02:00:00+05:00", "1.000")
                for sim in new_building[:3]]
    if month_number % 3 == 0:
        bad += [("#####", "", ""), ("", "2026-13-45T99:00", "1"), (plan[kato][0][1][0].meter.serial, "вчера", "5")]
    return bad


def _send(rows: list[tuple[str, str, str]], source: str, actor: Any, on_behalf: Organization | None,
          name: str) -> None:
    if source == BatchSource.XLSX:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(["Счётчик", "Дата и время", "Показание"])
        for row in rows:
            sheet.append(list(row))
        buffer = io.BytesIO()
        workbook.save(buffer)
        buffer.seek(0)
        services.readings_upload(actor=actor, file=buffer, filename=f"readings-{name}.xlsx", on_behalf_of=on_behalf)
        return
    if source == BatchSource.CSV:
        text = io.StringIO()
        writer = csv.writer(text, delimiter=";")
        writer.writerow(["taken_at", "value", "meter"])  # column order differs from the API's: found by header
        for meter, moment, value in rows:
            writer.writerow([moment, value.replace(".", ","), meter])
        buffer = io.BytesIO(text.getvalue().encode("cp1251"))
        services.readings_upload(actor=actor, file=buffer, filename=f"readings-{name}.csv", on_behalf_of=on_behalf)
        return
    objects = [{"meter": meter, "taken_at": moment, "value": value} for meter, moment, value in rows]
    if source == BatchSource.API_JSON:
        body = json.dumps(objects).encode()
    else:
        body = "\n".join(json.dumps(item) for item in objects).encode()
    services.readings_ingest(actor=actor, source=source, stream=io.BytesIO(body), filename=name,
                             on_behalf_of=on_behalf)
