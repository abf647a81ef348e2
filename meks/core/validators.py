"""Validators of Kazakhstan's identifiers: BIN and IIN (12 digits with a control digit), KATO codes."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_FIRST_WEIGHTS = tuple(range(1, 12))
_SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def control_digit(first_eleven: str) -> int | None:
    """The control digit of a BIN or IIN from its first 11 digits; ``None`` when no digit is valid.

    The rule: the weighted sum with weights 1..11, modulo 11; if that gives 10, again with weights
    3..11, 1, 2; if that also gives 10, the number cannot be issued.
    """
    digits = [int(ch) for ch in first_eleven]
    for weights in (_FIRST_WEIGHTS, _SECOND_WEIGHTS):
        remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if remainder != 10:
            return remainder
    return None


def business_identification_number_problem(value: str) -> str | None:
    """What is wrong with a BIN or IIN, or ``None`` when it is well formed."""
    # [0-9], not \d: \d also matches the digits of other scripts, which ``int`` reads but no register issues.
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{12}", value):
        return str(_("must be exactly 12 digits"))
    expected = control_digit(value[:11])
    if expected is None:
        return str(_("no valid control digit exists for the first 11 digits"))
    if expected != int(value[11]):
        return str(_("the control digit is %(actual)s, expected %(expected)s")) % {
            "actual": value[11],
            "expected": expected,
        }
    return None


def validate_bin(value: str) -> None:
    """Raise a translated error naming the problem when ``value`` is not a valid BIN/IIN."""
    problem = business_identification_number_problem(value)
    if problem:
        raise ValidationError(_("Invalid BIN/IIN: %(problem)s.") % {"problem": problem}, code="invalid_bin")


def with_control_digit(first_eleven: str) -> str | None:
    """Complete 11 digits into a valid 12-digit BIN/IIN, or ``None`` when none exists."""
    digit = control_digit(first_eleven)
    return None if digit is None else f"{first_eleven}{digit}"


def validate_settlement_kato(value: str) -> None:
    """A settlement's KATO code: 9 digits, not all zeros."""
    if not re.fullmatch(r"[0-9]{9}", value or "") or set(value) == {"0"}:
        raise ValidationError(_("A KATO code has 9 digits."), code="invalid_kato")
