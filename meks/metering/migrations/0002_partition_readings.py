"""On PostgreSQL, recreate the readings table partitioned by month of taken_at (RANGE); nothing on SQLite."""

from django.db import migrations


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from meks.metering.partitions import PARTITIONED_DDL

    schema_editor.execute(PARTITIONED_DDL)


class Migration(migrations.Migration):
    dependencies = [("metering", "0001_initial")]

    operations = [migrations.RunPython(partition, migrations.RunPython.noop)]
