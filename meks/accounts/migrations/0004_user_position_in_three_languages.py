"""Keep the position in Russian, Kazakh and English: the existing values become the Russian ones."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_user_history")]

    operations = [
        migrations.RenameField(model_name="user", old_name="position", new_name="position_ru"),
        migrations.AlterField(
            model_name="user", name="position_ru",
            field=models.CharField(blank=True, max_length=200, verbose_name="position (Russian)"),
        ),
        migrations.AddField(
            model_name="user", name="position_kk",
            field=models.CharField(blank=True, max_length=200, verbose_name="position (Kazakh)"),
        ),
        migrations.AddField(
            model_name="user", name="position_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="position (English)"),
        ),
        migrations.RenameField(model_name="historicaluser", old_name="position", new_name="position_ru"),
        migrations.AlterField(
            model_name="historicaluser", name="position_ru",
            field=models.CharField(blank=True, max_length=200, verbose_name="position (Russian)"),
        ),
        migrations.AddField(
            model_name="historicaluser", name="position_kk",
            field=models.CharField(blank=True, max_length=200, verbose_name="position (Kazakh)"),
        ),
        migrations.AddField(
            model_name="historicaluser", name="position_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="position (English)"),
        ),
    ]
