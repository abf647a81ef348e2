"""Demo indicators: filled in by its domain."""


def build_indicators(*, rng) -> None:
    """Nothing yet."""
