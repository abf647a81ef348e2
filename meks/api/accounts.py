"""REST endpoints of organizations (read, and change through the service) and of the signed-in user."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from meks.accounts.choices import Language, OrganizationKind
from meks.accounts.models import Organization
from meks.accounts.selectors import organization_editable_fields, organization_get, organization_list
from meks.accounts.services import ORGANIZATION_EDITABLE_FIELDS, organization_update
from meks.core.access import Role, scope_of
from meks.core.validators import validate_bin
from meks.territory.models import Region
from meks.territory.selectors import region_list

from .common import (
    AUTH_RESPONSES,
    CONFLICT_RESPONSE,
    NOT_FOUND_RESPONSE,
    VALIDATION_RESPONSE,
    ApiViewMixin,
    VersionedChangeMixin,
    VersionedUpdateMixin,
)
from .territory import NAME_HELP


class OrganizationSerializer(serializers.ModelSerializer):
    """A body, company or bank working on the platform."""

    name = serializers.CharField(read_only=True, help_text=_("Name in the language of the request."))
    kind_label = serializers.CharField(
        source="get_kind_display", read_only=True, help_text=_("The kind, in the language of the request.")
    )
    region = serializers.SlugRelatedField(
        slug_field="kato", read_only=True, allow_null=True,
        help_text=_("KATO code of the region the organization belongs to; null for national bodies."),
    )
    member_count = serializers.IntegerField(read_only=True, help_text=_("Number of users who belong to the organization."))
    # Declared so that the schema admits the empty string an organization without an e-mail carries
    # (a read-only field built from the model would lose ``allow_blank``).
    email = serializers.EmailField(read_only=True, allow_blank=True, help_text=_("Contact e-mail; empty when none."))

    class Meta:
        model = Organization
        fields = [
            "id", "name", "name_ru", "name_kk", "name_en", "kind", "kind_label", "bin", "region",
            "address", "phone", "email", "is_active", "member_count", "version", "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            **NAME_HELP,
            "id": {"help_text": _("Identifier of the organization; used in URLs.")},
            "kind": {"help_text": _("What the organization is: akimat, utility, bank, contractor…")},
            "bin": {"help_text": _("Business identification number: 12 digits with a control digit.")},
            "address": {"help_text": _("Postal address.")},
            "phone": {"help_text": _("Contact phone.")},
            "is_active": {"help_text": _("False once the organization no longer works on the platform.")},
            "version": {"help_text": _("Version of the record: send it back with a change (optimistic locking).")},
            "updated_at": {"help_text": _("When the record was last changed.")},
        }


class OrganizationChangeSerializer(VersionedChangeMixin, serializers.ModelSerializer):
    """A change of an organization: only the fields sent are changed, within those the user may change."""

    region = serializers.SlugRelatedField(
        slug_field="kato", queryset=Region.objects.none(), required=False, allow_null=True,
        help_text=_("KATO code of the organization's region; null for a national body."),
    )

    class Meta:
        model = Organization
        fields = [*ORGANIZATION_EDITABLE_FIELDS, "version", "reason"]
        extra_kwargs = {name: {"required": False} for name in ORGANIZATION_EDITABLE_FIELDS} | {
            "name_ru": {"required": False, "help_text": _("Name in Russian.")},
            "name_kk": {"required": False, "help_text": _("Name in Kazakh.")},
            "name_en": {"required": False, "help_text": _("Name in English.")},
            "kind": {"required": False, "help_text": _("What the organization is.")},
            # Uniqueness is checked by the service, which validates the whole record.
            "bin": {"required": False, "validators": [validate_bin],
                    "help_text": _("Business identification number: 12 digits with a control digit.")},
            "address": {"required": False, "help_text": _("Postal address.")},
            "phone": {"required": False, "help_text": _("Contact phone.")},
            "email": {"required": False, "help_text": _("Contact e-mail.")},
            "is_active": {"required": False, "help_text": _("False once the organization no longer works here.")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["region"].queryset = region_list(user=request.user)

    def validate_bin(self, value: str | None) -> str | None:
        """An empty BIN means none."""
        return value or None


class OrganizationFilterSerializer(serializers.Serializer):
    """Query parameters of the organization list."""

    kind = serializers.ChoiceField(choices=OrganizationKind.choices, required=False, help_text=_("Only this kind."))
    region = serializers.RegexField(
        r"^\d{2}$", required=False, help_text=_("Only organizations of the region with this two-digit KATO code.")
    )
    q = serializers.CharField(
        required=False, max_length=100, help_text=_("Text to search for in the names (any language), or a BIN's start."),
    )


class OrganizationBriefSerializer(serializers.ModelSerializer):
    """The organization a user belongs to."""

    name = serializers.CharField(read_only=True, help_text=_("Name in the language of the request."))

    class Meta:
        model = Organization
        fields = ["id", "name", "name_ru", "name_kk", "name_en", "kind"]
        read_only_fields = fields
        extra_kwargs = {
            **NAME_HELP,
            "id": {"help_text": _("Identifier of the organization.")},
            "kind": {"help_text": _("What the organization is.")},
        }


class RoleSerializer(serializers.Serializer):
    """A role the user holds and where it applies."""

    role = serializers.ChoiceField(choices=Role.choices, help_text=_("The role."))
    label = serializers.CharField(help_text=_("The role, in the language of the request."))
    national = serializers.BooleanField(help_text=_("True when the role covers the whole country."))
    regions = serializers.ListField(
        child=serializers.CharField(), help_text=_("KATO codes of the regions the role covers; empty when national."),
    )


class MeSerializer(serializers.Serializer):
    """The signed-in user."""

    username = serializers.CharField(help_text=_("User name."))
    full_name = serializers.CharField(help_text=_("Surname, first name and patronymic."))
    organization = OrganizationBriefSerializer(allow_null=True, help_text=_("The user's organization; null if none."))
    language = serializers.ChoiceField(choices=Language.choices, help_text=_("The interface language the user chose."))
    roles = RoleSerializer(many=True, help_text=_("The roles held, each with the regions it covers."))


LOOKUP_ORGANIZATION = OpenApiParameter(
    "id", int, OpenApiParameter.PATH, description=_("Identifier of the organization.")
)


@extend_schema(tags=["accounts"])
@extend_schema_view(
    retrieve=extend_schema(
        summary=_("One organization"),
        description=_("One organization; 404 when it does not exist or the user may not see it."),
        parameters=[LOOKUP_ORGANIZATION],
        responses={200: OrganizationSerializer, **AUTH_RESPONSES, 404: NOT_FOUND_RESPONSE},
    ),
)
class OrganizationViewSet(ApiViewMixin, VersionedUpdateMixin, viewsets.GenericViewSet):
    serializer_class = OrganizationSerializer
    change_serializer_class = OrganizationChangeSerializer
    forbidden_message = _("You may not edit this organization.")
    queryset = Organization.objects.none()  # names the model for the schema; rows come from the selectors
    parser_classes = (JSONParser,)
    lookup_value_regex = r"\d+"

    def get_object(self) -> Organization:
        return organization_get(user=self.request.user, pk=int(self.kwargs["pk"]))

    @extend_schema(
        summary=_("Organizations"),
        description=_(
            "The national public bodies, the user's own organization and the organizations of the regions the "
            "user's roles cover; filtered and paginated."
        ),
        parameters=[OrganizationFilterSerializer],
        responses={200: OrganizationSerializer(many=True), 400: VALIDATION_RESPONSE, **AUTH_RESPONSES},
    )
    def list(self, request: Request) -> Response:
        filters = OrganizationFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        options = dict(filters.validated_data)
        queryset = organization_list(user=request.user, search=options.pop("q", None), **options)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary=_("Change an organization"),
        description=_(
            "Changes the fields sent. The project office may change every field; a member of the organization "
            "its address, phone and e-mail. `version` must be the version read: if the organization changed "
            "since, nothing is saved and the answer is 409."
        ),
        parameters=[LOOKUP_ORGANIZATION],
        request=OrganizationChangeSerializer,
        responses={
            200: OrganizationSerializer,
            400: VALIDATION_RESPONSE,
            **AUTH_RESPONSES,
            404: NOT_FOUND_RESPONSE,
            409: CONFLICT_RESPONSE,
            415: OpenApiResponse(description=_("The body is not JSON.")),
        },
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        return self.versioned_update(request)

    def may_edit(self, instance: Organization) -> bool:
        return bool(organization_editable_fields(user=self.request.user, organization=instance))

    def apply_change(
        self, instance: Organization, *, version: int, reason: str, changes: dict[str, Any]
    ) -> Organization:
        return organization_update(
            actor=self.request.user, organization=instance, expected_version=version, reason=reason, **changes
        )


def _roles(user: Any) -> list[dict[str, Any]]:
    """The user's roles in the order of ``Role``, each with the KATO codes of the regions it covers."""
    scope = scope_of(user)
    if scope.is_empty:
        return []
    kato_of = {region.pk: region.kato for region in region_list(user=user)}
    roles = []
    for role in Role:
        if role not in scope.role_regions:
            continue
        regions = scope.role_regions[role]
        roles.append({
            "role": role.value,
            "label": str(role.label),
            "national": regions is None,
            "regions": sorted(kato_of[pk] for pk in regions or ()),
        })
    return roles


class MeView(ApiViewMixin, APIView):
    @extend_schema(
        summary=_("The signed-in user"),
        tags=["accounts"],
        description=_("User name, full name, organization, language and the roles held with the regions each covers."),
        responses={200: MeSerializer, **AUTH_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        user = request.user
        data = {
            "username": user.username,
            "full_name": user.get_full_name(),
            "organization": user.organization,
            "language": user.language,
            "roles": _roles(user),
        }
        return Response(MeSerializer(data, context={"request": request}).data)
