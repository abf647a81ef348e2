"""Property tests of the identifier, phone, period, time, number and cell validators.

Each validator is given the inputs it is meant for (they must be accepted and come back the same) and
arbitrary input (it must answer with its documented refusal and nothing else). Example counts are bounded
and the runs derandomized, so the suite is quick and stable.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from meks.appeals.services import normalize_phone
from meks.core.errors import ServiceError
from meks.core.validators import (
    business_identification_number_problem,
    control_digit,
    validate_bin,
    validate_settlement_kato,
    with_control_digit,
)
from meks.indicators.periods import PeriodError, parse_period
from meks.metering.ingest import LOCAL, milli_text, parse_time, parse_value
from meks.portfolio.excel import layout as L
from meks.portfolio.excel.reader import CellError, parse_cell

FAST = settings(max_examples=150, derandomize=True, database=None, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])
ASCII_DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=1)
#: Text that mixes what the validators must refuse: other scripts' digits, blanks, signs, letters, controls.
ANY_TEXT = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="0123456789٠١٢٣٤٥٦٧٨٩０１２３４５６７８９ +-()\n\t.,eEQq", max_size=16),
)


def eleven_digits():
    return st.text(alphabet="0123456789", min_size=11, max_size=11)


# --- BIN and IIN --------------------------------------------------------------------------------------------


@FAST
@given(first=eleven_digits())
def test_a_completed_bin_is_valid_and_keeps_its_digits(first):
    number = with_control_digit(first)
    if number is None:  # about one number in 121 has no valid control digit
        assert control_digit(first) is None
        assert business_identification_number_problem(first + "0") is not None
        return
    assert number[:11] == first and len(number) == 12
    assert business_identification_number_problem(number) is None
    validate_bin(number)


@FAST
@given(first=eleven_digits(), wrong=ASCII_DIGITS)
def test_a_bin_with_another_control_digit_is_refused(first, wrong):
    number = with_control_digit(first)
    if number is None or number[-1] == wrong:
        return
    with pytest.raises(ValidationError) as refused:
        validate_bin(first + wrong)
    assert refused.value.code == "invalid_bin"


#: A valid BIN written in Arabic-Indic digits: ``int`` reads them, a register does not.
ARABIC_BIN = "000740000143".translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))


@FAST
@example(value=ARABIC_BIN)
@example(value="00074000014\n")
@given(value=ANY_TEXT)
def test_any_text_is_a_valid_bin_or_refused_with_the_documented_error(value):
    try:
        validate_bin(value)
    except ValidationError as error:
        assert error.code == "invalid_bin"
        assert business_identification_number_problem(value) is not None
    else:
        # Accepted: twelve ASCII digits (digits of other scripts would pass ``int`` but are not a BIN).
        assert re.fullmatch(r"[0-9]{12}", value)


# --- KATO codes ---------------------------------------------------------------------------------------------


@FAST
@given(code=st.text(alphabet="0123456789", min_size=9, max_size=9).filter(lambda text: set(text) != {"0"}))
def test_nine_ascii_digits_are_a_kato_code(code):
    validate_settlement_kato(code)


@FAST
@example(value="٣٥١٠٠٠٠٠١")
@given(value=ANY_TEXT)
def test_any_text_is_a_kato_code_or_refused(value):
    try:
        validate_settlement_kato(value)
    except ValidationError as error:
        assert error.code == "invalid_kato"
    else:
        assert re.fullmatch(r"[0-9]{9}", value) and set(value) != {"0"}


# --- phone numbers ------------------------------------------------------------------------------------------


@FAST
@given(
    number=st.text(alphabet="0123456789", min_size=10, max_size=10),
    prefix=st.sampled_from(["+7", "8", "7"]),
    spacing=st.sampled_from(["{p}{n}", "{p} {a} {b} {c} {d}", "{p} ({a}) {b}-{c}-{d}", "{p}({a}){b}{c}{d}"]),
)
def test_a_kazakhstan_number_in_any_usual_writing_normalizes_to_one_form(number, prefix, spacing):
    written = spacing.format(p=prefix, n=number, a=number[:3], b=number[3:6], c=number[6:8], d=number[8:])
    assert normalize_phone(written) == "+7" + number


@FAST
@example(value="+7٧٠١٢٣٤٥٦٧٨")
@given(value=ANY_TEXT)
def test_any_text_is_a_phone_or_refused(value):
    try:
        phone = normalize_phone(value)
    except ServiceError as error:
        assert error.code == "invalid_phone"
    else:
        assert re.fullmatch(r"\+7[0-9]{10}", phone)


# --- indicator periods --------------------------------------------------------------------------------------


@FAST
@given(year=st.integers(1, 9999), quarter=st.integers(1, 4), month=st.integers(1, 12))
def test_written_periods_round_trip(year, quarter, month):
    assert parse_period(f"{year:04d}").start == dt.date(year, 1, 1)
    assert parse_period(f"{year:04d}-Q{quarter}").start == dt.date(year, 3 * quarter - 2, 1)
    assert parse_period(f"{year:04d}-{month:02d}").start == dt.date(year, month, 1)
    if year >= 1000:
        assert parse_period(year).start == dt.date(year, 1, 1)  # a year cell Excel stored as a number


@FAST
@example(value="0000")
@example(value="0000-Q1")
@example(value="0000-05")
@given(value=st.one_of(ANY_TEXT, st.integers(), st.floats(), st.none(), st.booleans()))
def test_any_cell_is_a_period_or_refused_with_a_period_error(value):
    try:
        parse_period(value)
    except PeriodError as error:
        assert str(error)


# --- meter reading times and values -------------------------------------------------------------------------


@FAST
@given(moment=st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1),
                           timezones=st.just(dt.UTC)))
def test_reading_times_round_trip(moment):
    assert parse_time(moment.isoformat()) == moment
    if moment.year >= 2005:  # Kazakhstan has kept no summer time since 2005: every local time is unambiguous
        written = moment.astimezone(LOCAL).strftime("%d.%m.%Y %H:%M:%S")
        assert parse_time(written) == moment.replace(microsecond=0)


@FAST
@example(value="0001-01-01T00:00:00")
@example(value="9999-12-31T23:59:59-05:00")
@given(value=st.one_of(ANY_TEXT, st.datetimes().map(lambda moment: moment.isoformat())))
def test_any_text_is_a_reading_time_or_none(value):
    moment = parse_time(value)
    assert moment is None or moment.utcoffset() == dt.timedelta(0)


@FAST
@given(milli=st.integers(0, 10**14 - 1))
def test_reading_values_round_trip_in_thousandths(milli):
    assert parse_value(milli_text(milli)) == milli


@FAST
@given(value=st.one_of(ANY_TEXT, st.floats().map(str), st.decimals().map(str)))
def test_any_text_is_a_reading_value_or_none(value):
    milli = parse_value(value)
    assert milli is None or 0 <= milli <= 10**14


# --- cells of the portfolio workbook ------------------------------------------------------------------------

CELL_KINDS = [L.TEXT, L.DECIMAL, L.INTEGER, L.DATE, L.MONTH, L.YES_NO, L.REGION, L.SETTLEMENT, L.OWNER]
CELLS = st.one_of(
    ANY_TEXT, st.integers(), st.floats(), st.booleans(), st.dates(), st.datetimes(),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from(["1e999999999", "-1E+30", "0000-01", "0000-01-01", "31.02.2025", "yes", "Жоқ", "2025-13"]),
)


@FAST
@given(kind=st.sampled_from(CELL_KINDS), value=CELLS)
def test_any_cell_is_read_or_refused_with_a_cell_error(kind, value):
    try:
        parsed = parse_cell(L.Column(key="probe", label="probe", kind=kind), value)
    except CellError as error:
        assert str(error)
    else:
        if kind == L.INTEGER:
            assert isinstance(parsed, int) and abs(parsed) < 10**18
        if kind == L.DECIMAL:
            assert isinstance(parsed, Decimal) and parsed.is_finite() and abs(parsed) < 10**18
        if kind in (L.DATE, L.MONTH):
            assert isinstance(parsed, dt.date)


@FAST
@given(number=st.decimals(min_value=-(10**12), max_value=10**12, places=2), day=st.dates(min_value=dt.date(1000, 1, 1)))
def test_cells_the_platform_writes_read_back_the_same(number, day):
    assert parse_cell(L.Column(key="n", label="n", kind=L.DECIMAL), str(number)) == number
    assert parse_cell(L.Column(key="d", label="d", kind=L.DATE), day.isoformat()) == day
    assert parse_cell(L.Column(key="m", label="m", kind=L.MONTH), day.strftime("%Y-%m")) == day.replace(day=1)
