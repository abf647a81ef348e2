"""Identifiers the demo data set invents: valid BINs that no other demo organization has."""

from __future__ import annotations

import random

from meks.accounts.models import Organization
from meks.core.validators import with_control_digit


def demo_bin(rng: random.Random, registered: str = "0") -> str:
    """A valid BIN: registration year and month, the legal-entity marker 4, a serial and the control digit."""
    while True:
        year = rng.randint(0, 24)
        month = rng.randint(1, 12)
        body = f"{year:02d}{month:02d}4{registered}{rng.randint(0, 99999):05d}"
        full = with_control_digit(body)
        if full and not Organization.objects.filter(bin=full).exists():
            return full
