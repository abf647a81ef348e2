"""Money in tenge: always ``Decimal``, never float, with a model field of one fixed shape."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

TENGE_QUANTUM = Decimal("0.01")
BILLION = Decimal("1000000000")


class TengeField(models.DecimalField):
    """An amount in tenge, up to 10^16 with two decimals."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_digits") == 18:
            del kwargs["max_digits"]
        if kwargs.get("decimal_places") == 2:
            del kwargs["decimal_places"]
        return name, path, args, kwargs


def to_tenge(value: object) -> Decimal:
    """Convert a number or numeric string to tenge, rounded half up to the tiyn."""
    if isinstance(value, float):
        value = repr(value)
    return Decimal(str(value)).quantize(TENGE_QUANTUM, rounding=ROUND_HALF_UP)


def in_billions(value: Decimal | None) -> Decimal:
    """An amount in billions of tenge with one decimal, as the project office reports it."""
    return (Decimal(value or 0) / BILLION).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


UNIT_BN_TENGE = _("bn tenge")
