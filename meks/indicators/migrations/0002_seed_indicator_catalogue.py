"""Seed the indicator catalogue: the 78 monotown indicators and the region indicators of wear and tax revenue."""

import csv
from decimal import Decimal
from pathlib import Path

from django.db import migrations

CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "indicators.csv"


def read_catalogue():
    with CATALOGUE.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def seed(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    for position, row in enumerate(read_catalogue(), start=1):
        Indicator.objects.update_or_create(
            code=row["code"],
            defaults={
                "name_ru": row["name_ru"], "name_kk": row["name_kk"], "name_en": row["name_en"],
                "domain": row["domain"], "unit": row["unit"], "direction": row["direction"],
                "aggregation": row["aggregation"], "weight": Decimal(row["weight"]), "source": row["source"],
                "in_monotown_set": row["monotown"] == "1", "position": position,
            },
        )


def unseed(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    Indicator.objects.filter(code__in=[row["code"] for row in read_catalogue()], values__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_indicators_initial")]

    operations = [migrations.RunPython(seed, unseed)]
