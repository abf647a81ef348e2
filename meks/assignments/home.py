"""Home-page figures of the control of assignments, within the user's scope."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from meks.core.access import scope_of
from meks.core.home import Tile

from .selectors import assignment_summary


def assignment_tiles(user) -> list[Tile]:
    """Overdue assignments and those due within two weeks (nothing for users outside the control)."""
    if scope_of(user).is_empty:
        return []
    try:
        url = reverse("assignments:assignment_list")
    except NoReverseMatch:
        return []
    summary = assignment_summary(user=user)
    if not summary["total"]:
        return []
    return [
        Tile(_("Overdue assignments"), summary["overdue"], f"{url}?overdue=1"),
        Tile(_("Assignments due within 14 days"), summary["due_soon"], url),
    ]
