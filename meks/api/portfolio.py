"""REST endpoints of the portfolio: projects, lifecycle, schedules, progress, baselines, summary and rating.

Reads go through the portfolio's selectors (a project the user may not see answers 404, like a missing one),
writes through its services. A refusal because of the record's state (a move not possible from the current
status, a project past the draft, a baseline already decided) answers 409, one because of the user's role
403, bad input 400.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from meks.accounts.models import Organization, User
from meks.accounts.selectors import organization_list
from meks.core.access import get_visible_or_404
from meks.core.errors import ServiceError
from meks.portfolio.achievement import (
    baseline_get,
    baseline_list,
    progress_report_list,
    responsible_candidates,
    targets_against_achievement,
)
from meks.portfolio.choices import (
    OC4IDS_STATUS,
    STAGE_OF_STATUS,
    DeliveryConfidence,
    MilestoneKind,
    ProjectStatus,
    Stage,
    TargetMetric,
)
from meks.portfolio.lifecycle import TRANSITIONS
from meks.portfolio.lifecycle_access import available_transitions
from meks.portfolio.models import Baseline, Direction, Milestone, ProgressReport, Project
from meks.portfolio.rating import compute_rating, rating_as_dicts
from meks.portfolio.selectors import (
    SORTS,
    PortfolioFilters,
    confidence_distribution,
    direction_list,
    milestone_schedule,
    pipeline_funnel,
    portfolio_totals,
    project_can_edit,
    project_get,
    project_list,
    readiness_summary,
)
from meks.portfolio.services import (
    PROJECT_EDITABLE_FIELDS,
    baseline_decide,
    baseline_propose,
    milestone_update,
    progress_report_submit,
    project_create,
    project_delete,
    project_transition,
    project_update,
)
from meks.territory.models import Region, Settlement
from meks.territory.selectors import region_list, settlement_list

from .common import (
    AUTH_RESPONSES,
    CONFLICT_RESPONSE,
    NOT_FOUND_RESPONSE,
    VALIDATION_RESPONSE,
    ApiViewMixin,
    Conflict,
    ErrorSerializer,
    VersionedChangeMixin,
    VersionedUpdateMixin,
    service_errors,
)

#: Codes of service refusals that come from the record's state rather than the request: answered 409.
STATE_CONFLICTS = frozenset({"wrong_status", "not_draft", "decided", "pending_exists"})
OC4IDS_CHOICES = [(code, code) for code in sorted(set(OC4IDS_STATUS.values()))]
STAGE_LABELS = dict(Stage.choices)
CONFIDENCE_LABELS = dict(DeliveryConfidence.choices)
STATUS_LABELS = dict(ProjectStatus.choices)


@contextmanager
def portfolio_errors() -> Iterator[None]:
    """``service_errors``, with refusals due to the record's state answered 409."""
    with service_errors():
        try:
            yield
        except ServiceError as error:
            if getattr(error, "code", None) in STATE_CONFLICTS:
                raise Conflict(" ".join(str(message) for message in error.messages)) from error
            raise


def refuse_unknown_fields(serializer: serializers.Serializer, attrs: dict[str, Any]) -> dict[str, Any]:
    """Refuse fields the request serializer does not know rather than silently dropping them."""
    unknown = sorted(set(getattr(serializer, "initial_data", {}) or {}) - set(serializer.fields))
    if unknown:
        raise serializers.ValidationError(
            {name: [_("This field does not exist or cannot be changed.")] for name in unknown}
        )
    return attrs


class MappedField(serializers.ChoiceField):
    """A read-only value derived from another attribute through a fixed mapping (stage of a status…)."""

    def __init__(self, *, mapping: dict[Any, Any], choices: Any, **kwargs: Any) -> None:
        self.mapping = mapping
        super().__init__(choices=choices, read_only=True, **kwargs)

    def to_representation(self, value: Any) -> Any:
        return self.mapping.get(value)


class LabelField(serializers.CharField):
    """A read-only label in the language of the request for a coded attribute."""

    def __init__(self, *, labels: dict[Any, Any], **kwargs: Any) -> None:
        self.labels = labels
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value: Any) -> str:
        label = self.labels.get(value)
        return "" if label is None else str(label)


# --- projects ----------------------------------------------------------------------------------------------

PROJECT_FIELD_HELP = {
    "code": _("Unique code of the project; identifies it in documents and exchanges."),
    "title_ru": _("Title in Russian."),
    "title_kk": _("Title in Kazakh (empty when not yet translated)."),
    "title_en": _("Title in English (empty when not yet translated)."),
    "description": _("What the project builds or renews."),
    "project_type": _("OC4IDS project type: construction, rehabilitation, replacement or expansion."),
    "cost_estimate": _("Cost estimate in tenge: a decimal string with two decimals."),
    "planned_km_heat": _("Heat networks to build or renew, km."),
    "planned_km_power": _("Power networks to build or renew, km."),
    "planned_km_water": _("Water networks to build or renew, km."),
    "planned_km_sewer": _("Sewer networks to build or renew, km."),
    "planned_mw": _("Generating capacity to commission, MW."),
    "planned_equipment_units": _("Equipment to replace, units."),
    "people_served": _("Number of people the renewed infrastructure serves."),
    "wear_before": _("Network wear before the project, %; null when unknown."),
    "wear_after": _("Network wear expected after the project, %; null when unknown; not above wear before."),
    "planned_start": _("Planned start; with the planned completion it sets the standard schedule. Null when unset."),
    "planned_end": _("Planned completion; not before the start. Null when unset."),
    "ready_design": _("Readiness: design and estimate documents approved."),
    "ready_expertise": _("Readiness: positive conclusion of the state expertise."),
    "ready_land": _("Readiness: land plot allotted."),
    "ready_akimat_decision": _("Readiness: decision of the akimat taken."),
    "ready_financing": _("Readiness: financing source confirmed."),
    "ready_tender_documents": _("Readiness: tender documents ready."),
}
DIRECTION_HELP = _("Code of the national project's direction (heat supply, water supply…).")
REGION_HELP = _("Two-digit KATO code of the project's region.")
SETTLEMENT_HELP = _("Identifier of the settlement the project serves, in the project's region; null when none.")
OWNER_HELP = _("Identifier of the owner: the utility or akimat that carries out the project.")
RESPONSIBLE_HELP = _("User name of the official personally responsible for the project.")


class ProjectSerializer(serializers.ModelSerializer):
    """An infrastructure project of the national project, with the figures derived from its records."""

    title = serializers.CharField(read_only=True, help_text=_("Title in the language of the request."))
    direction = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=DIRECTION_HELP)
    direction_name = serializers.CharField(
        source="direction.name", read_only=True, help_text=_("The direction, in the language of the request.")
    )
    project_type_label = serializers.CharField(
        source="get_project_type_display", read_only=True, help_text=_("The type, in the language of the request.")
    )
    region = serializers.SlugRelatedField(slug_field="kato", read_only=True, help_text=REGION_HELP)
    region_name = serializers.CharField(
        source="region.name", read_only=True, help_text=_("The region, in the language of the request.")
    )
    settlement = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True, help_text=SETTLEMENT_HELP)
    owner = serializers.PrimaryKeyRelatedField(read_only=True, help_text=OWNER_HELP)
    owner_name = serializers.CharField(
        source="owner.name", read_only=True, help_text=_("The owner's name, in the language of the request.")
    )
    responsible = serializers.SlugRelatedField(slug_field="username", read_only=True, help_text=RESPONSIBLE_HELP)
    responsible_name = serializers.CharField(
        source="responsible.get_full_name", read_only=True,
        help_text=_("Surname, first name and patronymic of the responsible official."),
    )
    status_label = serializers.CharField(
        source="get_status_display", read_only=True, help_text=_("The status, in the language of the request.")
    )
    stage = MappedField(
        source="status", mapping=STAGE_OF_STATUS, choices=Stage.choices,
        help_text=_("The stage of the pipeline funnel the status belongs to."),
    )
    stage_label = LabelField(
        source="status", labels={status: STAGE_LABELS[stage] for status, stage in STAGE_OF_STATUS.items()},
        help_text=_("The stage, in the language of the request."),
    )
    oc4ids_status = MappedField(
        source="status", mapping=OC4IDS_STATUS, choices=OC4IDS_CHOICES,
        help_text=_("The OC4IDS 0.9.4 projectStatus code of the status."),
    )
    readiness_count = serializers.IntegerField(
        read_only=True, help_text=_("How many of the six readiness conditions are met (0 to 6).")
    )
    lag_days = serializers.IntegerField(
        read_only=True,
        help_text=_("Days behind the approved schedule: the largest lag of the project's milestones; 0 when on time."),
    )
    confidence = serializers.ChoiceField(
        choices=DeliveryConfidence.choices, read_only=True,
        help_text=_("Delivery confidence on the five-level scale, derived from lag, spending and readiness "
                    "unless the project office set it by hand."),
    )
    confidence_label = LabelField(
        source="confidence", labels=CONFIDENCE_LABELS,
        help_text=_("The delivery confidence, in the language of the request."),
    )
    confidence_set_by_hand = serializers.SerializerMethodField(
        help_text=_("True when the project office set the delivery confidence by hand.")
    )

    class Meta:
        model = Project
        fields = [
            "id", "code", "title", "title_ru", "title_kk", "title_en", "description",
            "direction", "direction_name", "project_type", "project_type_label", "region", "region_name",
            "settlement", "owner", "owner_name", "responsible", "responsible_name",
            "status", "status_label", "status_changed_at", "stage", "stage_label", "oc4ids_status",
            "cost_estimate", "planned_km_heat", "planned_km_power", "planned_km_water", "planned_km_sewer",
            "planned_mw", "planned_equipment_units", "people_served", "wear_before", "wear_after",
            "planned_start", "planned_end",
            "ready_design", "ready_expertise", "ready_land", "ready_akimat_decision", "ready_financing",
            "ready_tender_documents", "readiness_count", "lag_days", "confidence", "confidence_label",
            "confidence_set_by_hand", "version", "created_at", "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            **{name: {"help_text": text} for name, text in PROJECT_FIELD_HELP.items()},
            "id": {"help_text": _("Identifier of the project; used in URLs.")},
            "status": {"help_text": _("Where the project is in its lifecycle.")},
            "status_changed_at": {"help_text": _("When the status last changed; null while a draft.")},
            "version": {"help_text": _("Version of the record: send it back with a change (optimistic locking).")},
            "created_at": {"help_text": _("When the project was registered.")},
            "updated_at": {"help_text": _("When the record was last changed.")},
        }

    def get_confidence_set_by_hand(self, project: Project) -> bool:
        return bool(project.confidence_override)


class ProjectRelationsMixin(serializers.Serializer):
    """Related records named by code, KATO, identifier or user name, among those the user may see."""

    direction = serializers.SlugRelatedField(
        slug_field="code", queryset=Direction.objects.none(), help_text=DIRECTION_HELP
    )
    settlement = serializers.PrimaryKeyRelatedField(
        queryset=Settlement.objects.none(), required=False, allow_null=True, help_text=SETTLEMENT_HELP
    )
    owner = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.none(), help_text=OWNER_HELP)
    responsible = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.none(), help_text=RESPONSIBLE_HELP
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            user = request.user
            self.fields["direction"].queryset = direction_list()
            self.fields["settlement"].queryset = settlement_list(user=user)
            self.fields["owner"].queryset = organization_list(user=user)
            self.fields["responsible"].queryset = responsible_candidates(user=user)
            if "region" in self.fields:
                self.fields["region"].queryset = region_list(user=user)


class ProjectCreateSerializer(ProjectRelationsMixin, serializers.ModelSerializer):
    """A new project, registered as a draft; with planned start and completion it gets the standard schedule."""

    region = serializers.SlugRelatedField(slug_field="kato", queryset=Region.objects.none(), help_text=REGION_HELP)
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=500,
        help_text=_("Optional note kept in the project's history."),
    )

    class Meta:
        model = Project
        fields = [
            "code", "title_ru", "title_kk", "title_en", "description", "direction", "project_type", "region",
            "settlement", "owner", "responsible", "cost_estimate", "planned_km_heat", "planned_km_power",
            "planned_km_water", "planned_km_sewer", "planned_mw", "planned_equipment_units", "people_served",
            "wear_before", "wear_after", "planned_start", "planned_end", "ready_design", "ready_expertise",
            "ready_land", "ready_akimat_decision", "ready_financing", "ready_tender_documents", "reason",
        ]
        # Uniqueness of the code is checked by the service, which validates the whole record.
        extra_kwargs = {name: {"help_text": text} for name, text in PROJECT_FIELD_HELP.items()} | {
            "code": {"help_text": PROJECT_FIELD_HELP["code"], "validators": []},
        }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return refuse_unknown_fields(self, attrs)


class ProjectChangeSerializer(VersionedChangeMixin, ProjectRelationsMixin, serializers.ModelSerializer):
    """A change of a project's attributes and readiness flags: only the fields sent are changed."""

    class Meta:
        model = Project
        fields = [*PROJECT_EDITABLE_FIELDS, "version", "reason"]
        extra_kwargs = {name: {"required": False} for name in PROJECT_EDITABLE_FIELDS} | {
            name: {"required": False, "help_text": text} for name, text in PROJECT_FIELD_HELP.items()
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("direction", "owner", "responsible"):
            self.fields[name].required = False


class DashboardFilterSerializer(serializers.Serializer):
    """Query parameters of the dashboard: which projects are counted."""

    region = serializers.RegexField(
        r"^\d{2}$", required=False, help_text=_("Only projects of the region with this two-digit KATO code.")
    )
    direction = serializers.CharField(
        required=False, max_length=30, help_text=_("Only projects of the direction with this code.")
    )
    owner = serializers.IntegerField(
        required=False, min_value=1, help_text=_("Only projects of the owner organization with this identifier.")
    )
    stage = serializers.ChoiceField(
        choices=Stage.choices, required=False, help_text=_("Only projects at this stage of the funnel.")
    )
    status = serializers.ChoiceField(
        choices=ProjectStatus.choices, required=False, help_text=_("Only projects with this status.")
    )
    ready = serializers.BooleanField(
        required=False, allow_null=True, default=None,
        help_text=_("true: only projects meeting all six readiness conditions; false: only the others; "
                    "left out: all."),
    )
    q = serializers.CharField(
        required=False, max_length=100, help_text=_("Text to search for in the code and the titles (any language)."),
    )

    def filters(self) -> PortfolioFilters:
        """The portfolio filters of a valid request."""
        data = self.validated_data
        return PortfolioFilters(
            region=data.get("region"),
            direction=data.get("direction") or None,
            owner=data.get("owner"),
            stage=data.get("stage"),
            status=data.get("status"),
            confidence=data.get("confidence"),
            ready=data.get("ready"),
            late=data.get("late"),
            search=(data.get("q") or "").strip() or None,
        )


class ProjectFilterSerializer(DashboardFilterSerializer):
    """Query parameters of the project list."""

    confidence = serializers.ChoiceField(
        choices=DeliveryConfidence.choices, required=False, help_text=_("Only projects at this delivery confidence.")
    )
    late = serializers.BooleanField(
        required=False, allow_null=True, default=None,
        help_text=_("true: only projects behind schedule; false: only those on time; left out: all."),
    )
    ordering = serializers.ChoiceField(
        choices=[(key, key) for name in SORTS for key in (name, f"-{name}")], required=False,
        help_text=_("Sort order: a column, with a leading minus for descending. Code by default."),
    )


class ProjectDeleteSerializer(serializers.Serializer):
    """Why a draft is deleted."""

    reason = serializers.CharField(
        max_length=500, allow_blank=True, help_text=_("Why the draft is deleted; kept in the project's history.")
    )


class AvailableTransitionSerializer(serializers.Serializer):
    """A lifecycle move the user may make from the project's current status."""

    action = serializers.ChoiceField(
        choices=[(t.action, t.action) for t in TRANSITIONS], source="transition.action",
        help_text=_("The move's name, to send back to make it."),
    )
    label = serializers.CharField(source="transition.label", help_text=_("The move, in the language of the request."))
    target = serializers.CharField(help_text=_("The status the project moves to (a project status code)."))
    target_label = LabelField(
        source="target", labels=STATUS_LABELS, help_text=_("That status, in the language of the request.")
    )
    reason_required = serializers.BooleanField(
        source="transition.reason_required", help_text=_("True when the move needs a reason.")
    )
    blocked_by = serializers.CharField(
        allow_null=True,
        help_text=_("What stands in the way now (an incomplete readiness checklist, an unsigned contract…); "
                    "null when the move would pass its checks."),
    )


class TransitionSerializer(serializers.Serializer):
    """A lifecycle move to make."""

    action = serializers.ChoiceField(
        choices=[(t.action, t.action) for t in TRANSITIONS], help_text=_("The move's name (see the transitions list).")
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, default="",
        help_text=_("Why; required for returning, rejecting, suspending, resuming and cancelling."),
    )
    version = serializers.IntegerField(
        required=False, min_value=1,
        help_text=_("The version of the project read; when given and the project changed since, the answer is 409."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return refuse_unknown_fields(self, attrs)


LOOKUP_PROJECT = OpenApiParameter("id", int, OpenApiParameter.PATH, description=_("Identifier of the project."))
PROJECT_IN_PATH = OpenApiParameter(
    "project_id", int, OpenApiParameter.PATH, description=_("Identifier of the project.")
)
DELETE_REASON = OpenApiParameter(
    "reason", str, OpenApiParameter.QUERY, required=False,
    description=_("Why the draft is deleted; may be sent instead as a JSON body `{\"reason\": …}`. Required."),
)
JSON_ONLY_RESPONSE = OpenApiResponse(description=_("The body is not JSON."))
STATE_CONFLICT_RESPONSE = OpenApiResponse(
    ErrorSerializer,
    description=_("Not possible in the record's current state, or the record changed since the version sent. "
                  "Nothing saved."),
)


@extend_schema(tags=["portfolio"])
@extend_schema_view(
    retrieve=extend_schema(
        summary=_("One project"),
        description=_("One project with its derived figures; 404 when it does not exist or the user may not see it."),
        parameters=[LOOKUP_PROJECT],
        responses={200: ProjectSerializer, **AUTH_RESPONSES, 404: NOT_FOUND_RESPONSE},
    ),
)
class ProjectViewSet(ApiViewMixin, VersionedUpdateMixin, viewsets.GenericViewSet):
    serializer_class = ProjectSerializer
    change_serializer_class = ProjectChangeSerializer
    forbidden_message = _("You may not edit this project.")
    queryset = Project.objects.none()  # names the model for the schema; rows come from the selectors
    parser_classes = (JSONParser,)
    lookup_value_regex = r"\d+"

    def get_object(self) -> Project:
        return project_get(user=self.request.user, pk=int(self.kwargs["pk"]))

    def fresh(self, project: Project) -> Project:
        """The project read again with its derived figures."""
        return project_get(user=self.request.user, pk=project.pk)

    @extend_schema(
        summary=_("Projects"),
        description=_(
            "The projects the user may see (the project office all, an akimat its region's, a utility those it "
            "owns), filtered, sorted and paginated, each with its lag, readiness, delivery confidence and stage."
        ),
        parameters=[ProjectFilterSerializer],
        responses={200: ProjectSerializer(many=True), 400: VALIDATION_RESPONSE, **AUTH_RESPONSES},
    )
    def list(self, request: Request) -> Response:
        query = ProjectFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        queryset = project_list(user=request.user, filters=query.filters(), ordering=query.validated_data.get("ordering"))
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary=_("Register a project"),
        description=_(
            "Registers a project as a draft. The project office may register any project, an akimat those of "
            "its region, a utility those it owns. With planned start and completion the standard milestones "
            "and the first baseline are created too."
        ),
        request=ProjectCreateSerializer,
        responses={
            201: ProjectSerializer, 400: VALIDATION_RESPONSE, **AUTH_RESPONSES, 415: JSON_ONLY_RESPONSE,
        },
    )
    def create(self, request: Request) -> Response:
        serializer = ProjectCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        reason = fields.pop("reason", "")
        with portfolio_errors():
            project = project_create(actor=request.user, reason=reason, **fields)
        return Response(self.get_serializer(self.fresh(project)).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary=_("Change a project"),
        description=_(
            "Changes the fields sent (attributes and readiness flags). The project office may change any "
            "project, an akimat those of its region, a utility those it owns. `version` must be the version "
            "read: if the project changed since, nothing is saved and the answer is 409."
        ),
        parameters=[LOOKUP_PROJECT],
        request=ProjectChangeSerializer,
        responses={
            200: ProjectSerializer, 400: VALIDATION_RESPONSE, **AUTH_RESPONSES, 404: NOT_FOUND_RESPONSE,
            409: CONFLICT_RESPONSE, 415: JSON_ONLY_RESPONSE,
        },
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        return self.versioned_update(request)

    def may_edit(self, instance: Project) -> bool:
        return project_can_edit(user=self.request.user, project=instance)

    def apply_change(self, instance: Project, *, version: int, reason: str, changes: dict[str, Any]) -> Project:
        with portfolio_errors():
            project = project_update(
                actor=self.request.user, project=instance, expected_version=version, reason=reason, **changes
            )
        return self.fresh(project)

    @extend_schema(
        summary=_("Delete a draft"),
        description=_(
            "Deletes a project registered by mistake, with a reason (as the `reason` query parameter or a JSON "
            "body). Only a draft can be deleted (409 otherwise: cancel the project instead); the project "
            "office, the region's akimat and the owner may delete it."
        ),
        parameters=[LOOKUP_PROJECT, DELETE_REASON],
        responses={
            204: OpenApiResponse(description=_("Deleted.")), 400: VALIDATION_RESPONSE, **AUTH_RESPONSES,
            404: NOT_FOUND_RESPONSE, 409: STATE_CONFLICT_RESPONSE,
        },
    )
    def destroy(self, request: Request, pk: str) -> Response:
        project = self.get_object()
        body = request.data if isinstance(request.data, dict) else {}
        reason = ProjectDeleteSerializer(data={"reason": body.get("reason") or request.query_params.get("reason", "")})
        reason.is_valid(raise_exception=True)
        with portfolio_errors():
            project_delete(actor=request.user, project=project, reason=reason.validated_data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary=_("Lifecycle moves available"),
        description=_(
            "The moves the user's roles allow from the project's current status, each with the status it leads "
            "to and what still stands in its way."
        ),
        parameters=[LOOKUP_PROJECT],
        responses={200: AvailableTransitionSerializer(many=True), **AUTH_RESPONSES, 404: NOT_FOUND_RESPONSE},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def transitions(self, request: Request, pk: str) -> Response:
        moves = available_transitions(user=request.user, project=self.get_object())
        return Response(AvailableTransitionSerializer(moves, many=True).data)

    @extend_schema(
        summary=_("Make a lifecycle move"),
        description=_(
            "Moves the project along its lifecycle; the reason and the actor are recorded. 409 when the move is "
            "not possible from the current status (or the project changed since `version`), 403 when the "
            "user's role may not make it, 400 when a required reason is missing or a check fails (the message "
            "says which)."
        ),
        parameters=[LOOKUP_PROJECT],
        request=TransitionSerializer,
        responses={
            200: ProjectSerializer, 400: VALIDATION_RESPONSE, **AUTH_RESPONSES, 404: NOT_FOUND_RESPONSE,
            409: STATE_CONFLICT_RESPONSE, 415: JSON_ONLY_RESPONSE,
        },
    )
    @transitions.mapping.post
    def transition(self, request: Request, pk: str) -> Response:
        project = self.get_object()
        move = TransitionSerializer(data=request.data)
        move.is_valid(raise_exception=True)
        data = move.validated_data
        with portfolio_errors():
            project_transition(
                actor=request.user, project=project, action=data["action"], reason=data["reason"],
                expected_version=data.get("version"),
            )
        return Response(self.get_serializer(self.fresh(project)).data)


class ProjectChildViewSet(ApiViewMixin, viewsets.GenericViewSet):
    """Records of one project, reached under ``projects/{project_id}/``; the project must be visible."""

    parser_classes = (JSONParser,)
    pagination_class = None
    lookup_value_regex = r"\d+"

    @cached_property
    def project(self) -> Project:
        return project_get(user=self.request.user, pk=int(self.kwargs["project_id"]))


# --- milestones --------------------------------------------------------------------------------------------


class MilestoneSerializer(serializers.ModelSerializer):
    """A milestone of a project's schedule with its lag."""

    kind_label = serializers.CharField(
        source="get_kind_display", read_only=True, help_text=_("The milestone, in the language of the request.")
    )
    responsible = serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text=_("User name of the official responsible for the milestone.")
    )
    responsible_name = serializers.CharField(
        source="responsible.get_full_name", read_only=True,
        help_text=_("Surname, first name and patronymic of the responsible official."),
    )
    lag_days = serializers.IntegerField(
        read_only=True,
        help_text=_("Days behind the baseline date: done, actual minus baseline; not done, the later of the "
                    "forecast and today minus baseline; never below 0."),
    )

    class Meta:
        model = Milestone
        fields = [
            "id", "kind", "kind_label", "order", "baseline_date", "forecast_date", "actual_date", "responsible",
            "responsible_name", "lag_days", "version", "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Identifier of the milestone; used in URLs.")},
            "kind": {"help_text": _("Which standard milestone it is.")},
            "order": {"help_text": _("Place of the milestone in the schedule, from 1.")},
            "baseline_date": {"help_text": _("Date in the approved baseline; changes only through re-baselining.")},
            "forecast_date": {"help_text": _("Date now expected; null when no forecast was given.")},
            "actual_date": {"help_text": _("Date it was reached; null while not reached.")},
            "version": {"help_text": _("Version of the record: send it back with a change (optimistic locking).")},
            "updated_at": {"help_text": _("When the record was last changed.")},
        }


class MilestoneChangeSerializer(VersionedChangeMixin, serializers.ModelSerializer):
    """A change of a milestone's forecast or actual date or of who answers for it."""

    responsible = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.none(), required=False,
        help_text=_("User name of the official responsible for the milestone."),
    )

    class Meta:
        model = Milestone
        fields = ["forecast_date", "actual_date", "responsible", "version", "reason"]
        extra_kwargs = {
            "forecast_date": {"required": False, "help_text": _("Date now expected; null to clear.")},
            "actual_date": {"required": False, "help_text": _("Date it was reached, not in the future; null to clear.")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["responsible"].queryset = responsible_candidates(user=request.user)


LOOKUP_MILESTONE = OpenApiParameter("id", int, OpenApiParameter.PATH, description=_("Identifier of the milestone."))


@extend_schema(tags=["portfolio"], parameters=[PROJECT_IN_PATH])
class MilestoneViewSet(VersionedUpdateMixin, ProjectChildViewSet):
    serializer_class = MilestoneSerializer
    change_serializer_class = MilestoneChangeSerializer
    forbidden_message = _("You may not edit this project's schedule.")
    queryset = Milestone.objects.none()  # names the model for the schema; rows come from the selectors

    def get_object(self) -> Milestone:
        return get_visible_or_404(milestone_schedule(project=self.project), pk=self.kwargs["pk"])

    @extend_schema(
        summary=_("A project's schedule"),
        description=_("The project's milestones in order, with baseline, forecast and actual dates and each one's lag."),
        responses={200: MilestoneSerializer(many=True), **AUTH_RESPONSES, 404: NOT_FOUND_RESPONSE},
    )
    def list(self, request: Request, project_id: str) -> Response:
        return Response(self.get_serializer(milestone_schedule(project=self.project), many=True).data)

    @extend_schema(
        summary=_("Change a milestone"),
        description=_(
            "Records a milestone's forecast or actual date, or names another responsible official. Those who "
            "may edit the project may do it; the baseline date changes only through re-baselining. `version` "
            "must be the version read (409 otherwise)."
        ),
        parameters=[LOOKUP_MILESTONE],
        request=MilestoneChangeSerializer,
        responses={
            200: MilestoneSerializer, 400: VALIDATION_RESPONSE, **AUTH_RESPONSES, 404: NOT_FOUND_RESPONSE,
            409: CONFLICT_RESPONSE, 415: JSON_ONLY_RESPONSE,
        },
    )
    def partial_update(self, request: Request, project_id: str, pk: str) -> Response:
        return self.versioned_update(request)

    def may_edit(self, instance: Milestone) -> bool:
        return project_can_edit(user=self.request.user, project=self.project)

    def apply_change(self, instance: Milestone, *, version: int, reason: str, changes: dict[str, Any]) -> Milestone:
        with portfolio_errors():
            milestone_update(actor=self.request.user, milestone=instance, expected_version=version, reason=reason,
                             **changes)
        return self.get_object()


# --- progress reports --------------------------------------------------------------------------------------

PROGRESS_FIELD_HELP = {
    "period": _("The month reported on: its first day (any day of the month is taken as the month)."),
    "completion_percent": _("Physical completion, % (cumulative)."),
    "km_heat": _("Heat networks laid, km (cumulative)."),
    "km_power": _("Power networks laid, km (cumulative)."),
    "km_water": _("Water networks laid, km (cumulative)."),
    "km_sewer": _("Sewer networks laid, km (cumulative)."),
    "equipment_installed": _("Equipment installed, units (cumulative)."),
    "mw_commissioned": _("Generating capacity commissioned, MW (cumulative)."),
    "spent": _("Money spent, tenge (cumulative): a decimal string with two decimals."),
    "explanation": _("Required when a figure goes down from the previous month or exceeds the plan."),
}


class ProgressReportSerializer(serializers.ModelSerializer):
    """A month's cumulative progress of a project."""

    submitted_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text=_("User name of who submitted the report.")
    )
    submitted_by_name = serializers.CharField(
        source="submitted_by.get_full_name", read_only=True, allow_null=True, default=None,
        help_text=_("Full name of who submitted the report; null when unknown."),
    )

    class Meta:
        model = ProgressReport
        fields = [
            "id", "period", "completion_percent", "km_heat", "km_power", "km_water", "km_sewer",
            "equipment_installed", "mw_commissioned", "spent", "explanation", "submitted_by", "submitted_by_name",
            "version", "created_at", "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {name: {"help_text": text} for name, text in PROGRESS_FIELD_HELP.items()} | {
            "id": {"help_text": _("Identifier of the report.")},
            "version": {"help_text": _("Version of the report: it goes up when the month's report is corrected.")},
            "created_at": {"help_text": _("When the report was first submitted.")},
            "updated_at": {"help_text": _("When the report was last corrected.")},
        }


class ProgressSubmitSerializer(serializers.ModelSerializer):
    """A month's cumulative figures; a month already reported is corrected. Figures left out are not compared."""

    class Meta:
        model = ProgressReport
        fields = [
            "period", "completion_percent", "km_heat", "km_power", "km_water", "km_sewer", "equipment_installed",
            "mw_commissioned", "spent", "explanation",
        ]
        validators: list[Any] = []
        extra_kwargs = {name: {"help_text": text} for name, text in PROGRESS_FIELD_HELP.items()}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return refuse_unknown_fields(self, attrs)


@extend_schema(tags=["portfolio"], parameters=[PROJECT_IN_PATH])
class ProgressViewSet(ProjectChildViewSet):
    serializer_class = ProgressReportSerializer
    queryset = ProgressReport.objects.none()  # names the model for the schema; rows come from the selectors

    @extend_schema(
        summary=_("A project's progress reports"),
        description=_("The project's monthly progress reports, the latest month first."),
        responses={200: ProgressReportSerializer(many=True), **AUTH_RESPONSES, 404: NOT_FOUND_RESPONSE},
    )
    def list(self, request: Request, project_id: str) -> Response:
        reports = progress_report_list(user=request.user, project=self.project)
        return Response(self.get_serializer(reports, many=True).data)

    @extend_schema(
        summary=_("Report progress"),
        description=_(
            "Submits a month's cumulative progress (201), or corrects the month's report when there is one "
            "(200). The owner, the region's akimat and the project office report, while the project is at "
            "contractor determination or in implementation (409 otherwise). A figure that falls, or exceeds "
            "the plan, needs an explanation."
        ),
        request=ProgressSubmitSerializer,
        responses={
            200: ProgressReportSerializer, 201: ProgressReportSerializer, 400: VALIDATION_RESPONSE,
            **AUTH_RESPONSES, 404: NOT_FOUND_RESPONSE, 409: STATE_CONFLICT_RESPONSE, 415: JSON_ONLY_RESPONSE,
        },
    )
    def create(self, request: Request, project_id: str) -> Response:
        project = self.project
        submitted = ProgressSubmitSerializer(data=request.data)
        submitted.is_valid(raise_exception=True)
        figures = dict(submitted.validated_data)
        period = figures.pop("period")
        explanation = figures.pop("explanation", "")
        with portfolio_errors():
            report = progress_report_submit(
                actor=request.user, project=project, period=period, explanation=explanation, **figures
            )
        answer = status.HTTP_201_CREATED if report.version == 1 else status.HTTP_200_OK
        report = get_visible_or_404(progress_report_list(user=request.user, project=project), pk=report.pk)
        return Response(self.get_serializer(report).data, status=answer)


# --- baselines ---------------------------------------------------------------------------------------------


class BaselineSerializer(serializers.ModelSerializer):
    """A schedule baseline: the date of each milestone in it, and its approval."""

    status_label = serializers.CharField(
        source="get_status_display", read_only=True, help_text=_("The status, in the language of the request.")
    )
    dates = serializers.DictField(
        child=serializers.DateField(), read_only=True,
        help_text=_("The date of each milestone in the baseline, by milestone kind."),
    )
    proposed_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text=_("User name of who proposed it.")
    )
    decided_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True,
        help_text=_("User name of who approved or declined it; null while undecided."),
    )

    class Meta:
        model = Baseline
        fields = [
            "id", "number", "status", "status_label", "dates", "reason", "proposed_by", "decided_by", "decided_at",
            "version", "created_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Identifier of the baseline; used in URLs.")},
            "number": {"help_text": _("Number of the baseline within the project, from 1.")},
            "status": {"help_text": _("Proposed, approved or declined.")},
            "reason": {"help_text": _("Why the baseline was proposed.")},
            "decided_at": {"help_text": _("When it was approved or declined; null while undecided.")},
            "version": {"help_text": _("Version of the record.")},
            "created_at": {"help_text": _("When it was proposed.")},
        }


class BaselineProposalSerializer(serializers.Serializer):
    """New baseline dates for some or all of the project's milestones, with the reason."""

    dates = serializers.DictField(
        child=serializers.DateField(), allow_empty=False,
        help_text=_("The new date of each milestone to move, by milestone kind (design, expertise, "
                    "tender_published, contract_signed, works_started, works_half, commissioned)."),
    )
    reason = serializers.CharField(max_length=2000, help_text=_("Why the schedule must change."))

    def validate_dates(self, value: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(value) - set(MilestoneKind.values))
        if unknown:
            raise serializers.ValidationError(
                _("Unknown milestones: %(kinds)s.") % {"kinds": ", ".join(unknown)}
            )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return refuse_unknown_fields(self, attrs)


class BaselineDecisionSerializer(serializers.Serializer):
    """The project office's decision on a proposed baseline."""

    approve = serializers.BooleanField(
        help_text=_("true approves the baseline (the milestones take its dates); false declines it.")
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, default="",
        help_text=_("Why; kept in the baseline's history."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return refuse_unknown_fields(self, attrs)


LOOKUP_BASELINE = OpenApiParameter("id", int, OpenApiParameter.PATH, description=_("Identifier of the baseline."))


@extend_schema(tags=["portfolio"], parameters=[PROJECT_IN_PATH])
class BaselineViewSet(ProjectChildViewSet):
    serializer_class = BaselineSerializer
    queryset = Baseline.objects.none()  # names the model for the schema; rows come from the selectors

    @extend_schema(
        summary=_("A project's baselines"),
        description=_("Every schedule baseline of the project, the first one first, with its status."),
        responses={200: BaselineSerializer(many=True), **AUTH_RESPONSES, 404: NOT_FOUND_RESPONSE},
    )
    def list(self, request: Request, project_id: str) -> Response:
        return Response(self.get_serializer(baseline_list(user=request.user, project=self.project), many=True).data)

    @extend_schema(
        summary=_("Propose a new baseline"),
        description=_(
            "Proposes new baseline dates, with a reason, for the project office to approve or decline. Those who "
            "may edit the project may propose; 409 while another proposal waits for a decision."
        ),
        request=BaselineProposalSerializer,
        responses={
            201: BaselineSerializer, 400: VALIDATION_RESPONSE, **AUTH_RESPONSES, 404: NOT_FOUND_RESPONSE,
            409: STATE_CONFLICT_RESPONSE, 415: JSON_ONLY_RESPONSE,
        },
    )
    def create(self, request: Request, project_id: str) -> Response:
        project = self.project
        proposal = BaselineProposalSerializer(data=request.data)
        proposal.is_valid(raise_exception=True)
        with portfolio_errors():
            baseline = baseline_propose(
                actor=request.user, project=project, dates=proposal.validated_data["dates"],
                reason=proposal.validated_data["reason"],
            )
        baseline = baseline_get(user=request.user, project=project, pk=baseline.pk)
        return Response(self.get_serializer(baseline).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Decide on a baseline"),
        description=_(
            "The project office approves a proposed baseline (the milestones take its dates) or declines it; "
            "409 when it has been decided already."
        ),
        parameters=[LOOKUP_BASELINE],
        request=BaselineDecisionSerializer,
        responses={
            200: BaselineSerializer, 400: VALIDATION_RESPONSE, **AUTH_RESPONSES, 404: NOT_FOUND_RESPONSE,
            409: STATE_CONFLICT_RESPONSE, 415: JSON_ONLY_RESPONSE,
        },
    )
    @action(detail=True, methods=["post"])
    def decision(self, request: Request, project_id: str, pk: str) -> Response:
        baseline = baseline_get(user=request.user, project=self.project, pk=int(pk))
        decision = BaselineDecisionSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        with portfolio_errors():
            baseline_decide(actor=request.user, baseline=baseline, approve=decision.validated_data["approve"],
                            reason=decision.validated_data["reason"])
        baseline = baseline_get(user=request.user, project=self.project, pk=baseline.pk)
        return Response(self.get_serializer(baseline).data)


# --- the dashboard summary ---------------------------------------------------------------------------------


class TotalsSerializer(serializers.Serializer):
    """The confirmed portfolio: projects in selection and beyond, rejected and cancelled left out."""

    count = serializers.IntegerField(help_text=_("Number of projects."))
    total = serializers.DecimalField(
        max_digits=20, decimal_places=2, help_text=_("Sum of their cost estimates, tenge: a decimal string.")
    )


class StageRowSerializer(serializers.Serializer):
    """One stage of the pipeline funnel."""

    stage = serializers.ChoiceField(choices=Stage.choices, help_text=_("The stage."))
    label = serializers.CharField(help_text=_("The stage, in the language of the request."))
    count = serializers.IntegerField(help_text=_("Number of projects at the stage."))
    total = serializers.DecimalField(
        max_digits=20, decimal_places=2, help_text=_("Sum of their cost estimates, tenge: a decimal string.")
    )


class ConfidenceRowSerializer(serializers.Serializer):
    """How many pipeline projects (commissioned ones left out) stand at one delivery confidence level."""

    confidence = serializers.ChoiceField(
        choices=DeliveryConfidence.choices, source="level", help_text=_("The delivery confidence level.")
    )
    label = serializers.CharField(help_text=_("The level, in the language of the request."))
    count = serializers.IntegerField(help_text=_("Number of projects at the level."))


class ReadinessSerializer(serializers.Serializer):
    """Readiness of the pipeline projects."""

    ready = serializers.IntegerField(help_text=_("Number of projects meeting all six readiness conditions."))
    under_refinement = serializers.IntegerField(help_text=_("Number of projects still missing a condition."))


class TargetRowSerializer(serializers.Serializer):
    """A programme target and what the counted projects achieved towards it."""

    id = serializers.IntegerField(help_text=_("Identifier of the target."))
    metric = serializers.ChoiceField(choices=TargetMetric.choices, help_text=_("What the target measures."))
    metric_label = serializers.CharField(help_text=_("The metric with its unit, in the language of the request."))
    year = serializers.IntegerField(allow_null=True, help_text=_("The year of the target; null for the whole period."))
    direction = serializers.CharField(
        allow_null=True, help_text=_("Code of the direction the target is set for; null for the national target.")
    )
    direction_name = serializers.CharField(
        allow_null=True, help_text=_("The direction, in the language of the request; null for the national target.")
    )
    target = serializers.DecimalField(max_digits=20, decimal_places=2, help_text=_("The target value: a decimal string."))
    achieved = serializers.DecimalField(
        max_digits=20, decimal_places=2, allow_null=True,
        help_text=_("Achieved by the projects counted, from their latest cumulative progress reports; for a year, "
                    "within that year. Null for a metric progress reports do not measure."),
    )
    percent = serializers.DecimalField(
        max_digits=8, decimal_places=1, allow_null=True,
        help_text=_("Achieved as a percentage of the target, one decimal; null when not measured."),
    )


class SummarySerializer(serializers.Serializer):
    """The dashboard's figures, all derived from the records."""

    totals = TotalsSerializer(help_text=_("The confirmed portfolio: count and sum of cost estimates."))
    stages = StageRowSerializer(many=True, help_text=_("The pipeline funnel: count and sum per stage, in order."))
    confidence = ConfidenceRowSerializer(
        many=True, help_text=_("Pipeline projects per delivery confidence level, from green to red.")
    )
    readiness = ReadinessSerializer(help_text=_("Ready and under-refinement counts among pipeline projects."))
    targets = TargetRowSerializer(
        many=True, help_text=_("Programme targets against achievement, by metric, year and direction.")
    )


class SummaryView(ApiViewMixin, APIView):
    @extend_schema(
        summary=_("Portfolio summary"),
        tags=["portfolio"],
        description=_(
            "The dashboard's figures over the projects the user may see, within the filters: the confirmed "
            "portfolio's count and sum, the pipeline funnel, delivery confidence, readiness, and the programme's "
            "targets against what the counted projects achieved. With a direction filter only that direction's "
            "targets are listed."
        ),
        parameters=[DashboardFilterSerializer],
        responses={200: SummarySerializer, 400: VALIDATION_RESPONSE, **AUTH_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        query = DashboardFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.filters()
        user = request.user
        funnel = pipeline_funnel(user=user, filters=filters)
        data = {
            "totals": portfolio_totals(funnel),
            "stages": funnel,
            "confidence": confidence_distribution(user=user, filters=filters),
            "readiness": readiness_summary(user=user, filters=filters),
            "targets": targets_against_achievement(user=user, filters=filters),
        }
        return Response(SummarySerializer(data).data)


# --- the region readiness rating ---------------------------------------------------------------------------

class RatingRowSerializer(serializers.Serializer):
    """One region's place in the readiness rating, with the breakdown of its index."""

    rank = serializers.IntegerField(help_text=_("Place in the rating, from 1."))
    region = serializers.CharField(help_text=_("Two-digit KATO code of the region."))
    name = serializers.CharField(help_text=_("The region, in the language of the request."))
    index = serializers.DecimalField(
        max_digits=6, decimal_places=2, help_text=_("The readiness index, 0 to 100: the sum of the contributions.")
    )
    projects = serializers.IntegerField(help_text=_("Number of the region's pipeline projects counted."))
    components = serializers.DictField(
        child=serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True),
        help_text=_("Each component's share, 0 to 1, by component (past_selection, readiness, tenders_on_time, "
                    "schedule, financing); null for a component without data."),
    )
    contributions = serializers.DictField(
        child=serializers.DecimalField(max_digits=6, decimal_places=2),
        help_text=_("Index points each component with data contributes (its share times its weight, the weights "
                    "of the components with data scaled to sum to 1)."),
    )
    previous_rank = serializers.IntegerField(
        allow_null=True, help_text=_("Place in the last monthly snapshot before this month; null when none.")
    )
    index_change = serializers.DecimalField(
        max_digits=7, decimal_places=2, allow_null=True,
        help_text=_("Index points gained (negative: lost) since that snapshot; null when none."),
    )


class RatingFilterSerializer(serializers.Serializer):
    """Query parameters of the rating."""

    direction = serializers.CharField(
        required=False, max_length=30, help_text=_("Rate only the projects of the direction with this code.")
    )

    def validate_direction(self, value: str) -> str:
        if not direction_list().filter(code=value).exists():
            raise serializers.ValidationError(_("There is no direction with this code."))
        return value


class RegionRatingView(ApiViewMixin, APIView):
    @extend_schema(
        summary=_("Region readiness rating"),
        tags=["portfolio"],
        description=_(
            "All 20 regions in rank order by the readiness index of their pipeline projects (every region's "
            "projects count, whoever asks), with each component, its contribution to the index and the change "
            "since the last monthly snapshot. The method is in docs/portfolio.md."
        ),
        parameters=[RatingFilterSerializer],
        responses={200: RatingRowSerializer(many=True), 400: VALIDATION_RESPONSE, **AUTH_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        query = RatingFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = rating_as_dicts(compute_rating(direction=query.validated_data.get("direction")))
        return Response(RatingRowSerializer(rows, many=True).data)


# --- routes ------------------------------------------------------------------------------------------------

router = SimpleRouter(trailing_slash=True)
router.register("projects", ProjectViewSet, basename="portfolio-project")
router.register(r"projects/(?P<project_id>\d+)/milestones", MilestoneViewSet, basename="portfolio-milestone")
router.register(r"projects/(?P<project_id>\d+)/progress", ProgressViewSet, basename="portfolio-progress")
router.register(r"projects/(?P<project_id>\d+)/baselines", BaselineViewSet, basename="portfolio-baseline")
