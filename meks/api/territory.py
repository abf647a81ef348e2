"""REST endpoints of territories: regions (read-only) and settlements (read, and change through the service)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from meks.territory.choices import SettlementKind, VillageSpecialization
from meks.territory.models import Region, Settlement
from meks.territory.selectors import (
    region_get,
    region_list,
    settlement_can_edit,
    settlement_get,
    settlement_list,
)
from meks.territory.services import SETTLEMENT_EDITABLE_FIELDS, settlement_update

from .common import (
    AUTH_RESPONSES,
    CONFLICT_RESPONSE,
    NOT_FOUND_RESPONSE,
    VALIDATION_RESPONSE,
    ApiViewMixin,
    VersionedChangeMixin,
    VersionedUpdateMixin,
)

NAME_HELP = {
    "name_ru": {"help_text": _("Name in Russian.")},
    "name_kk": {"help_text": _("Name in Kazakh (empty when not yet translated).")},
    "name_en": {"help_text": _("Name in English (empty when not yet translated).")},
}


class RegionSerializer(serializers.ModelSerializer):
    """A region or a city of republican significance."""

    name = serializers.CharField(read_only=True, help_text=_("Name in the language of the request."))
    kind_label = serializers.CharField(
        source="get_kind_display", read_only=True, help_text=_("The kind, in the language of the request.")
    )
    settlement_count = serializers.IntegerField(read_only=True, help_text=_("Number of settlements registered in the region."))
    monotown_count = serializers.IntegerField(read_only=True, help_text=_("Number of monotowns among them."))
    centre = serializers.CharField(read_only=True, help_text=_("Administrative centre, in the language of the request."))

    class Meta:
        model = Region
        fields = [
            "kato", "iso_code", "kind", "kind_label", "name", "name_ru", "name_kk", "name_en",
            "centre", "centre_ru", "centre_kk", "centre_en", "population", "latitude", "longitude", "settlement_count", "monotown_count",
        ]
        read_only_fields = fields
        extra_kwargs = {
            **NAME_HELP,
            "kato": {"help_text": _("Two-digit KATO code of the region; identifies it in URLs.")},
            "iso_code": {"help_text": _("ISO 3166-2 code, e.g. KZ-35.")},
            "kind": {"help_text": _("Region (oblast) or city of republican significance.")},
            "centre_ru": {"help_text": _("Administrative centre, in Russian.")},
            "centre_kk": {"help_text": _("Administrative centre, in Kazakh.")},
            "centre_en": {"help_text": _("Administrative centre, in English.")},
            "population": {"help_text": _("Population on 1 January 2023; null when unknown.")},
            "latitude": {"help_text": _("Latitude of the administrative centre, degrees.")},
            "longitude": {"help_text": _("Longitude of the administrative centre, degrees.")},
        }


class SettlementSerializer(serializers.ModelSerializer):
    """A city, town or village."""

    name = serializers.CharField(read_only=True, help_text=_("Name in the language of the request."))
    kind_label = serializers.CharField(
        source="get_kind_display", read_only=True, help_text=_("The kind, in the language of the request.")
    )
    main_industry = serializers.CharField(
        read_only=True, help_text=_("The industry a monotown depends on, in the language of the request.")
    )
    region = serializers.SlugRelatedField(
        slug_field="kato", read_only=True, help_text=_("KATO code of the settlement's region.")
    )
    district = serializers.SlugRelatedField(
        slug_field="kato", read_only=True, allow_null=True,
        help_text=_("KATO code of the settlement's district; null when none."),
    )
    # Declared so that the schema admits the empty string a town carries (a read-only field built from the
    # model would lose ``allow_blank``).
    village_specialization = serializers.ChoiceField(
        choices=VillageSpecialization.choices, read_only=True, allow_blank=True,
        help_text=_("What a village's economy rests on; empty for towns."),
    )

    class Meta:
        model = Settlement
        fields = [
            "id", "kato", "name", "name_ru", "name_kk", "name_en", "kind", "kind_label", "region", "district",
            "population", "is_regional_centre", "is_monotown", "main_industry", "main_industry_ru",
            "main_industry_kk", "main_industry_en", "village_specialization", "version", "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            **NAME_HELP,
            "id": {"help_text": _("Identifier of the settlement; used in URLs.")},
            "kato": {"help_text": _("Nine-digit KATO code; starts with the region's code.")},
            "kind": {"help_text": _("City, town or village.")},
            "population": {"help_text": _("Population; null when unknown.")},
            "is_regional_centre": {"help_text": _("True for the administrative centre of a region.")},
            "is_monotown": {"help_text": _("True for a single-industry town (monotown).")},
            "main_industry_ru": {"help_text": _("The industry a monotown depends on, in Russian.")},
            "main_industry_kk": {"help_text": _("The industry a monotown depends on, in Kazakh.")},
            "main_industry_en": {"help_text": _("The industry a monotown depends on, in English.")},
            "version": {"help_text": _("Version of the record: send it back with a change (optimistic locking).")},
            "updated_at": {"help_text": _("When the record was last changed.")},
        }


class SettlementChangeSerializer(VersionedChangeMixin, serializers.ModelSerializer):
    """A change of a settlement's attributes: only the fields sent are changed."""

    class Meta:
        model = Settlement
        fields = [*SETTLEMENT_EDITABLE_FIELDS, "version", "reason"]
        extra_kwargs = {
            name: {"required": False}
            for name in SETTLEMENT_EDITABLE_FIELDS
        } | {
            "name_ru": {"required": False, "help_text": _("Name in Russian.")},
            "name_kk": {"required": False, "help_text": _("Name in Kazakh.")},
            "name_en": {"required": False, "help_text": _("Name in English.")},
            "kind": {"required": False, "help_text": _("City, town or village.")},
            "population": {"required": False, "help_text": _("Population; null when unknown.")},
            "is_monotown": {"required": False, "help_text": _("True for a single-industry town (monotown).")},
            "main_industry_ru": {"required": False, "help_text": _("The industry a monotown depends on, in Russian.")},
            "main_industry_kk": {"required": False, "help_text": _("The industry a monotown depends on, in Kazakh.")},
            "main_industry_en": {"required": False, "help_text": _("The industry a monotown depends on, in English.")},
            "village_specialization": {
                "required": False, "help_text": _("What a village's economy rests on; only a village has one."),
            },
        }


class SettlementFilterSerializer(serializers.Serializer):
    """Query parameters of the settlement list."""

    region = serializers.RegexField(
        r"^\d{2}$", required=False, help_text=_("Only settlements of the region with this two-digit KATO code.")
    )
    kind = serializers.ChoiceField(choices=SettlementKind.choices, required=False, help_text=_("Only this kind."))
    monotown = serializers.BooleanField(
        required=False, allow_null=True, default=None,
        help_text=_("true: monotowns only; false: all but monotowns; left out: all."),
    )
    q = serializers.CharField(
        required=False, max_length=100,
        help_text=_("Text to search for in the names (any language), or the start of a KATO code."),
    )
    ordering = serializers.ChoiceField(
        choices=[(key, key) for key in ("kato", "-kato", "name", "-name", "population", "-population",
                                        "kind", "-kind", "region", "-region")],
        required=False,
        help_text=_("Sort order: a column, with a leading minus for descending. KATO code by default."),
    )


LOOKUP_REGION = OpenApiParameter("kato", str, OpenApiParameter.PATH, description=_("Two-digit KATO code of the region."))
LOOKUP_SETTLEMENT = OpenApiParameter("id", int, OpenApiParameter.PATH, description=_("Identifier of the settlement."))


@extend_schema(tags=["territory"])
@extend_schema_view(
    list=extend_schema(
        summary=_("Regions"),
        description=_("The regions the user's roles cover (all 20 for a national role), by KATO code."),
        responses={200: RegionSerializer(many=True), **AUTH_RESPONSES},
    ),
    retrieve=extend_schema(
        summary=_("One region"),
        description=_("One region by its KATO code; 404 when it does not exist or the user's roles do not cover it."),
        parameters=[LOOKUP_REGION],
        responses={200: RegionSerializer, **AUTH_RESPONSES, 404: NOT_FOUND_RESPONSE},
    ),
)
class RegionViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = RegionSerializer
    queryset = Region.objects.none()  # names the model for the schema; rows come from the selectors
    lookup_field = "kato"
    lookup_value_regex = r"\d{2}"

    def get_queryset(self) -> Any:
        return region_list(user=self.request.user)

    def get_object(self) -> Region:
        return region_get(user=self.request.user, kato=self.kwargs["kato"])


@extend_schema(tags=["territory"])
@extend_schema_view(
    retrieve=extend_schema(
        summary=_("One settlement"),
        description=_("One settlement; 404 when it does not exist or lies outside the regions the user's roles cover."),
        parameters=[LOOKUP_SETTLEMENT],
        responses={200: SettlementSerializer, **AUTH_RESPONSES, 404: NOT_FOUND_RESPONSE},
    ),
)
class SettlementViewSet(ApiViewMixin, VersionedUpdateMixin, viewsets.GenericViewSet):
    serializer_class = SettlementSerializer
    change_serializer_class = SettlementChangeSerializer
    forbidden_message = _("You may not edit settlements of this region.")
    queryset = Settlement.objects.none()  # names the model for the schema; rows come from the selectors
    parser_classes = (JSONParser,)
    lookup_value_regex = r"\d+"

    def get_object(self) -> Settlement:
        return settlement_get(user=self.request.user, pk=int(self.kwargs["pk"]))

    @extend_schema(
        summary=_("Settlements"),
        description=_("Settlements of the regions the user's roles cover, filtered and paginated."),
        parameters=[SettlementFilterSerializer],
        responses={200: SettlementSerializer(many=True), 400: VALIDATION_RESPONSE, **AUTH_RESPONSES},
    )
    def list(self, request: Request) -> Response:
        filters = SettlementFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        options = dict(filters.validated_data)
        queryset = settlement_list(user=request.user, search=options.pop("q", None), **options)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary=_("Change a settlement"),
        description=_(
            "Changes the fields sent. The project office may change any settlement, an akimat those of its "
            "region. `version` must be the version read: if the settlement changed since, nothing is saved "
            "and the answer is 409. The change and its reason are kept in the settlement's history."
        ),
        parameters=[LOOKUP_SETTLEMENT],
        request=SettlementChangeSerializer,
        responses={
            200: SettlementSerializer,
            400: VALIDATION_RESPONSE,
            **AUTH_RESPONSES,
            404: NOT_FOUND_RESPONSE,
            409: CONFLICT_RESPONSE,
            415: OpenApiResponse(description=_("The body is not JSON.")),
        },
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        return self.versioned_update(request)

    def may_edit(self, instance: Settlement) -> bool:
        return settlement_can_edit(user=self.request.user, settlement=instance)

    def apply_change(self, instance: Settlement, *, version: int, reason: str, changes: dict[str, Any]) -> Settlement:
        return settlement_update(
            actor=self.request.user, settlement=instance, expected_version=version, reason=reason, **changes
        )
