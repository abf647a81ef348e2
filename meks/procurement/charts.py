"""Figures of the procurement dashboard's charts, drawn as inline SVG by the templates (no script, no inline style).

Each function turns summary rows (dictionaries carrying a ``filter``: the query string of the list that
shows the records behind the figure) into plain numbers, bar positions and lengths, and links, so the
templates hold no arithmetic.

The dashboard also shows the domestic producers' totals. Procurement cannot import the producers' app (both
sit in the same layer), so the totals come through a provider that a higher layer, the REST API app, which
knows both, registers at start-up (``register_producer_totals``); with none registered the dashboard simply
leaves the block out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

#: Width, in SVG units, of the longest bar; and the height of one row.
BAR_WIDTH = 420
ROW_HEIGHT = 30

ProducerTotals = Mapping[str, Any]
_producer_totals_providers: list[Callable[[], ProducerTotals]] = []


def register_producer_totals(provider: Callable[[], ProducerTotals]) -> None:
    """Name the function giving the domestic producers' totals (producers, products, their value)."""
    _producer_totals_providers[:] = [provider]


def producer_totals() -> ProducerTotals | None:
    """The domestic producers' totals from the registered provider; ``None`` when none is registered."""
    if not _producer_totals_providers:
        return None
    return _producer_totals_providers[0]()


def drill_url(url_name: str, query: Mapping[str, Any] | None = None) -> str:
    """The page ``url_name`` filtered by ``query`` (a summary row's ``filter``)."""
    url = reverse(url_name)
    cleaned = {key: value for key, value in (query or {}).items() if value not in (None, "")}
    return f"{url}?{urlencode(cleaned)}" if cleaned else url


def bar_length(value: Decimal | int | None, largest: Decimal | int | None, width: int = BAR_WIDTH) -> int:
    """The length of a bar for ``value`` when ``largest`` takes ``width``; at least 2 for a non-zero value."""
    if not largest or not value or value < 0:
        return 0
    return max(int(Decimal(width) * Decimal(value) / Decimal(largest)), 2)


def bar_chart(rows: Iterable[Mapping[str, Any]], *, value: str, url_name: str,
              width: int = BAR_WIDTH) -> dict[str, Any]:
    """Horizontal bars, one per row, their length ``row[value]``; each bar links to its records.

    Returns ``{"bars": [...], "height", "width"}``; each bar is the row plus ``y``, ``length`` and ``url``.
    """
    rows = list(rows)
    largest = max((row[value] or 0 for row in rows), default=0)
    bars = [{**row, "y": index * ROW_HEIGHT, "length": bar_length(row[value], largest, width),
             "url": drill_url(url_name, row.get("filter"))}
            for index, row in enumerate(rows)]
    return {"bars": bars, "height": max(len(bars), 1) * ROW_HEIGHT, "width": width}


def with_urls(rows: Iterable[Mapping[str, Any]], url_name: str) -> list[dict[str, Any]]:
    """The rows, each with the ``url`` of the list its ``filter`` names."""
    return [{**row, "url": drill_url(url_name, row.get("filter"))} for row in rows]


# --- the dashboard's figures, shared by the page and the API's summary -------------------------------------


def _region_names() -> dict[str, str]:
    """KATO code to the region's name in the active language (one light query)."""
    from meks.core.i18n import localized_field_name
    from meks.territory.models import Region

    column = localized_field_name("name")
    return {kato: name or fallback for kato, name, fallback in Region.objects.values_list("kato", column, "name_ru")}


def dashboard_summary(user: Any) -> dict[str, Any]:
    """Every figure of the procurement dashboard for ``user``, each row with the list filter behind it.

    Built from the procurement selectors (aggregates in the database, a constant number of queries): tenders
    by stage, publication delays by region, competition, savings against estimates, local-content share.
    ``filter`` keys name the tender list's query (``tenders``) or the contract list's (``contracts``).
    """
    from . import selectors
    from .choices import publication_target_days

    names = _region_names()

    stages = [{**row, "filter": {"status": row["status"]}} for row in selectors.tenders_by_stage(user=user)]
    delays = []
    for row in selectors.publication_delays_by_region(user=user):
        kato = row["project__region__kato"]
        delays.append({"region": kato, "region_name": names.get(kato, ""), "published": row["published"],
                       "average_days": Decimal(str(row["average_days"] or 0)).quantize(Decimal("0.1")),
                       "late": row["late"], "filter": {"region": kato},
                       "late_filter": {"region": kato, "late": "1"}})
    competition = selectors.competition(user=user)
    competition["average_bids_per_lot"] = Decimal(str(competition["average_bids_per_lot"] or 0)).quantize(
        Decimal("0.01"))
    least = [{"id": tender.pk, "number": tender.number, "title": tender.title, "bids": tender.bid_count,
              "bidders": tender.bidder_count, "region": tender.project.region.kato}
             for tender in selectors.bids_per_tender(user=user)[:10]]
    savings = []
    for row in selectors.savings(user=user, by="region"):
        savings.append({"region": row["project__region__kato"], "region_name": names.get(row["project__region__kato"], ""),
                        "contracts": row["contracts"], "estimate": row["estimate"] or Decimal(0),
                        "signed": row["signed"] or Decimal(0), "saving": row["saving"],
                        "saving_percent": row["saving_percent"], "filter": {"region": row["project__region__kato"]}})
    total = selectors.savings_total(user=user)
    local = []
    for row in selectors.local_content_by(user=user, by="region"):
        local.append({"region": row["project__region__kato"], "region_name": names.get(row["project__region__kato"], ""),
                      "contracts": row["contracts"], "value": row["contract_value"] or Decimal(0), "share": row["share"],
                      "filter": {"region": row["project__region__kato"]}})
    local_value = sum((row["value"] for row in local), Decimal(0))
    local_weighted = sum((row["value"] * row["share"] for row in local), Decimal(0))
    late_count = selectors.late_tenders(user=user).count()
    return {
        "target_days": publication_target_days(),
        "totals": {
            "tenders": sum(row["count"] for row in stages),
            "estimated_value": sum((row["value"] for row in stages), Decimal(0)),
            "late": late_count,
            "estimate_signed": total["estimate"], "signed": total["signed"], "saving": total["saving"],
            "saving_percent": (total["saving"] / total["estimate"] * 100).quantize(Decimal("0.1"))
            if total["estimate"] else Decimal(0),
            "contracts": sum(row["contracts"] for row in local),
            "local_content_share": (local_weighted / local_value).quantize(Decimal("0.01")) if local_value
            else Decimal(0),
        },
        "stages": stages,
        "publication_delays": delays,
        "competition": {**competition, "least_competed": least},
        "savings": savings,
        "local_content": local,
    }
