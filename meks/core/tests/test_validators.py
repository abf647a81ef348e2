import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from meks.core.validators import (
    business_identification_number_problem,
    control_digit,
    validate_bin,
    validate_settlement_kato,
    with_control_digit,
)

eleven_digits = st.text(alphabet="0123456789", min_size=11, max_size=11)


def test_control_digit_known_example():
    # 12 digits with weights 1..11: 9*1+5*2+0*3+6*4+4*5+0*6+0*7+0*8+1*9+2*10+3*11 = 125; 125 % 11 = 4
    assert control_digit("95064000123") == 4
    assert business_identification_number_problem("950640001234") is None


def test_second_weight_pass_used_when_first_gives_ten():
    # 00000000019: first pass 1*10 + 9*11 = 109, 109 % 11 = 10, so the second weights apply:
    # 1*1 + 9*2 = 19, 19 % 11 = 8.
    assert sum(int(d) * w for d, w in zip("00000000019", range(1, 12), strict=True)) % 11 == 10
    assert control_digit("00000000019") == 8
    assert business_identification_number_problem("000000000198") is None


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@given(eleven_digits)
def test_completed_number_is_valid(first):
    full = with_control_digit(first)
    if full is None:
        assert "no valid control digit" in business_identification_number_problem(first + "0")
    else:
        validate_bin(full)


@given(eleven_digits, st.integers(min_value=0, max_value=9))
def test_any_other_last_digit_is_refused(first, last):
    full = with_control_digit(first)
    if full is not None and int(full[-1]) != last:
        with pytest.raises(ValidationError) as error:
            validate_bin(first + str(last))
        assert "control digit" in str(error.value)


@given(st.text(max_size=20).filter(lambda s: not (len(s) == 12 and s.isascii() and s.isdigit())))
def test_anything_but_twelve_digits_is_refused(value):
    assert business_identification_number_problem(value) == "must be exactly 12 digits"


@pytest.mark.parametrize("value", ["", "12345678", "1234567890", "000000000", "35100000a"])
def test_bad_kato_refused(value):
    with pytest.raises(ValidationError):
        validate_settlement_kato(value)


def test_good_kato_accepted():
    validate_settlement_kato("351000001")
