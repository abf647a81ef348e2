"""Keep the main industry in Russian, Kazakh and English: the existing values become the Russian ones."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("territory", "0004_fill_region_centre_kk")]

    operations = [
        migrations.RenameField(model_name="settlement", old_name="main_industry", new_name="main_industry_ru"),
        migrations.AlterField(
            model_name="settlement", name="main_industry_ru",
            field=models.CharField(blank=True, max_length=200, verbose_name="main industry (Russian)"),
        ),
        migrations.AddField(
            model_name="settlement", name="main_industry_kk",
            field=models.CharField(blank=True, max_length=200, verbose_name="main industry (Kazakh)"),
        ),
        migrations.AddField(
            model_name="settlement", name="main_industry_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="main industry (English)"),
        ),
        migrations.RenameField(model_name="historicalsettlement", old_name="main_industry", new_name="main_industry_ru"),
        migrations.AlterField(
            model_name="historicalsettlement", name="main_industry_ru",
            field=models.CharField(blank=True, max_length=200, verbose_name="main industry (Russian)"),
        ),
        migrations.AddField(
            model_name="historicalsettlement", name="main_industry_kk",
            field=models.CharField(blank=True, max_length=200, verbose_name="main industry (Kazakh)"),
        ),
        migrations.AddField(
            model_name="historicalsettlement", name="main_industry_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="main industry (English)"),
        ),
    ]
