"""The monotown assessment, and the check of the criteria for leaving monotown status.

78 indicators → normalised scores → 10 domain sub-indices → a composite index → three groups, each with its
priority measures.

Method (docs/indicators.md, "Monotown assessment"), for one year, over the towns assessed together:

1. Each indicator is normalised across the towns by min–max to 0–100: ``100·(x − min)/(max − min)`` when
   higher is better, ``100·(max − x)/(max − min)`` when lower is better; when all towns have the same value,
   every town scores 50. A town without a value for an indicator is left out of that indicator.
2. A domain's sub-index is the weighted mean of the town's normalised scores of its indicators (weights
   from the catalogue); a town with no value in a domain has no sub-index there.
3. The composite index is the weighted mean of the sub-indices with the domain weights in force (equal by
   default; the project office may change them, and "what if" weights may be tried without saving).
4. The group follows from the composite by fixed thresholds: 60 and above group 1, from 40 up to 60
   group 2, below 40 group 3. Thresholds, not ranks: a town's group does not change because another town
   joined or left the list, and a user checks it against two numbers.

Scores are rounded to two decimals at each step, and each next step is computed from the rounded figures
shown, so every figure on a town's page can be checked by hand.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .choices import GROUP_MEASURES, Direction, Domain, MonotownGroup, PriorityMeasure

HUNDRED = Decimal("100")
HALF = Decimal("50")
CENT = Decimal("0.01")
#: Lowest composite index of group 1 and of group 2; below the second, group 3.
GROUP_THRESHOLDS: dict[int, Decimal] = {MonotownGroup.GROWTH: Decimal("60"), MonotownGroup.STABLE: Decimal("40")}
#: Domain weights by default: equal.
DEFAULT_DOMAIN_WEIGHTS: dict[str, Decimal] = {domain.value: Decimal("1") for domain in Domain}
#: How many domains are named as pulling a town up, and as pulling it down.
EXPLAINED_DOMAINS = 3


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class IndicatorSpec:
    """What the assessment needs of a catalogue indicator."""

    code: str
    domain: str
    direction: str
    weight: Decimal = Decimal("1")


@dataclass(frozen=True)
class IndicatorStats:
    """An indicator's spread across the towns in a year: the bounds of its normalisation."""

    minimum: Decimal
    maximum: Decimal
    mean: Decimal
    towns: int


@dataclass
class DomainScore:
    """A town's sub-index in one domain, against the towns' mean, and what it adds to the composite's deviation.

    ``contribution`` = domain weight share × (sub-index − mean): the contributions of all domains add up to the
    town's composite minus the towns' mean composite (up to rounding) when every domain has data.
    """

    domain: str
    sub_index: Decimal | None
    weight: Decimal
    mean: Decimal | None = None
    deviation: Decimal | None = None
    contribution: Decimal | None = None

    @property
    def label(self) -> str:
        return str(Domain(self.domain).label)


@dataclass
class TownScore:
    """One town's assessment in one year."""

    key: Any
    index: Decimal | None
    group: int | None
    domains: dict[str, DomainScore]
    scores: dict[str, Decimal]
    values: dict[str, Decimal]
    rank: int | None = None
    pulling_up: list[DomainScore] = field(default_factory=list)
    pulling_down: list[DomainScore] = field(default_factory=list)
    mean_index: Decimal | None = None

    @property
    def group_label(self) -> str:
        return str(MonotownGroup(self.group).label) if self.group else ""

    @property
    def measures(self) -> list[tuple[str, str]]:
        """The priority measures of the town's group: (code, label)."""
        return [(code, str(PriorityMeasure(code).label)) for code in GROUP_MEASURES.get(self.group, ())]

    @property
    def sub_indices(self) -> dict[str, Decimal | None]:
        return {domain: score.sub_index for domain, score in self.domains.items()}


@dataclass
class AssessmentResult:
    """The assessment of all towns for one year with the settings used."""

    towns: list[TownScore]
    stats: dict[str, IndicatorStats]
    domain_weights: dict[str, Decimal]
    domain_means: dict[str, Decimal | None]
    mean_index: Decimal | None

    def by_key(self) -> dict[Any, TownScore]:
        return {town.key: town for town in self.towns}


def group_for(index: Decimal | None, thresholds: Mapping[int, Decimal] = GROUP_THRESHOLDS) -> int | None:
    """The group of a composite index by the fixed thresholds."""
    if index is None:
        return None
    if index >= thresholds[MonotownGroup.GROWTH]:
        return MonotownGroup.GROWTH
    if index >= thresholds[MonotownGroup.STABLE]:
        return MonotownGroup.STABLE
    return MonotownGroup.LAGGING


def _stats(values: Mapping[Any, Mapping[str, Decimal]], specs: Mapping[str, IndicatorSpec]) -> dict[str, IndicatorStats]:
    columns: dict[str, list[Decimal]] = defaultdict(list)
    for town_values in values.values():
        for code, value in town_values.items():
            if code in specs and value is not None:
                columns[code].append(Decimal(value))
    return {
        code: IndicatorStats(min(column), max(column), _round(sum(column) / len(column)), len(column))
        for code, column in columns.items()
    }


def normalised_score(value: Decimal, stats: IndicatorStats, direction: str) -> Decimal:
    """The 0–100 score of ``value`` among the towns (50 when all towns have the same value)."""
    spread = stats.maximum - stats.minimum
    if spread == 0:
        return HALF
    if direction == Direction.LOWER:
        return _round(HUNDRED * (stats.maximum - Decimal(value)) / spread)
    return _round(HUNDRED * (Decimal(value) - stats.minimum) / spread)


def _weighted_mean(pairs: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    pairs = [(value, weight) for value, weight in pairs if value is not None and weight > 0]
    total = sum((weight for _, weight in pairs), Decimal("0"))
    if not total:
        return None
    return _round(sum((value * weight for value, weight in pairs), Decimal("0")) / total)


def compute_assessment(
    values: Mapping[Any, Mapping[str, Decimal]],
    specs: Mapping[str, IndicatorSpec],
    domain_weights: Mapping[str, Decimal] | None = None,
    thresholds: Mapping[int, Decimal] = GROUP_THRESHOLDS,
) -> AssessmentResult:
    """Assess the towns of ``values`` ({town key: {indicator code: value}}); a pure function of its inputs.

    Towns come back ranked by index (highest first; ties by key, so the order is reproducible).
    """
    weights = {**DEFAULT_DOMAIN_WEIGHTS, **{k: Decimal(v) for k, v in (domain_weights or {}).items()}}
    stats = _stats(values, specs)
    towns = []
    for key, town_values in values.items():
        scores = {
            code: normalised_score(Decimal(value), stats[code], specs[code].direction)
            for code, value in town_values.items()
            if code in specs and value is not None
        }
        per_domain: dict[str, list[tuple[Decimal, Decimal]]] = defaultdict(list)
        for code, score in scores.items():
            per_domain[specs[code].domain].append((score, specs[code].weight))
        domains = {
            domain.value: DomainScore(domain.value, _weighted_mean(per_domain.get(domain.value, ())),
                                      weights.get(domain.value, Decimal("0")))
            for domain in Domain
        }
        index = _weighted_mean((score.sub_index, score.weight) for score in domains.values())
        towns.append(TownScore(key=key, index=index, group=group_for(index, thresholds), domains=domains,
                               scores=scores, values={code: Decimal(v) for code, v in town_values.items()
                                                      if code in specs and v is not None}))
    domain_means = {}
    for domain in Domain:
        present = [town.domains[domain.value].sub_index for town in towns
                   if town.domains[domain.value].sub_index is not None]
        domain_means[domain.value] = _round(sum(present) / len(present)) if present else None
    indices = [town.index for town in towns if town.index is not None]
    mean_index = _round(sum(indices) / len(indices)) if indices else None
    for town in towns:
        _explain(town, domain_means, mean_index)
    towns.sort(key=lambda town: (town.index is None, -(town.index or 0), str(town.key)))
    for rank, town in enumerate(towns, start=1):
        town.rank = rank if town.index is not None else None
    return AssessmentResult(towns=towns, stats=stats, domain_weights=weights, domain_means=domain_means,
                            mean_index=mean_index)


def _explain(town: TownScore, domain_means: Mapping[str, Decimal | None], mean_index: Decimal | None) -> None:
    """Name the domains pulling the town up and down: deviation from the towns' mean, weighted contribution."""
    town.mean_index = mean_index
    present = [score for score in town.domains.values() if score.sub_index is not None and score.weight > 0]
    weight_total = sum((score.weight for score in present), Decimal("0"))
    for score in town.domains.values():
        mean = domain_means.get(score.domain)
        score.mean = mean
        if score.sub_index is None or mean is None:
            continue
        score.deviation = _round(score.sub_index - mean)
        if weight_total and score.weight > 0:
            score.contribution = _round(score.weight / weight_total * (score.sub_index - mean))
    ranked = [score for score in present if score.contribution is not None]
    town.pulling_up = sorted((s for s in ranked if s.contribution > 0),
                             key=lambda s: (-s.contribution, s.domain))[:EXPLAINED_DOMAINS]
    town.pulling_down = sorted((s for s in ranked if s.contribution < 0),
                               key=lambda s: (s.contribution, s.domain))[:EXPLAINED_DOMAINS]


@dataclass(frozen=True)
class GroupChange:
    """A town whose group differs between two assessments."""

    key: Any
    index_before: Decimal | None
    index_after: Decimal | None
    group_before: int | None
    group_after: int | None


def group_changes(before: AssessmentResult, after: AssessmentResult) -> list[GroupChange]:
    """Towns whose group differs between ``before`` and ``after`` (in the order of ``after``)."""
    previous = before.by_key()
    changes = []
    for town in after.towns:
        old = previous.get(town.key)
        if old is not None and old.group != town.group:
            changes.append(GroupChange(town.key, old.index, town.index, old.group, town.group))
    return changes


# --- Leaving monotown status --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExitCriterion:
    """One condition a town must meet to leave monotown status: indicator, comparison, threshold."""

    code: str
    comparison: str  # "lt", "le", "ge"
    threshold: Decimal

    def passes(self, value: Decimal) -> bool:
        if self.comparison == "lt":
            return value < self.threshold
        if self.comparison == "le":
            return value <= self.threshold
        return value >= self.threshold

    @property
    def symbol(self) -> str:
        return {"lt": "<", "le": "≤", "ge": "≥"}[self.comparison]


#: A monotown is a town whose town-forming enterprises give at least half of its industrial output or a
#: fifth of its jobs; it leaves the status once it no longer depends on them and its economy has diversified
#: (see docs/indicators.md, "Leaving monotown status").
EXIT_CRITERIA = (
    ExitCriterion("ind_main_enterprise_share", "lt", Decimal("50")),
    ExitCriterion("lab_main_enterprise_jobs_share", "lt", Decimal("20")),
    ExitCriterion("sme_employment_share", "ge", Decimal("30")),
    ExitCriterion("inv_non_resource_share", "ge", Decimal("50")),
    ExitCriterion("lab_unemployment", "le", Decimal("5")),
)


@dataclass(frozen=True)
class CriterionResult:
    """One criterion checked against a town's figure (``passed`` is False when the figure is missing)."""

    criterion: ExitCriterion
    value: Decimal | None
    passed: bool


@dataclass(frozen=True)
class ExitCheck:
    """The check of all criteria for a town and year; the town may leave the status when all pass."""

    key: Any
    year: int
    results: list[CriterionResult]

    @property
    def passed(self) -> bool:
        return all(result.passed for result in self.results)

    @property
    def failed_count(self) -> int:
        return sum(not result.passed for result in self.results)


def check_exit(key: Any, year: int, values: Mapping[str, Decimal]) -> ExitCheck:
    """Check the criteria for leaving monotown status against a town's figures of a year."""
    results = []
    for criterion in EXIT_CRITERIA:
        value = values.get(criterion.code)
        results.append(CriterionResult(criterion, value, value is not None and criterion.passes(Decimal(value))))
    return ExitCheck(key, year, results)
