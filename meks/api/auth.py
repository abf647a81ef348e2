"""Obtaining an API token with a user name and password.

The credentials go through ``django.contrib.auth.authenticate`` with the request, so django-axes counts
failures and refuses a locked-out user name and address exactly as on the log-in page. The endpoint is
throttled (scope ``token``).
"""

from __future__ import annotations

from django.contrib.auth import authenticate, user_logged_in
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from .common import VALIDATION_RESPONSE, ErrorSerializer


class LockedOut(exceptions.APIException):
    """django-axes refused the attempt: too many failures for this user name from this address."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = _(
        "Too many failed sign-in attempts: signing in with this user name from this address is blocked for a "
        "while. Try again later or ask the administrator to unblock it."
    )
    default_code = "locked_out"


class TokenThrottle(ScopedRateThrottle):
    """The ``token`` scope's rate, per client address.

    With no ``NUM_PROXIES`` configured, DRF would take the client's address from ``X-Forwarded-For``, which a
    client can set to anything; then, as django-axes is configured, the connection's own address is used.
    """

    def get_ident(self, request: Request) -> str:
        if api_settings.NUM_PROXIES is None:
            return request.META.get("REMOTE_ADDR", "")
        return super().get_ident(request)


class TokenRequestSerializer(serializers.Serializer):
    """The credentials of a user account."""

    username = serializers.CharField(max_length=150, help_text=_("User name."))
    password = serializers.CharField(
        max_length=128, trim_whitespace=False, write_only=True, style={"input_type": "password"},
        help_text=_("Password."),
    )


class TokenSerializer(serializers.Serializer):
    """The user's API token."""

    token = serializers.CharField(
        help_text=_("Send it with every request as the header `Authorization: Token <token>`.")
    )


class TokenObtainView(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (TokenThrottle,)
    throttle_scope = "token"

    @extend_schema(
        summary=_("Obtain an API token"),
        tags=["auth"],
        description=_(
            "Exchanges a user name and password for the user's API token. Repeated failures block the user "
            "name from the client's address for a while; requests are rate-limited."
        ),
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: VALIDATION_RESPONSE,
            429: OpenApiResponse(ErrorSerializer, description=_("Blocked after failed attempts, or too many requests.")),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        credentials = TokenRequestSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        user = authenticate(
            request=request,
            username=credentials.validated_data["username"],
            password=credentials.validated_data["password"],
        )
        if user is None:
            if getattr(request, "axes_locked_out", False):
                raise LockedOut
            return Response(
                {"detail": _("Unable to sign in with the user name and password given.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        # What a log-in does: records it (axes access log, last log-in) and clears the failures counted.
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        token, _created_now = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

