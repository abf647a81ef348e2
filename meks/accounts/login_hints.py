"""What the log-in page may show besides the form (the demo data set registers its accounts here)."""

from collections.abc import Callable

_PROVIDERS: list[Callable[[], dict]] = []


def register(provider: Callable[[], dict]) -> None:
    """Add a provider of extra log-in page context."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def login_context() -> dict:
    """Extra context for the log-in page from every provider."""
    context: dict = {}
    for provider in _PROVIDERS:
        context.update(provider())
    return context
