"""REST API of indicators and regional analytics (mounted under /api/v1/indicators/).

Read-only: the indicator catalogue, the monotown classification and the wear zoning with the funding
priority. Everything comes from the indicators' selectors; a signed-in user without a role that sees the
analytics (project office, ministries, technical operator, akimats, financial operator, banks, housing
company) is answered 403.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from meks.indicators.assessment import GROUP_THRESHOLDS
from meks.indicators.choices import Aggregation, Direction, Domain, Source, Unit, Zone
from meks.indicators.selectors import (
    can_view_analytics,
    funding_priority,
    indicator_get,
    indicator_list,
    monotown_assessment,
    monotown_years,
    wear_years,
    wear_zoning,
)
from meks.indicators.zoning import zone_thresholds

from .common import AUTH_RESPONSES, NOT_FOUND_RESPONSE, VALIDATION_RESPONSE, ApiViewMixin

TAG = "indicators"


class CanViewAnalytics(BasePermission):
    message = _("Indicators are open to the project office, ministries, the technical operator, akimats and "
                "the financing organizations.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return can_view_analytics(request.user)


class AnalyticsView(ApiViewMixin, APIView):
    permission_classes = (IsAuthenticated, CanViewAnalytics)


class YearQuerySerializer(serializers.Serializer):
    """The year asked for; the latest year with data when left out."""

    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100,
                                    help_text=_("The year (YYYY); the latest year with data when left out."))


class CatalogueQuerySerializer(serializers.Serializer):
    """Filters of the catalogue."""

    domain = serializers.ChoiceField(choices=Domain.choices, required=False,
                                     help_text=_("Only the indicators of this domain."))
    monotown = serializers.BooleanField(required=False, default=False,
                                        help_text=_("true: only the 78 indicators of the monotown assessment."))


class IndicatorSerializer(serializers.Serializer):
    """One indicator of the catalogue."""

    code = serializers.CharField(help_text=_("Code of the indicator."))
    name = serializers.CharField(help_text=_("The name, in the language of the request."))
    name_ru = serializers.CharField(help_text=_("The name in Russian."))
    name_kk = serializers.CharField(help_text=_("The name in Kazakh."))
    name_en = serializers.CharField(help_text=_("The name in English."))
    domain = serializers.ChoiceField(choices=Domain.choices, help_text=_("The domain it belongs to."))
    unit = serializers.ChoiceField(choices=Unit.choices, help_text=_("The unit of measure."))
    unit_label = serializers.CharField(source="get_unit_display", help_text=_("The unit, in the language of the request."))
    direction = serializers.ChoiceField(choices=Direction.choices, help_text=_("Whether higher or lower is better."))
    aggregation = serializers.ChoiceField(choices=Aggregation.choices,
                                          help_text=_("How values add up from settlements to regions."))
    weight = serializers.DecimalField(max_digits=5, decimal_places=2,
                                      help_text=_("Weight within its domain's sub-index: a decimal string."))
    source = serializers.ChoiceField(choices=Source.choices, help_text=_("Who supplies the values."))
    in_monotown_set = serializers.BooleanField(help_text=_("true for the 78 indicators of the monotown assessment."))


class MonotownSerializer(serializers.Serializer):
    """One monotown's place in the classification."""

    id = serializers.IntegerField(source="settlement.pk", help_text=_("Identifier of the settlement."))
    kato = serializers.CharField(source="settlement.kato", help_text=_("Nine-digit KATO code of the town."))
    name = serializers.CharField(source="settlement.name", help_text=_("The town, in the language of the request."))
    region = serializers.CharField(source="settlement.region.kato", help_text=_("Two-digit KATO code of its region."))
    rank = serializers.IntegerField(help_text=_("Place by composite index, 1 the highest."))
    index = serializers.DecimalField(max_digits=5, decimal_places=2,
                                     help_text=_("Composite index, 0–100, two decimals: a decimal string."))
    group = serializers.IntegerField(help_text=_("Group 1 (growth potential), 2 (stable) or 3 (low potential)."))
    group_label = serializers.CharField(source="score.group_label", help_text=_("The group, in the language of the request."))
    sub_indices = serializers.DictField(
        child=serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True),
        help_text=_("Sub-index of each of the ten domains, 0–100 (decimal strings); null without data."),
    )
    pulling_up = serializers.SerializerMethodField(help_text=_("Domains lifting the index most above the towns' mean."))
    pulling_down = serializers.SerializerMethodField(help_text=_("Domains holding the index most below the towns' mean."))
    previous_index = serializers.DecimalField(source="previous.index", max_digits=5, decimal_places=2, allow_null=True,
                                              default=None, help_text=_("Index of the previous year; null without data."))
    previous_group = serializers.IntegerField(allow_null=True, help_text=_("Group of the previous year; null without data."))
    measures = serializers.SerializerMethodField(help_text=_("Codes of the group's priority measures."))

    def get_pulling_up(self, town: Any) -> list[str]:
        return [score.domain for score in town.score.pulling_up]

    def get_pulling_down(self, town: Any) -> list[str]:
        return [score.domain for score in town.score.pulling_down]

    def get_measures(self, town: Any) -> list[str]:
        return [code for code, _label in town.score.measures]


class MonotownClassificationSerializer(serializers.Serializer):
    """The classification of the monotowns for a year."""

    year = serializers.IntegerField(allow_null=True, help_text=_("The year assessed; null when there is no data."))
    group_thresholds = serializers.DictField(
        child=serializers.DecimalField(max_digits=5, decimal_places=2),
        help_text=_("Lowest composite index of group 1 and of group 2 (keys \"1\" and \"2\"); below, group 3."),
    )
    domain_weights = serializers.DictField(child=serializers.DecimalField(max_digits=6, decimal_places=3),
                                           help_text=_("Weight of each domain in the composite index."))
    mean_index = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True,
                                          help_text=_("The towns' mean composite index."))
    towns = MonotownSerializer(many=True, help_text=_("The towns, ranked by index."))


class RegionZoneSerializer(serializers.Serializer):
    """One region's wear, zone and funding priority."""

    kato = serializers.CharField(source="wear.region.kato", help_text=_("Two-digit KATO code of the region."))
    name = serializers.CharField(source="wear.region.name", help_text=_("The region, in the language of the request."))
    wear = serializers.DecimalField(source="wear.wear", max_digits=7, decimal_places=2, allow_null=True,
                                    help_text=_("Wear of heat, water and sewer networks, %; null without data."))
    wear_by_network = serializers.DictField(
        source="wear.by_network", child=serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True),
        help_text=_("Wear of heat, power, water and sewer networks, %; null without data."),
    )
    replacement_share = serializers.DecimalField(
        source="wear.replacement_share", max_digits=7, decimal_places=2, allow_null=True,
        help_text=_("Share of networks needing replacement, %; null without data."),
    )
    zone = serializers.ChoiceField(source="wear.zone", choices=Zone.choices, allow_null=True,
                                   help_text=_("The wear zone; null without data."))
    priority_rank = serializers.IntegerField(source="priority.rank", help_text=_("Place in the funding priority."))
    priority_score = serializers.DecimalField(source="priority.score", max_digits=5, decimal_places=2,
                                              help_text=_("Funding priority score, 0–100."))
    priority_components = serializers.DictField(
        source="priority.components", child=serializers.DecimalField(max_digits=5, decimal_places=4),
        help_text=_("Components of the score, shares 0–1: wear, people, replacement, readiness."),
    )


class ZoningSerializer(serializers.Serializer):
    """The wear zoning and funding priority of the regions."""

    year = serializers.IntegerField(allow_null=True, help_text=_("The year of the wear figures; null without data."))
    thresholds = serializers.DictField(child=serializers.DecimalField(max_digits=5, decimal_places=2),
                                       help_text=_("Wear above which a region is red, and yellow, %."))
    regions = RegionZoneSerializer(many=True, help_text=_("The regions in funding priority order."))


class CatalogueView(AnalyticsView):
    @extend_schema(
        summary=_("Indicator catalogue"), tags=[TAG],
        description=_("Every indicator with its names, unit, direction, domain, aggregation rule and source."),
        parameters=[CatalogueQuerySerializer],
        responses={200: IndicatorSerializer(many=True), 400: VALIDATION_RESPONSE, **AUTH_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        query = CatalogueQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        indicators = indicator_list(user=request.user, domain=query.validated_data.get("domain"),
                                    monotown_only=query.validated_data["monotown"])
        return Response(IndicatorSerializer(indicators, many=True).data)


class CatalogueItemView(AnalyticsView):
    @extend_schema(
        summary=_("One indicator"), tags=[TAG],
        parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH, description=_("Code of the indicator."))],
        responses={200: IndicatorSerializer, 404: NOT_FOUND_RESPONSE, **AUTH_RESPONSES},
    )
    def get(self, request: Request, code: str) -> Response:
        return Response(IndicatorSerializer(indicator_get(user=request.user, code=code)).data)


def _year(request: Request, available: list[int]) -> int | None:
    query = YearQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data.get("year") or (available[0] if available else None)


class MonotownsView(AnalyticsView):
    @extend_schema(
        summary=_("Monotown classification"), tags=[TAG],
        description=_("Each monotown's composite index, domain sub-indices and group for the year (the latest "
                      "with data by default), with the thresholds and weights used and the previous year's index "
                      "and group. Groups: index 60 and above group 1, 40 up to 60 group 2, below 40 group 3."),
        parameters=[YearQuerySerializer],
        responses={200: MonotownClassificationSerializer, 400: VALIDATION_RESPONSE, **AUTH_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        year = _year(request, monotown_years(user=request.user))
        thresholds = {str(group): value for group, value in GROUP_THRESHOLDS.items()}
        if year is None:
            return Response(MonotownClassificationSerializer(
                {"year": None, "group_thresholds": thresholds, "domain_weights": {}, "mean_index": None,
                 "towns": []}).data)
        report = monotown_assessment(user=request.user, year=year)
        return Response(MonotownClassificationSerializer({
            "year": year, "group_thresholds": thresholds, "domain_weights": report.result.domain_weights,
            "mean_index": report.result.mean_index, "towns": [town for town in report.towns if town.index is not None],
        }).data)


class ZonesView(AnalyticsView):
    @extend_schema(
        summary=_("Wear zoning and funding priority"), tags=[TAG],
        description=_("Each region's wear overall and by network, its zone (red above 60%, yellow above 50% by "
                      "default) and its place and score in the funding priority, red zone first."),
        parameters=[YearQuerySerializer],
        responses={200: ZoningSerializer, 400: VALIDATION_RESPONSE, **AUTH_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        year = _year(request, wear_years(user=request.user))
        wear = {item.region.pk: item for item in wear_zoning(user=request.user, year=year)}
        regions = [{"wear": wear[row.region_id], "priority": row}
                   for row in funding_priority(user=request.user, year=year)]
        return Response(ZoningSerializer({"year": year, "thresholds": zone_thresholds(), "regions": regions}).data)


router = SimpleRouter(trailing_slash=True)

urlpatterns = [
    path("catalogue/", CatalogueView.as_view(), name="indicators-catalogue"),
    path("catalogue/<str:code>/", CatalogueItemView.as_view(), name="indicators-catalogue-item"),
    path("monotowns/", MonotownsView.as_view(), name="indicators-monotowns"),
    path("zones/", ZonesView.as_view(), name="indicators-zones"),
    *router.urls,
]
