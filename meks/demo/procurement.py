"""The demo procurement (to be built)."""

import random


def build_procurement(*, rng: random.Random) -> None:
    """Nothing yet."""
