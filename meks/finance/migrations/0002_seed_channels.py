"""Seed the eight financing channels of the national project."""

from django.db import migrations

CHANNELS = [
    # code, lender kind, rate subsidised, Russian, Kazakh, English
    ("dbk_loan", "development_bank", True, "Заём Банка Развития Казахстана",
     "Қазақстанның Даму Банкінің қарызы", "Development Bank of Kazakhstan loan"),
    ("bank_loan", "bank", True, "Кредит банка второго уровня",
     "Екінші деңгейлі банктің кредиті", "Second-tier bank loan"),
    ("khc_bonds", "housing_company", True,
     "Выкуп облигаций местных исполнительных органов Казахстанской жилищной компанией",
     "Жергілікті атқарушы органдардың облигацияларын Қазақстан тұрғын үй компаниясының сатып алуы",
     "Buyback of local executive bodies' bonds by the Kazakhstan Housing Company"),
    ("republican_budget", "budget", False, "Трансферт из республиканского бюджета",
     "Республикалық бюджеттен трансферт", "Republican budget transfer"),
    ("local_budget", "budget", False, "Местный бюджет", "Жергілікті бюджет", "Local budget"),
    ("tariff_investment", "none", False, "Инвестиционная программа в тарифе («тариф в обмен на инвестиции»)",
     "Тарифтегі инвестициялық бағдарлама («инвестицияға айырбас тариф»)",
     "Tariff investment programme (\"tariff in exchange for investment\")"),
    ("ifi", "none", False, "Международные финансовые институты (Всемирный банк, ЕБРР, Эксимбанк)",
     "Халықаралық қаржы институттары (Дүниежүзілік банк, ЕҚДБ, Эксимбанк)",
     "International financial institutions (World Bank, EBRD, Eximbank)"),
    ("own_funds", "none", False, "Собственные средства компании", "Компанияның меншікті қаражаты",
     "The company's own funds"),
]


def seed(apps, schema_editor):
    channel_model = apps.get_model("finance", "FinancingChannel")
    for order, (code, lender_kind, subsidised, name_ru, name_kk, name_en) in enumerate(CHANNELS, start=1):
        channel_model.objects.update_or_create(
            code=code,
            defaults={"lender_kind": lender_kind, "rate_subsidised": subsidised, "order": order * 10,
                      "name_ru": name_ru, "name_kk": name_kk, "name_en": name_en, "is_active": True},
        )


def unseed(apps, schema_editor):
    apps.get_model("finance", "FinancingChannel").objects.filter(code__in=[row[0] for row in CHANNELS]).delete()


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_financing")]

    operations = [migrations.RunPython(seed, unseed)]
