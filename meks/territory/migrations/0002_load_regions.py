"""Load the 17 regions and 3 cities of republican significance from the reference CSV."""

import csv
from decimal import Decimal
from pathlib import Path

from django.db import migrations

REGIONS_CSV = Path(__file__).resolve().parent.parent / "data" / "regions.csv"


def load_regions(apps, schema_editor):
    Region = apps.get_model("territory", "Region")
    with REGIONS_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            Region.objects.update_or_create(
                kato=row["kato"],
                defaults={
                    "iso_code": row["iso_3166_2"],
                    "kind": row["kind"],
                    "name_ru": row["name_ru"],
                    "name_kk": row["name_kk"],
                    "name_en": row["name_en"],
                    "centre_ru": row["centre_ru"],
                    "centre_en": row["centre_en"],
                    "population": int(row["population_2023"]) if row["population_2023"] else None,
                    "latitude": Decimal(row["lat"]) if row["lat"] else None,
                    "longitude": Decimal(row["lon"]) if row["lon"] else None,
                },
            )


def unload_regions(apps, schema_editor):
    Region = apps.get_model("territory", "Region")
    with REGIONS_CSV.open(encoding="utf-8") as handle:
        codes = [row["kato"] for row in csv.DictReader(handle)]
    Region.objects.filter(kato__in=codes, settlements__isnull=True, districts__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("territory", "0001_regions_districts_settlements")]

    operations = [migrations.RunPython(load_regions, unload_regions)]
