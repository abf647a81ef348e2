"""Fill the Kazakh names of the regions' administrative centres."""

from django.db import migrations

CENTRE_KK = {
    "10": "Семей", "11": "Көкшетау", "15": "Ақтөбе", "19": "Қонаев", "23": "Атырау", "27": "Орал",
    "31": "Тараз", "33": "Талдықорған", "35": "Қарағанды", "39": "Қостанай", "43": "Қызылорда",
    "47": "Ақтау", "55": "Павлодар", "59": "Петропавл", "61": "Түркістан", "62": "Жезқазған",
    "63": "Өскемен", "71": "Астана", "75": "Алматы", "79": "Шымкент",
}


def fill(apps, schema_editor):
    Region = apps.get_model("territory", "Region")
    for kato, name in CENTRE_KK.items():
        Region.objects.filter(kato=kato).update(centre_kk=name)


def unfill(apps, schema_editor):
    apps.get_model("territory", "Region").objects.update(centre_kk="")


class Migration(migrations.Migration):
    dependencies = [("territory", "0003_region_centre_kk")]

    operations = [migrations.RunPython(fill, unfill)]
