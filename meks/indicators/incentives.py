"""Tax incentives: regions that collect more tax revenue than planned share a pool (docs/indicators.md).

For a year, each region's overperformance is its actual tax revenue minus its plan when positive
(indicators ``bud_tax_revenue_fact`` and ``bud_tax_revenue_plan``, million tenge). The pool is shared in
proportion to overperformance, no region getting more than ``cap_share`` of the pool; what a capped region
would have got above the cap is shared among the others in the same proportion, until nobody is above the
cap. Rewards are rounded down to 0.01 million tenge (10,000 tenge); what is left (rounding, or every
overperformer capped) stays in the pool as "undistributed".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

PLAN_INDICATOR = "bud_tax_revenue_plan"
FACT_INDICATOR = "bud_tax_revenue_fact"
CENT = Decimal("0.01")


def distribute_pool(overperformance: Mapping[Any, Decimal], pool: Decimal, cap_share: Decimal) -> dict[Any, Decimal]:
    """Share ``pool`` in proportion to the positive ``overperformance``, none above ``cap_share`` of the pool."""
    cap = pool * cap_share
    remaining = {key: Decimal(value) for key, value in overperformance.items() if value and value > 0}
    rewards: dict[Any, Decimal] = {}
    left = Decimal(pool)
    while remaining and left > 0:
        total = sum(remaining.values(), Decimal("0"))
        capped = [key for key, value in remaining.items() if left * value / total > cap]
        if not capped:
            for key, value in remaining.items():
                rewards[key] = left * value / total
            break
        for key in capped:
            rewards[key] = cap
            left -= cap
            del remaining[key]
    return {key: value.quantize(CENT, rounding=ROUND_DOWN) for key, value in rewards.items()}


@dataclass
class RegionIncentive:
    """A region's tax plan and fact for a year, its overperformance and proposed reward (million tenge)."""

    region: Any
    plan: Decimal | None
    fact: Decimal | None
    overperformance: Decimal = Decimal("0")
    execution_percent: Decimal | None = None
    reward: Decimal = Decimal("0.00")
    pool_share_percent: Decimal = Decimal("0.00")
    capped: bool = False

    @property
    def region_id(self) -> int:
        return self.region.pk


@dataclass
class IncentiveReport:
    """The proposal for a year: every region, the pool, its cap and what stays undistributed."""

    year: int
    pool: Decimal
    cap_share: Decimal
    rows: list[RegionIncentive] = field(default_factory=list)

    @property
    def distributed(self) -> Decimal:
        return sum((row.reward for row in self.rows), Decimal("0.00"))

    @property
    def undistributed(self) -> Decimal:
        return self.pool - self.distributed

    @property
    def total_overperformance(self) -> Decimal:
        return sum((row.overperformance for row in self.rows), Decimal("0"))


def build_report(year: int, figures: Mapping[Any, tuple[Decimal | None, Decimal | None]], pool: Decimal,
                 cap_share: Decimal) -> IncentiveReport:
    """The report from {region: (plan, fact)}; rows by reward, then overperformance, then KATO."""
    rows = []
    for region, (plan, fact) in figures.items():
        row = RegionIncentive(region=region, plan=plan, fact=fact)
        if plan is not None and fact is not None:
            row.overperformance = max(fact - plan, Decimal("0"))
            if plan:
                row.execution_percent = (fact / plan * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        rows.append(row)
    rewards = distribute_pool({row.region: row.overperformance for row in rows}, pool, cap_share)
    cap = (pool * cap_share).quantize(CENT, rounding=ROUND_DOWN)
    for row in rows:
        row.reward = rewards.get(row.region, Decimal("0.00"))
        row.capped = bool(row.reward) and row.reward >= cap
        if pool:
            row.pool_share_percent = (row.reward / pool * 100).quantize(CENT, rounding=ROUND_HALF_UP)
    rows.sort(key=lambda row: (-row.reward, -row.overperformance, row.region.kato))
    return IncentiveReport(year=year, pool=pool, cap_share=cap_share, rows=rows)
