"""Home-page figures of financing, within the user's scope."""

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from meks.core.home import Tile

from .choices import REVIEW_STATUSES
from .selectors import ApplicationFilters, application_list, is_finance_reader


def finance_tiles(user) -> list[Tile]:
    """Applications in review and those waiting longer than their stage's target (nothing for other roles)."""
    if not is_finance_reader(user):
        return []
    try:
        url = reverse("finance:application_list")
    except NoReverseMatch:
        return []
    in_review = application_list(user=user, filters=ApplicationFilters(status=REVIEW_STATUSES)).order_by()
    count = in_review.count()
    if not count:
        return []
    over = application_list(user=user, filters=ApplicationFilters(status=REVIEW_STATUSES, overdue=True)).order_by()
    status = ",".join(REVIEW_STATUSES)
    return [
        Tile(_("Financing applications in review"), count, f"{url}?{urlencode({'status': status})}"),
        Tile(_("Financing applications over the stage target"), over.count(),
             f"{url}?{urlencode({'status': status, 'overdue': 1})}"),
    ]
