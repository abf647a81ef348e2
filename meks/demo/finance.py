"""Demo finance: filled in by its domain."""


def build_finance(*, rng) -> None:
    """Nothing yet."""
