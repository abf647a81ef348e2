"""Evaluation of bids: qualification, then the lowest evaluated price with a domestic-content preference.

The preference (see ``choices.DEFAULT_DOMESTIC_PREFERENCE``, configurable with the setting
``PROCUREMENT_DOMESTIC_PREFERENCE``) reduces a bid's price *for evaluation only* by the discount of the
highest step its declared local-content share reaches; the contract is signed at the bid's own price. Ties
on evaluated price go to the higher local-content share, then to the earlier submission.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .choices import domestic_preference_table

HUNDRED = Decimal("100")


def preference_percent(local_content_share: Decimal | None) -> Decimal:
    """The evaluation discount, %, a declared local-content share earns (0 below the first step)."""
    share = Decimal(local_content_share or 0)
    earned = Decimal("0")
    for threshold, discount in domestic_preference_table():
        if share >= threshold:
            earned = discount
    return earned


def evaluated_price(price: Decimal, local_content_share: Decimal | None) -> Decimal:
    """The price used to rank a bid: its price less the domestic preference, rounded to the tiyn."""
    discount = preference_percent(local_content_share)
    return (Decimal(price) * (HUNDRED - discount) / HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RankedBid:
    """One qualified bid's place in a lot's ranking."""

    bid_id: int
    price: Decimal
    local_content_share: Decimal
    preference_percent: Decimal
    evaluated_price: Decimal
    rank: int


def rank_bids(bids: Iterable[object]) -> list[RankedBid]:
    """Rank qualified, opened bids (objects with ``pk``, ``price``, ``local_content_share``, ``submitted_at``)."""
    scored = sorted(
        bids,
        key=lambda bid: (evaluated_price(bid.price, bid.local_content_share), -Decimal(bid.local_content_share or 0),
                         bid.submitted_at, bid.pk),
    )
    return [
        RankedBid(bid.pk, bid.price, Decimal(bid.local_content_share or 0), preference_percent(bid.local_content_share),
                  evaluated_price(bid.price, bid.local_content_share), rank)
        for rank, bid in enumerate(scored, start=1)
    ]
