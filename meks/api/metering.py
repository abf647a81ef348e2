"""REST API of water and heat metering (mounted under /api/v1/metering/).

Reads go through the metering selectors (a building, meter or batch the user may not see answers 404, like a
missing one); readings are submitted through the ingestion service. Collection systems post readings in bulk
with a utility user's token: a JSON array or NDJSON body (``Content-Type: application/json`` or
``application/x-ndjson``), read as a stream and validated row by row; the answer is the batch report. The
same body posted again changes nothing and answers 200 with the earlier batch.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import BaseParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from meks.metering import selectors
from meks.metering.choices import BatchMode, BatchSource, BatchStatus, Medium, MeterRole, TypeStatus
from meks.metering.models import Building, Meter, MeterType, ReadingBatch, RejectedReading
from meks.metering.services import readings_ingest

from .assignments import NamedChoiceField
from .common import AUTH_RESPONSES, NOT_FOUND_RESPONSE, VALIDATION_RESPONSE, ApiViewMixin, service_errors

router = SimpleRouter(trailing_slash=True)

NDJSON = "application/x-ndjson"
SOURCE_OF_CONTENT_TYPE = {"application/json": BatchSource.API_JSON, NDJSON: BatchSource.API_NDJSON}


class StreamParser(BaseParser):
    """Declares the media types of the bulk body; the view reads the body itself, as a stream."""

    media_type = "application/json"

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:  # pragma: no cover
        return stream


class NdjsonStreamParser(StreamParser):
    media_type = NDJSON


# --- serializers -----------------------------------------------------------------------------------------------


class MeterTypeSerializer(serializers.ModelSerializer):
    """A meter type of the state register of measuring instruments."""

    installed = serializers.IntegerField(read_only=True, help_text=_("Meters of this type installed now."))
    status = NamedChoiceField(enum_name="MeterTypeStatusEnum", choices=TypeStatus.choices, read_only=True,
                              help_text=_("Approved, or withdrawn from the register."))

    class Meta:
        model = MeterType
        fields = ["id", "approval_number", "approved_on", "valid_until", "name", "manufacturer_name", "manufacturer",
                  "is_domestic", "medium", "nominal_diameter", "q3", "r_ratio", "accuracy_class",
                  "verification_interval_years", "interface", "status", "installed"]


class BuildingSerializer(serializers.ModelSerializer):
    """A building served by a utility."""

    region = serializers.IntegerField(source="settlement.region_id", read_only=True, help_text=_("Region id."))
    meter_count = serializers.IntegerField(read_only=True, help_text=_("Meters installed now."))
    flat_meter_count = serializers.IntegerField(read_only=True, help_text=_("Flat meters installed now."))

    class Meta:
        model = Building
        fields = ["id", "address", "settlement", "region", "utility", "flats", "residents",
                  "norm_litres_per_person_day", "meter_count", "flat_meter_count"]


class MeterSerializer(serializers.ModelSerializer):
    """An installed meter with its flags."""

    medium = serializers.CharField(source="meter_type.medium", read_only=True, help_text=_("What it measures."))
    verification_overdue = serializers.BooleanField(read_only=True, help_text=_("The next verification is past."))
    type_not_approved = serializers.BooleanField(
        read_only=True, help_text=_("The type is withdrawn from the register or its approval expired."))
    last_reading_at = serializers.DateTimeField(read_only=True, allow_null=True, help_text=_("Latest reading."))
    last_value = serializers.DecimalField(max_digits=14, decimal_places=3, read_only=True, allow_null=True,
                                          help_text=_("Value of the latest reading."))

    class Meta:
        model = Meter
        fields = ["id", "serial", "building", "role", "meter_type", "medium", "account", "flat_number",
                  "installed_on", "seal_number", "last_verified_on", "next_verification_on", "register_digits",
                  "removed_on", "replaced_by", "verification_overdue", "type_not_approved", "last_reading_at",
                  "last_value"]


class ReadingSerializer(serializers.Serializer):
    """A reading of a meter with the consumption since the previous one."""

    taken_at = serializers.DateTimeField(help_text=_("When the value was read."))
    value = serializers.DecimalField(max_digits=14, decimal_places=3, help_text=_("Register value."))
    consumption = serializers.DecimalField(max_digits=14, decimal_places=3, allow_null=True,
                                           help_text=_("Since the previous reading (null for the first)."))
    kind = serializers.CharField(help_text=_("measured or estimated (filling a gap)."))
    flags = serializers.ListField(child=serializers.CharField(), help_text=_("Warning codes."))
    batch_id = serializers.IntegerField(help_text=_("The batch that brought it."))


class ReadingInSerializer(serializers.Serializer):
    """One reading as a collection system sends it."""

    meter = serializers.CharField(help_text=_("Serial number of the meter."))
    taken_at = serializers.DateTimeField(help_text=_("ISO 8601; without an offset the platform's time zone."))
    value = serializers.DecimalField(max_digits=14, decimal_places=3, help_text=_("Register value."))


class RejectedRowSerializer(serializers.ModelSerializer):
    """A row that was not accepted, with its reasons."""

    reason_codes = serializers.SerializerMethodField(help_text=_("Reason codes."))
    reason_texts = serializers.SerializerMethodField(help_text=_("Reasons, as texts."))

    class Meta:
        model = RejectedReading
        fields = ["position", "raw", "meter", "taken_at", "value", "reason_codes", "reason_texts"]

    def get_reason_codes(self, row: RejectedReading) -> list[str]:
        return row.reasons.split()

    def get_reason_texts(self, row: RejectedReading) -> list[str]:
        return row.messages.splitlines()


class BatchSerializer(serializers.ModelSerializer):
    """A batch of readings and its counts."""

    reasons = serializers.SerializerMethodField(help_text=_("How many rejected rows carry each reason code."))
    status = NamedChoiceField(enum_name="ReadingBatchStatusEnum", choices=BatchStatus.choices, read_only=True,
                              help_text=_("The outcome of the batch."))
    source = NamedChoiceField(enum_name="ReadingBatchSourceEnum", choices=BatchSource.choices, read_only=True,
                              help_text=_("How the batch arrived."))
    mode = NamedChoiceField(enum_name="ReadingBatchModeEnum", choices=BatchMode.choices, read_only=True,
                            help_text=_("What was done with good rows when some were bad."))
    repeated = serializers.SerializerMethodField(
        help_text=_("True when this answer is an earlier batch of the same content (nothing was changed)."))

    class Meta:
        model = ReadingBatch
        fields = ["id", "source", "mode", "status", "filename", "content_hash", "organization", "submitted_by",
                  "created_at", "finished_at", "received", "accepted", "estimated", "duplicates", "conflicts",
                  "rejected", "flagged", "reasons", "repeated"]

    def get_reasons(self, batch: ReadingBatch) -> dict[str, int]:
        return selectors.batch_reason_counts(batch=batch)

    def get_repeated(self, batch: ReadingBatch) -> bool:
        return bool(self.context.get("repeated"))


class BatchDetailSerializer(BatchSerializer):
    """A batch with its first rejected rows (all of them through ``rejected/``)."""

    rejected_rows = serializers.SerializerMethodField(help_text=_("The first 100 rejected rows and conflicts."))

    class Meta(BatchSerializer.Meta):
        fields = [*BatchSerializer.Meta.fields, "rejected_rows"]

    def get_rejected_rows(self, batch: ReadingBatch) -> list[dict[str, Any]]:
        return RejectedRowSerializer(selectors.batch_rejected(batch=batch)[:100], many=True).data


class FlatShareSerializer(serializers.Serializer):
    meter_id = serializers.IntegerField()
    serial = serializers.CharField()
    flat_number = serializers.CharField()
    account = serializers.CharField()
    consumption = serializers.DecimalField(max_digits=14, decimal_places=3)
    share = serializers.DecimalField(max_digits=14, decimal_places=3, help_text=_("Share of the imbalance."))
    total = serializers.DecimalField(max_digits=14, decimal_places=3)


class BalanceMonthSerializer(serializers.Serializer):
    """A building's balance for one month."""

    month = serializers.DateField()
    input = serializers.DecimalField(max_digits=14, decimal_places=3, help_text=_("Input (common-house) meters."))
    common = serializers.DecimalField(max_digits=14, decimal_places=3, help_text=_("Common-areas meters."))
    flats = serializers.DecimalField(max_digits=14, decimal_places=3, help_text=_("Sum of the flat meters."))
    imbalance = serializers.DecimalField(max_digits=14, decimal_places=3)
    shared = serializers.DecimalField(max_digits=14, decimal_places=3)
    share_per_flat = serializers.DecimalField(max_digits=14, decimal_places=3)
    loss_percent = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
    flat_rows = FlatShareSerializer(many=True)


class AreaMonthSerializer(serializers.Serializer):
    """Consumption of an area in a month."""

    key = serializers.IntegerField(help_text=_("Id of the region, settlement or utility."))
    name = serializers.CharField()
    month = serializers.DateField()
    input = serializers.DecimalField(max_digits=16, decimal_places=3)
    flats = serializers.DecimalField(max_digits=16, decimal_places=3)
    common = serializers.DecimalField(max_digits=16, decimal_places=3)
    losses = serializers.DecimalField(max_digits=16, decimal_places=3)
    loss_percent = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
    buildings = serializers.IntegerField()


class ComplianceRowSerializer(serializers.Serializer):
    """Compliance with the twice-a-month rule of a group of meters in a month."""

    key = serializers.IntegerField()
    name = serializers.CharField()
    month = serializers.DateField()
    meters = serializers.IntegerField()
    compliant = serializers.IntegerField()
    percent = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)


class PeriodQuerySerializer(serializers.Serializer):
    month = serializers.DateField(required=False, help_text=_("First month (any day of it); 11 months ago if left out."))
    months = serializers.IntegerField(required=False, min_value=1, max_value=36, default=12)

    def period(self) -> tuple[dt.date, int]:
        month = self.validated_data.get("month")
        count = self.validated_data.get("months", 12)
        if month is None:
            today = timezone.localdate()
            index = today.year * 12 + today.month - 1 - (count - 1)
            month = dt.date(index // 12, index % 12 + 1, 1)
        return month.replace(day=1), count


class BalanceQuerySerializer(PeriodQuerySerializer):
    medium = serializers.ChoiceField(choices=Medium.choices, default=Medium.COLD_WATER)


class AreaQuerySerializer(BalanceQuerySerializer):
    level = serializers.ChoiceField(choices=["region", "settlement", "utility"], default="region")
    region = serializers.IntegerField(required=False)


class ComplianceQuerySerializer(PeriodQuerySerializer):
    level = serializers.ChoiceField(choices=["meter", "building", "utility", "region"], default="region")
    region = serializers.IntegerField(required=False)
    utility = serializers.IntegerField(required=False)


def _query(request: Request, serializer_class: type[serializers.Serializer]) -> Any:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query


PERIOD_PARAMETERS = [
    OpenApiParameter("month", OpenApiTypes.DATE, description=str(_("First month (any day of it)."))),
    OpenApiParameter("months", OpenApiTypes.INT, description=str(_("Number of months (1-36, 12 by default)."))),
]
MEDIUM_PARAMETER = OpenApiParameter("medium", OpenApiTypes.STR, enum=Medium.values,
                                    description=str(_("Medium (cold water by default).")))


# --- viewsets ------------------------------------------------------------------------------------------------


@extend_schema(tags=["metering"], responses={**AUTH_RESPONSES})
class MeterTypeViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """The register of approved meter types."""

    serializer_class = MeterTypeSerializer

    def get_queryset(self) -> Any:
        return selectors.meter_type_list(user=self.request.user)

    @extend_schema(responses={200: MeterTypeSerializer(many=True), **AUTH_RESPONSES})
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: MeterTypeSerializer, 404: NOT_FOUND_RESPONSE, **AUTH_RESPONSES})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)


@extend_schema(tags=["metering"])
class BuildingViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """Buildings the user may see."""

    serializer_class = BuildingSerializer

    def get_queryset(self) -> Any:
        return selectors.building_list(user=self.request.user)

    @extend_schema(responses={200: BuildingSerializer(many=True), **AUTH_RESPONSES})
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: BuildingSerializer, 404: NOT_FOUND_RESPONSE, **AUTH_RESPONSES})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        parameters=[*PERIOD_PARAMETERS, MEDIUM_PARAMETER],
        responses={200: BalanceMonthSerializer(many=True), 400: VALIDATION_RESPONSE, 404: NOT_FOUND_RESPONSE,
                   **AUTH_RESPONSES},
        description=str(_("Input meters against common areas and flats per month; a positive imbalance is shared "
                          "among the flat meters in equal parts.")),
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def balance(self, request: Request, pk: Any = None) -> Response:
        building = self.get_object()
        query = _query(request, BalanceQuerySerializer)
        first, count = query.period()
        months = selectors.building_balance(user=request.user, building=building, first_month=first, months=count,
                                            medium=query.validated_data["medium"])
        return Response(BalanceMonthSerializer(months, many=True).data)


@extend_schema(tags=["metering"])
class MeterViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """Meters the user may see, with their flags."""

    serializer_class = MeterSerializer

    def get_queryset(self) -> Any:
        params = self.request.query_params
        building = params.get("building")
        role = params.get("role")
        filters = selectors.MeterFilters(
            building=int(building) if building and building.isdigit() else None,
            role=role if role in MeterRole.values else None,
            active=None if self.action == "retrieve" or self.action == "readings" else True,
        )
        return selectors.meter_list(user=self.request.user, filters=filters)

    @extend_schema(
        parameters=[OpenApiParameter("building", OpenApiTypes.INT, description=str(_("Only this building's."))),
                    OpenApiParameter("role", OpenApiTypes.STR, enum=MeterRole.values)],
        responses={200: MeterSerializer(many=True), **AUTH_RESPONSES},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: MeterSerializer, 404: NOT_FOUND_RESPONSE, **AUTH_RESPONSES})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        parameters=[OpenApiParameter("since", OpenApiTypes.DATETIME, description=str(_("Readings from this time."))),
                    OpenApiParameter("until", OpenApiTypes.DATETIME, description=str(_("Readings before this time.")))],
        responses={200: ReadingSerializer(many=True), 400: VALIDATION_RESPONSE, 404: NOT_FOUND_RESPONSE,
                   **AUTH_RESPONSES},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def readings(self, request: Request, pk: Any = None) -> Response:
        meter = self.get_object()
        bounds = {}
        for name in ("since", "until"):
            if request.query_params.get(name):
                field = serializers.DateTimeField()
                try:
                    bounds[name] = field.to_internal_value(request.query_params[name])
                except serializers.ValidationError as error:
                    raise exceptions.ValidationError({name: error.detail}) from error
        rows = selectors.meter_readings(user=request.user, meter=meter, start=bounds.get("since"),
                                        end=bounds.get("until"))
        return Response(ReadingSerializer([row._asdict() for row in rows], many=True).data)


@extend_schema(tags=["metering"])
class BatchViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """Batches of readings and their reports."""

    def get_queryset(self) -> Any:
        return selectors.batch_list(user=self.request.user)

    def get_serializer_class(self) -> Any:
        return BatchDetailSerializer if self.action == "retrieve" else BatchSerializer

    @extend_schema(responses={200: BatchSerializer(many=True), **AUTH_RESPONSES})
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: BatchDetailSerializer, 404: NOT_FOUND_RESPONSE, **AUTH_RESPONSES})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(responses={200: RejectedRowSerializer(many=True), 404: NOT_FOUND_RESPONSE, **AUTH_RESPONSES})
    @action(detail=True, methods=["get"], serializer_class=RejectedRowSerializer)
    def rejected(self, request: Request, pk: Any = None) -> Response:
        batch = self.get_object()
        page = self.paginate_queryset(selectors.batch_rejected(batch=batch))
        return self.get_paginated_response(RejectedRowSerializer(page, many=True).data)


@extend_schema(tags=["metering"])
class ReadingsBulkView(ApiViewMixin, APIView):
    """Submit readings in bulk."""

    parser_classes = (StreamParser, NdjsonStreamParser)

    @extend_schema(
        operation_id="metering_readings_create",
        parameters=[OpenApiParameter("mode", OpenApiTypes.STR, enum=BatchMode.values,
                                     description=str(_("accept_good (default) or all_or_nothing.")))],
        request={"application/json": ReadingInSerializer(many=True), NDJSON: ReadingInSerializer},
        responses={
            201: OpenApiResponse(BatchSerializer, description=_("The batch report.")),
            200: OpenApiResponse(BatchSerializer, description=_("The same body was already received: nothing "
                                                                "changed; the earlier batch.")),
            400: VALIDATION_RESPONSE, 415: OpenApiResponse(description=_("Not JSON or NDJSON.")), **AUTH_RESPONSES,
        },
        description=str(_("A JSON array of readings, or NDJSON (one reading per line). Each row is validated; "
                          "the answer counts the accepted, duplicate, conflicting and rejected rows.")),
    )
    def post(self, request: Request) -> Response:
        content_type = (request.content_type or "").split(";")[0].strip().lower()
        source = SOURCE_OF_CONTENT_TYPE.get(content_type)
        if source is None:
            raise exceptions.UnsupportedMediaType(content_type)
        mode = request.query_params.get("mode") or BatchMode.ACCEPT_GOOD
        if mode not in BatchMode.values:
            raise exceptions.ValidationError({"mode": [_("accept_good or all_or_nothing.")]})
        with service_errors():
            result = readings_ingest(actor=request.user, source=source, stream=request._request, mode=mode)
        data = BatchSerializer(result.batch, context={"repeated": result.repeated}).data
        return Response(data, status=status.HTTP_200_OK if result.repeated else status.HTTP_201_CREATED)


@extend_schema(tags=["metering"])
class ConsumptionView(ApiViewMixin, APIView):
    """Consumption and losses by region, settlement or utility and month."""

    @extend_schema(
        parameters=[*PERIOD_PARAMETERS, MEDIUM_PARAMETER,
                    OpenApiParameter("level", OpenApiTypes.STR, enum=["region", "settlement", "utility"]),
                    OpenApiParameter("region", OpenApiTypes.INT, description=str(_("Only this region.")))],
        responses={200: AreaMonthSerializer(many=True), 400: VALIDATION_RESPONSE, **AUTH_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        query = _query(request, AreaQuerySerializer)
        first, count = query.period()
        rows = selectors.consumption_by_area(
            user=request.user, level=query.validated_data["level"], medium=query.validated_data["medium"],
            first_month=first, months=count, region=query.validated_data.get("region"))
        return Response(AreaMonthSerializer(rows, many=True).data)


@extend_schema(tags=["metering"])
class ComplianceView(ApiViewMixin, APIView):
    """Compliance with the twice-a-month transmission rule."""

    @extend_schema(
        parameters=[*PERIOD_PARAMETERS,
                    OpenApiParameter("level", OpenApiTypes.STR, enum=["meter", "building", "utility", "region"]),
                    OpenApiParameter("region", OpenApiTypes.INT), OpenApiParameter("utility", OpenApiTypes.INT)],
        responses={200: ComplianceRowSerializer(many=True), 400: VALIDATION_RESPONSE, **AUTH_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        query = _query(request, ComplianceQuerySerializer)
        first, count = query.period()
        rows = selectors.compliance(
            user=request.user, level=query.validated_data["level"], first_month=first, months=count,
            region=query.validated_data.get("region"), utility=query.validated_data.get("utility"))
        return Response(ComplianceRowSerializer(rows, many=True).data)


router.register("meter-types", MeterTypeViewSet, basename="metering-meter-type")
router.register("buildings", BuildingViewSet, basename="metering-building")
router.register("meters", MeterViewSet, basename="metering-meter")
router.register("batches", BatchViewSet, basename="metering-batch")

urlpatterns = [
    path("readings/", ReadingsBulkView.as_view(), name="metering-readings"),
    path("consumption/", ConsumptionView.as_view(), name="metering-consumption"),
    path("compliance/", ComplianceView.as_view(), name="metering-compliance"),
    *router.urls,
]
