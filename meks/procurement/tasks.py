"""Timed transitions of procurement: bids are opened when a published tender's opening time comes."""

from __future__ import annotations

from meks.core.jobs import periodic_job


@periodic_job("hourly", name="procurement.open_due_bids")
def open_due_bids() -> int:
    """Open the bids of published tenders whose opening time has passed; returns how many tenders."""
    from .services import tenders_open_due

    return tenders_open_due()
