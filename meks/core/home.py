"""Figure tiles of the home page, contributed by the domain apps through a registry.

Each app registers a function that returns its tiles for a user; core never imports a domain app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Tile:
    """One figure on the home page, linking to the records behind it."""

    label: Any
    value: Any
    url: str
    note: Any = ""


_PROVIDERS: dict[str, tuple[int, Callable[[Any], list[Tile]]]] = {}


def register_tiles(key: str, provider: Callable[[Any], list[Tile]], order: int = 100) -> None:
    """Add a provider of tiles; ``order`` places its tiles among the others."""
    _PROVIDERS[key] = (order, provider)


def home_tiles(user: Any) -> list[Tile]:
    """All tiles for ``user``, in provider order."""
    tiles: list[Tile] = []
    for _order, provider in sorted(_PROVIDERS.values(), key=lambda item: item[0]):
        tiles.extend(provider(user))
    return tiles
