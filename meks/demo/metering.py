"""Demo metering: filled in by its domain."""


def build_metering(*, rng) -> None:
    """Nothing yet."""
