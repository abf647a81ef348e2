"""Helpers for model fields kept in each of the platform's languages (``<field>_ru``, ``_kk``, ``_en``)."""

from django.utils.translation import get_language

FALLBACK_LANGUAGE = "ru"


def localized(instance: object, field: str, language: str | None = None) -> str:
    """The value of ``field`` in ``language`` (the active one by default), else its Russian value."""
    code = (language or get_language() or FALLBACK_LANGUAGE).split("-")[0]
    value = getattr(instance, f"{field}_{code}", "") or ""
    return value or getattr(instance, f"{field}_{FALLBACK_LANGUAGE}", "") or ""


def localized_field_name(field: str, language: str | None = None) -> str:
    """The column that holds ``field`` in ``language``, for ordering and searching in the database."""
    code = (language or get_language() or FALLBACK_LANGUAGE).split("-")[0]
    return f"{field}_{code}" if code in {"ru", "kk", "en"} else f"{field}_{FALLBACK_LANGUAGE}"
