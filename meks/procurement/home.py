"""Home-page figures of procurement, within the user's scope."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from meks.core.access import Role, scope_of
from meks.core.home import Tile

from . import selectors, services
from .choices import TenderStatus

#: Roles that run or oversee tenders and see their figures on the home page.
OVERSEERS = (Role.PROJECT_OFFICE, Role.MINISTRY, Role.TECHNICAL_OPERATOR, Role.AKIMAT, Role.UTILITY)


def procurement_tiles(user) -> list[Tile]:
    """Tenders open for bids and those late to publish (overseers); a contractor's own live bids."""
    scope = scope_of(user)
    try:
        tenders = reverse("procurement:tender_list")
    except NoReverseMatch:
        return []
    tiles: list[Tile] = []
    if scope.has_role(*OVERSEERS):
        visible = selectors.tender_list(user=user, ordering="").order_by()
        tiles.append(Tile(_("Tenders open for bids"), visible.filter(status=TenderStatus.PUBLISHED).count(),
                          f"{tenders}?status={TenderStatus.PUBLISHED}"))
        tiles.append(Tile(_("Tenders late to publish"), selectors.late_tenders(user=user).order_by().count(),
                          f"{tenders}?late=1"))
        if services.is_registry_keeper(user):
            pending = selectors.contractor_list(user=user, status="pending").order_by().count()
            tiles.append(Tile(_("Contractors waiting for verification"), pending,
                              f"{reverse('procurement:contractor_list')}?status=pending"))
    elif scope.has_role(Role.CONTRACTOR):
        tiles.append(Tile(_("Tenders open for bids"),
                          selectors.tender_list(user=user, status=TenderStatus.PUBLISHED, ordering="").order_by()
                          .count(), f"{tenders}?status={TenderStatus.PUBLISHED}"))
    return tiles
