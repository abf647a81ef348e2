import datetime as dt
from decimal import Decimal

from django.utils import translation
from django.utils.formats import date_format, number_format


def test_kazakh_dates_and_numbers():
    with translation.override("kk"):
        assert date_format(dt.date(2025, 7, 29)) == "29 шілде 2025 ж."
        assert date_format(dt.date(2025, 7, 29), "SHORT_DATE_FORMAT") == "29.07.2025"
        assert number_format(Decimal("1234567.5"), decimal_pos=1, force_grouping=True) == "1\xa0234\xa0567,5"


def test_russian_dates_and_numbers():
    with translation.override("ru"):
        assert date_format(dt.date(2025, 7, 29)) == "29 июля 2025 г."
        assert number_format(Decimal("1234567.5"), decimal_pos=1, force_grouping=True) == "1\xa0234\xa0567,5"


def test_english_dates_are_day_first():
    with translation.override("en"):
        assert date_format(dt.date(2025, 7, 29)) == "29 July 2025"
        assert number_format(Decimal("1234567.5"), decimal_pos=1, force_grouping=True) == "1,234,567.5"
