"""The demo producers (to be built)."""

import random


def build_producers(*, rng: random.Random) -> None:
    """Nothing yet."""
