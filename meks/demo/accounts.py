"""The demo accounts, one per role (DESIGN.md "Users"), all with one known password."""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from meks.core.access import Role


@dataclass(frozen=True)
class DemoAccount:
    """One demo account: its role, the organization it belongs to and the regions it covers."""

    username: str
    role: str
    organization: str
    last_name: str
    first_name: str
    middle_name: str
    position: tuple[str, str, str]
    regions: tuple[str, ...] = ()
    staff: bool = False
    label: object = ""


DEMO_ACCOUNTS = [
    DemoAccount("office", Role.PROJECT_OFFICE, "project_office", "Сейткали", "Айгерим", "Маратовна",
                ("Руководитель проектного офиса", "Жобалық офис басшысы", "Head of the project office"), staff=True, label=_("project office")),
    DemoAccount("ministry", Role.MINISTRY, "ministry_energy", "Жаксыбеков", "Ерлан", "Нурланович",
                ("Директор департамента развития электроэнергетики", "Электр энергетикасын дамыту департаментінің директоры", "Director, Power Industry Development Department"), label=_("ministry")),
    DemoAccount("techoperator", Role.TECHNICAL_OPERATOR, "technical_operator", "Оспанова", "Динара", "Кайратовна",
                ("Главный эксперт", "Бас сарапшы", "Chief expert"), label=_("technical operator")),
    DemoAccount("akimat.karaganda", Role.AKIMAT, "akimat_35", "Нуркенов", "Бауыржан", "Серикович",
                ("Руководитель управления энергетики и ЖКХ", "Энергетика және ТКШ басқармасының басшысы", "Head of the Energy and Housing Utilities Department"), regions=("35",), label=_("akimat of Karaganda region")),
    DemoAccount("akimat.mangystau", Role.AKIMAT, "akimat_47", "Утегенов", "Арман", "Бекболатович",
                ("Руководитель управления энергетики и ЖКХ", "Энергетика және ТКШ басқармасының басшысы", "Head of the Energy and Housing Utilities Department"), regions=("47",), label=_("akimat of Mangystau region")),
    DemoAccount("utility", Role.UTILITY, "utility_karaganda", "Ким", "Виктор", "Алексеевич",
                ("Директор по инвестициям", "Инвестициялар жөніндегі директор", "Investment director"), regions=("35",), label=_("natural monopoly in Karaganda region")),
    DemoAccount("baiterek", Role.FINANCIAL_OPERATOR, "baiterek", "Абдрахманова", "Жанар", "Ерболовна",
                ("Управляющий директор", "Басқарушы директор", "Managing director"), label=_("financial operator")),
    DemoAccount("bank", Role.BANK, "bank", "Мусин", "Тимур", "Асхатович",
                ("Начальник управления кредитования", "Кредиттеу басқармасының бастығы", "Head of lending"), label=_("second-tier bank")),
    DemoAccount("khc", Role.HOUSING_COMPANY, "khc", "Иманбаева", "Салтанат", "Болатовна",
                ("Директор департамента", "Департамент директоры", "Department director"), label=_("housing company (KHC)")),
    DemoAccount("contractor", Role.CONTRACTOR, "contractor", "Петренко", "Олег", "Иванович",
                ("Генеральный директор", "Бас директор", "Chief executive"), label=_("contractor")),
    DemoAccount("manufacturer", Role.MANUFACTURER, "manufacturer", "Толеуов", "Нурлан", "Ержанович",
                ("Коммерческий директор", "Коммерциялық директор", "Commercial director"), label=_("manufacturer")),
    DemoAccount("operator", Role.CONTACT_CENTRE, "contact_centre", "Сарсенова", "Айжан", "Муратовна",
                ("Оператор контакт-центра", "Байланыс орталығының операторы", "Contact-centre operator"), label=_("contact-centre operator")),
]


def demo_password() -> str:
    """The demo accounts' password: ``demo`` unless MEKS_DEMO_PASSWORD says otherwise."""
    return os.environ.get("MEKS_DEMO_PASSWORD", "demo")
