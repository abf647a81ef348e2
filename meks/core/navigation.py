"""The main navigation, built from entries each domain app registers in its ``AppConfig.ready``.

An entry names the roles that see it; the menu a user gets is derived from the roles they hold, so a
new module appears for exactly the roles it serves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse

from .access import Scope, scope_of


@dataclass(frozen=True)
class NavItem:
    """A menu entry: label, URL name, the roles that see it (all signed-in users when empty)."""

    key: str
    label: Any
    url_name: str
    order: int = 100
    roles: frozenset[str] = frozenset()
    staff_only: bool = False
    url_for: Callable[[Any, Scope], str | None] | None = None


_ITEMS: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    """Add or replace a menu entry."""
    _ITEMS[item.key] = item


def menu_for(user: Any) -> list[dict[str, str]]:
    """The entries ``user`` sees, in order, each as ``{"key", "label", "url"}``."""
    scope = scope_of(user)
    if scope.is_empty and not getattr(user, "is_staff", False):
        return []
    menu = []
    for item in sorted(_ITEMS.values(), key=lambda entry: (entry.order, entry.key)):
        if item.staff_only and not getattr(user, "is_staff", False):
            continue
        if item.roles and not scope.has_role(*item.roles):
            continue
        try:
            url = item.url_for(user, scope) if item.url_for else reverse(item.url_name)
        except NoReverseMatch:
            continue
        if url:
            menu.append({"key": item.key, "label": item.label, "url": url})
    return menu
