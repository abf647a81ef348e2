"""Pieces every API module shares: authentication order, error bodies, and turning service refusals into answers.

Services raise Django ``ValidationError`` subclasses (``ServiceError``, ``ConcurrentEditError``); an endpoint
that calls a service wraps the call in ``service_errors()`` so that each refusal becomes the HTTP answer that
fits it: 409 for a stale version, 403 for a refused right, 400 for bad input.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.settings import api_settings

from meks.core.errors import ConcurrentEditError


class Conflict(exceptions.APIException):
    """The record changed after the client read it; the detail says who changed what."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The record was changed by someone else. Reload it and try again.")
    default_code = "conflict"


class ApiViewMixin:
    # Defaults of the platform's endpoints (kept out of the docstring, which the schema would show).
    # Token authentication comes first, so that an anonymous client is answered 401 with a
    # ``WWW-Authenticate: Token`` challenge; a browser session works as well. Filtering is done by the
    # selectors, with the parameters each endpoint declares, so DRF's generic filter backends are off.
    authentication_classes = (TokenAuthentication, SessionAuthentication)
    filter_backends = ()


class ErrorSerializer(serializers.Serializer):
    """The body of a refusal."""

    detail = serializers.CharField(help_text=_("Why the request was refused, in the client's language."))


class VersionedChangeMixin(serializers.Serializer):
    """The fields every change request carries: the version it was made against and an optional reason.

    A change names only the fields it changes (each is optional) but always carries ``version``. The
    serializer is therefore never "partial" in DRF's sense, whatever the HTTP method: DRF would otherwise
    stop requiring ``version`` on PATCH, and the schema would stop saying it is required. Endpoints taking a
    change accept JSON only, where a field left out is really left out. Fields the endpoint does not know
    are refused rather than silently dropped.
    """

    version = serializers.IntegerField(
        min_value=1,
        help_text=_("The version of the record the change was made against (optimistic locking); "
                    "a change against an older version is refused with 409."),
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=500,
        help_text=_("Optional reason for the change; kept in the record's history."),
    )

    @property
    def partial(self) -> bool:
        return False

    @partial.setter
    def partial(self, value: bool) -> None:
        """Ignored: see the class's description."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {name: [_("This field does not exist or cannot be changed.")] for name in unknown}
            )
        return attrs

    def changes(self) -> tuple[int, str, dict[str, Any]]:
        """The expected version, the reason and the field changes of a valid request."""
        data = dict(self.validated_data)
        version = data.pop("version")
        reason = data.pop("reason", "")
        return version, reason, data


def _drf_detail(error: DjangoValidationError) -> Any:
    if hasattr(error, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
            for field, messages in error.message_dict.items()
        }
    return {"detail": " ".join(str(message) for message in error.messages)}


@contextmanager
def service_errors() -> Iterator[None]:
    """Turn a service's refusal into an API error: 409 stale version, 403 not allowed, 400 bad input."""
    try:
        yield
    except ConcurrentEditError as error:
        raise Conflict(" ".join(str(message) for message in error.messages)) from error
    except DjangoValidationError as error:
        if getattr(error, "code", None) == "forbidden":
            raise exceptions.PermissionDenied(" ".join(str(message) for message in error.messages)) from error
        raise exceptions.ValidationError(_drf_detail(error)) from error


@contextmanager
def service_errors_with_conflicts(codes: frozenset[str]) -> Iterator[None]:
    """``service_errors``, with the refusals whose code is in ``codes`` (due to the record's state) answered 409."""
    from meks.core.errors import ServiceError

    with service_errors():
        try:
            yield
        except ServiceError as error:
            if getattr(error, "code", None) in codes:
                raise Conflict(" ".join(str(message) for message in error.messages)) from error
            raise


class VersionedUpdateMixin:
    """A PATCH that changes a record through its service, against the version the client read.

    A viewset names its change serializer and says who may edit (``may_edit``) and how the change is
    applied (``apply_change``, which calls the domain's service); its ``partial_update`` keeps its own
    schema and calls ``versioned_update``. A record the user cannot see answers 404 (from ``get_object``),
    one the user sees but may not edit 403, a stale version 409.
    """

    change_serializer_class: type[serializers.Serializer]
    forbidden_message: Any = _("You may not change this record.")

    def may_edit(self, instance: Any) -> bool:
        raise NotImplementedError

    def apply_change(self, instance: Any, *, version: int, reason: str, changes: dict[str, Any]) -> Any:
        raise NotImplementedError

    def versioned_update(self, request: Any) -> Any:
        from rest_framework.response import Response

        instance = self.get_object()
        if not self.may_edit(instance):
            raise exceptions.PermissionDenied(self.forbidden_message)
        change = self.change_serializer_class(data=request.data, context=self.get_serializer_context())
        change.is_valid(raise_exception=True)
        version, reason, changes = change.changes()
        with service_errors():
            instance = self.apply_change(instance, version=version, reason=reason, changes=changes)
        return Response(self.get_serializer(instance).data)


#: Answers every endpoint that needs a signed-in user may give besides its success.
AUTH_RESPONSES = {
    401: OpenApiResponse(ErrorSerializer, description=_("Not signed in: send an `Authorization: Token …` header.")),
    403: OpenApiResponse(ErrorSerializer, description=_("Signed in, but not allowed to do this.")),
}
NOT_FOUND_RESPONSE = OpenApiResponse(
    ErrorSerializer, description=_("No such record, or one the user may not see: both answer the same.")
)
VALIDATION_RESPONSE = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description=_("Bad input: an object mapping each wrong field (or `detail`) to the reasons, nothing changed."),
)
CONFLICT_RESPONSE = OpenApiResponse(
    ErrorSerializer,
    description=_("The record changed since the version sent; the detail says who changed what. Nothing saved."),
)


class DateQuerySerializer(serializers.Serializer):
    """The ``on`` query parameter: the date figures are computed for, today when left out."""

    on = serializers.DateField(required=False, help_text=_("The date figures are computed for (YYYY-MM-DD); "
                                                             "today when left out."))

    def on_date(self) -> dt.date:
        return self.validated_data.get("on") or timezone.localdate()


def query_date(request: Any, serializer_class: type[DateQuerySerializer] = DateQuerySerializer) -> dt.date:
    """The ``on`` query parameter of a valid request; today when left out (400 when malformed)."""
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.on_date()
