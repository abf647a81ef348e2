"""Errors that services raise; each carries a message fit to show the user."""

from django.core.exceptions import ValidationError


class ServiceError(ValidationError):
    """A refused write: nothing was changed, and the message says why."""


class ConcurrentEditError(ServiceError):
    """The record changed after the user opened it; the message says who changed what."""


class TransitionError(ServiceError):
    """A lifecycle move that is not allowed from the current state or for this user."""
