"""Territory pages against their raw SQL: the settlement list at scale (20 regions x 1,000 settlements)."""

from __future__ import annotations

from bench.harness import best_time, report

SETTLEMENTS_PER_REGION = 1000


def build() -> None:
    from meks.territory.models import Region, Settlement

    rows = []
    for region in Region.objects.all():
        for number in range(1, SETTLEMENTS_PER_REGION + 1):
            rows.append(Settlement(region=region, kato=f"{region.kato}4{number:06d}", kind="village",
                                   name_ru=f"Ауыл {number}", name_kk=f"Ауыл {number}", name_en=f"Auyl {number}",
                                   population=number * 7))
    Settlement.objects.bulk_create(rows, batch_size=2000)


def run() -> None:
    from django.db import connection
    from django.test import Client

    from meks.demo.builder import build_demo

    build_demo(portfolio=False)
    build()
    client = Client()
    client.post("/accounts/login/", {"username": "akimat.karaganda", "password": "demo"})

    def page() -> None:
        response = client.get("/territory/settlements/", {"region": "35", "sort": "-population", "page": "3"})
        assert response.status_code == 200

    def raw_sql() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM territory_settlement s JOIN territory_region r ON r.id = s.region_id "
                "WHERE r.kato = %s", ["35"])
            cursor.fetchall()
            cursor.execute(
                "SELECT s.*, r.* FROM territory_settlement s JOIN territory_region r ON r.id = s.region_id "
                "LEFT JOIN territory_district d ON d.id = s.district_id "
                "WHERE r.kato = %s ORDER BY s.population DESC, s.kato LIMIT 50 OFFSET 100", ["35"])
            cursor.fetchall()

    report("territory.settlement_list", best_time(page), best_time(raw_sql),
           "page server time", "raw SQL of its rows and count")
