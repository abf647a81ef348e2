"""Fixtures of the open-data tests: the procurement fixtures, for tenders moved through the real services."""

from meks.procurement.tests.conftest import (  # noqa: F401  (fixtures used by test_ocds)
    contractors,
    make_project,
    make_tender,
    media_in_tmp,
    published_tender,
    users,
)
