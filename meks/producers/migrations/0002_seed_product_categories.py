"""Seed the product categories the national project buys from domestic producers."""

from django.db import migrations

CATEGORIES = [
    # code, Russian, Kazakh, English
    ("steel_pipes", "Стальные трубы", "Болат құбырлар", "Steel pipes"),
    ("preinsulated_pipes", "Предизолированные трубы", "Алдын ала оқшауланған құбырлар", "Pre-insulated pipes"),
    ("polymer_pipes", "Полимерные трубы", "Полимер құбырлар", "Polymer pipes"),
    ("valves", "Трубопроводная арматура", "Құбыр арматурасы", "Valves and fittings"),
    ("pumps", "Насосы и насосные станции", "Сорғылар және сорғы станциялары", "Pumps and pumping stations"),
    ("transformers", "Трансформаторы", "Трансформаторлар", "Transformers"),
    ("switchgear", "Распределительные устройства", "Тарату құрылғылары", "Switchgear"),
    ("cables", "Кабельная продукция", "Кабель өнімдері", "Cables and wires"),
    ("overhead_line", "Опоры и провода ЛЭП", "ЭБЖ тіректері мен сымдары", "Overhead line towers and conductors"),
    ("boilers", "Котлы и котельное оборудование", "Қазандықтар және қазандық жабдықтары", "Boilers and boiler equipment"),
    ("heat_exchangers", "Теплообменники и тепловые пункты", "Жылу алмастырғыштар мен жылу пункттері",
     "Heat exchangers and substations"),
    ("meters", "Приборы учёта", "Есепке алу аспаптары", "Meters"),
    ("water_treatment", "Оборудование водоочистки", "Су тазарту жабдықтары", "Water treatment equipment"),
    ("wastewater_treatment", "Оборудование очистки сточных вод", "Ағынды суларды тазарту жабдықтары",
     "Wastewater treatment equipment"),
    ("concrete", "Железобетонные изделия", "Темірбетон бұйымдары", "Precast concrete"),
    ("insulation", "Теплоизоляционные материалы", "Жылу оқшаулағыш материалдар", "Thermal insulation"),
    ("automation", "Средства автоматизации и КИПиА", "Автоматтандыру құралдары және БӨАА",
     "Automation and instrumentation"),
]


def seed(apps, schema_editor):
    category_model = apps.get_model("producers", "ProductCategory")
    for order, (code, name_ru, name_kk, name_en) in enumerate(CATEGORIES, start=1):
        category_model.objects.update_or_create(
            code=code, defaults={"order": order * 10, "name_ru": name_ru, "name_kk": name_kk, "name_en": name_en},
        )


def unseed(apps, schema_editor):
    apps.get_model("producers", "ProductCategory").objects.filter(code__in=[row[0] for row in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("producers", "0001_producers_catalogue_offtake")]

    operations = [migrations.RunPython(seed, unseed)]
