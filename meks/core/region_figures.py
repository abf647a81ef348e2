"""Figures other domains publish per region, for pages of a lower layer to show (zone, funding priority).

A lower layer (the portfolio) cannot import a higher one (indicators); the higher one registers a provider
here in its ``AppConfig.ready()``, and the lower one asks ``region_figures()``. A provider returns
``{region id: {name: value}}``; the figures of all providers are merged per region.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

RegionFigures = dict[int, dict[str, Any]]
_providers: list[Callable[[], RegionFigures]] = []


def register_region_figures(provider: Callable[[], RegionFigures]) -> None:
    """Add a provider of per-region figures (once; registering it again does nothing)."""
    if provider not in _providers:
        _providers.append(provider)


def region_figures() -> RegionFigures:
    """Every registered provider's figures, merged per region id."""
    merged: RegionFigures = {}
    for provider in _providers:
        for region_id, figures in provider().items():
            merged.setdefault(region_id, {}).update(figures)
    return merged
