"""REST endpoints of the control of assignments: meetings, assignments, reports, extensions, summary and ranking.

Reads go through the assignments' selectors: a record the user may not see answers 404, like a missing one.
Writes go through its services, each inside ``service_errors()``: a refusal because of the user's role or
relation to the assignment answers 403, one because of the record's state (a move not possible from the
current status, a report or request decided already, a deadline met) 409, bad input 400. Overdue and the
state of each deadline are computed for a date, today unless the request names one with ``on``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_choice_field
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from meks.accounts.models import Organization, User
from meks.accounts.selectors import organization_list
from meks.assignments.choices import AssignmentStatus, ControlLevel, MeetingKind
from meks.assignments.models import Assignment, Deadline, ExtensionRequest, Meeting, Report
from meks.assignments.selectors import (
    AssignmentFilters,
    assignment_list,
    assignment_summary,
    discipline_ranking,
    due_soon,
    meeting_get,
    meeting_list,
    overdue_deadlines,
    visible_assignment_ids,
)
from meks.assignments.services import (
    assignment_issue,
    assignment_start,
    extension_decide,
    extension_request,
    meeting_create,
    report_accept,
    report_return,
    report_submit,
)
from meks.core.access import get_visible_or_404, scope_of
from meks.core.errors import ServiceError
from meks.portfolio.models import Project
from meks.portfolio.selectors import project_visibility
from meks.territory.models import Region, Settlement
from meks.territory.selectors import region_list, settlement_list

from .common import (
    AUTH_RESPONSES,
    NOT_FOUND_RESPONSE,
    VALIDATION_RESPONSE,
    ApiViewMixin,
    Conflict,
    DateQuerySerializer,
    service_errors,
)
from .common import query_date as common_query_date
from .portfolio import JSON_ONLY_RESPONSE, STATE_CONFLICT_RESPONSE, refuse_unknown_fields

#: Codes of service refusals that come from the record's state rather than the request: answered 409.
STATE_CONFLICTS = frozenset({"wrong_status", "nothing_due", "decided", "pending_exists", "fulfilled"})
#: The largest report attachment accepted, in bytes.
MAX_ATTACHMENT_SIZE = 20 * 1024 * 1024


@contextmanager
def assignment_errors() -> Iterator[None]:
    """``service_errors``, with refusals due to the record's state answered 409."""
    with service_errors():
        try:
            yield
        except ServiceError as error:
            if getattr(error, "code", None) in STATE_CONFLICTS:
                raise Conflict(" ".join(str(message) for message in error.messages)) from error
            raise




def issuable_meetings(user: Any) -> QuerySet[Meeting]:
    """Meetings the user may name when issuing: those it sees, and those its organization keeps under control.

    A chair's office sees a meeting through its assignments; a meeting it has just recorded has none yet.
    """
    organization = scope_of(user).organization_id
    controlled = Q(controlling_organization_id=organization) if organization else Q(pk__in=[])
    return Meeting.objects.filter(Q(pk__in=meeting_list(user=user).values("pk")) | controlled)


class NamedChoiceField(serializers.ChoiceField):
    """A choice field whose choices the schema describes once, as the enum component named ``enum_name``.

    Used for choice sets several components share under a field name other choice sets use too (``status``,
    ``kind``), which the schema generator could otherwise only name by a hash.
    """

    def __init__(self, *, enum_name: str, **kwargs: Any) -> None:
        self.enum_name = enum_name
        super().__init__(**kwargs)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField

    def get_name(self) -> str | None:
        # The named component lists the choices only; a field that may also be blank or null is described
        # inline, so that its schema admits "" or null as the answers really carry them.
        if self.target.allow_blank or self.target.allow_null:
            return None
        return self.target.enum_name

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        schema = build_choice_field(self.target)
        schema.pop("x-spec-enum-id", None)
        return schema


def assignment_status_field(**kwargs: Any) -> NamedChoiceField:
    return NamedChoiceField(enum_name="AssignmentStatusEnum", choices=AssignmentStatus.choices, **kwargs)


def meeting_kind_field(**kwargs: Any) -> NamedChoiceField:
    return NamedChoiceField(enum_name="MeetingKindEnum", choices=MeetingKind.choices, **kwargs)


# --- help texts shared by several serializers --------------------------------------------------------------

ON_HELP = _("The date overdue and the deadlines' states are computed for (YYYY-MM-DD); today when left out.")
ITEM_LABEL_HELP = _("The item as it is cited: the protocol number and the item number.")
LEAD_EXECUTOR_HELP = _("Identifier of the lead executor: the organization answering for the assignment.")
LEAD_OFFICIAL_HELP = _("User name of the official of the lead executor personally responsible.")
OFFICIAL_NAME_HELP = _("Surname, first name and patronymic of the responsible official.")

DEADLINE_STATES = [
    ("on_time", _("Met on time")),
    ("late", _("Met late")),
    ("overdue", _("Overdue")),
    ("open", _("Open")),
]
DEADLINE_STATE_LABELS = dict(DEADLINE_STATES)
RANKING_GROUPS = [
    ("organization", _("By lead executor (organization)")),
    ("official", _("By responsible official")),
]


class OnQuerySerializer(DateQuerySerializer):
    """The date figures are computed for."""

    on = serializers.DateField(required=False, help_text=ON_HELP)


def query_date(request: Request) -> dt.date:
    """The ``on`` query parameter of a valid request; today when left out (400 when malformed)."""
    return common_query_date(request, OnQuerySerializer)


# --- meetings ----------------------------------------------------------------------------------------------

MEETING_FIELD_HELP = {
    "kind": _("What the meeting was: a project office meeting, a government meeting, a working trip or a seminar."),
    "date": _("The day the meeting took place."),
    "title_ru": _("Title in Russian."),
    "title_kk": _("Title in Kazakh (empty when not yet translated)."),
    "title_en": _("Title in English (empty when not yet translated)."),
    "chair": _("Name and position of who chaired it."),
    "protocol_number": _("Number of the protocol; cited with the item number (empty when none)."),
    "place": _("Where it took place (empty when not recorded)."),
}
CONTROLLING_HELP = _("Identifier of the chair's office: the organization that keeps the assignments under control.")


class MeetingSerializer(serializers.ModelSerializer):
    """A meeting, seminar or working trip whose protocol gives assignments."""

    title = serializers.CharField(read_only=True, help_text=_("Title in the language of the request."))
    kind = meeting_kind_field(read_only=True, help_text=MEETING_FIELD_HELP["kind"])
    kind_label = serializers.CharField(
        source="get_kind_display", read_only=True, help_text=_("The kind, in the language of the request.")
    )
    controlling_organization = serializers.PrimaryKeyRelatedField(read_only=True, help_text=CONTROLLING_HELP)
    controlling_organization_name = serializers.CharField(
        source="controlling_organization.name", read_only=True,
        help_text=_("The chair's office, in the language of the request."),
    )
    assignment_count = serializers.IntegerField(
        read_only=True, help_text=_("Number of assignments of the meeting (all of them, whoever asks).")
    )

    class Meta:
        model = Meeting
        fields = [
            "id", "kind", "kind_label", "date", "title", "title_ru", "title_kk", "title_en", "chair",
            "controlling_organization", "controlling_organization_name", "protocol_number", "place",
            "assignment_count", "version", "created_at", "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {name: {"help_text": text} for name, text in MEETING_FIELD_HELP.items()} | {
            "id": {"help_text": _("Identifier of the meeting; used in URLs.")},
            "version": {"help_text": _("Version of the record.")},
            "created_at": {"help_text": _("When the meeting was recorded.")},
            "updated_at": {"help_text": _("When the record was last changed.")},
        }


class MeetingCreateSerializer(serializers.ModelSerializer):
    """A meeting to record; the project office, or the office that will keep its assignments under control."""

    kind = meeting_kind_field(help_text=MEETING_FIELD_HELP["kind"])
    controlling_organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.none(), help_text=CONTROLLING_HELP
    )

    class Meta:
        model = Meeting
        fields = ["kind", "date", "title_ru", "title_kk", "title_en", "chair", "controlling_organization",
                  "protocol_number", "place"]
        extra_kwargs = {name: {"help_text": text} for name, text in MEETING_FIELD_HELP.items()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["controlling_organization"].queryset = organization_list(user=request.user)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return refuse_unknown_fields(self, attrs)


LOOKUP_MEETING = OpenApiParameter("id", int, OpenApiParameter.PATH, description=_("Identifier of the meeting."))


class AssignmentsViewSet(ApiViewMixin, viewsets.GenericViewSet):
    """Defaults of the endpoints of the control of assignments."""

    parser_classes = (JSONParser,)
    lookup_value_regex = r"\d+"


@extend_schema(tags=["assignments"])
class MeetingViewSet(AssignmentsViewSet):
    serializer_class = MeetingSerializer
    queryset = Meeting.objects.none()  # names the model for the schema; rows come from the selectors

    @extend_schema(
        summary=_("Meetings"),
        description=_(
            "The meetings with at least one assignment the user may see (the project office sees all), the "
            "latest first, paginated."
        ),
        responses={200: MeetingSerializer(many=True), **AUTH_RESPONSES},
    )
    def list(self, request: Request) -> Response:
        meetings = meeting_list(user=request.user).select_related("controlling_organization").order_by("-date", "-pk")
        page = self.paginate_queryset(meetings)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary=_("One meeting"),
        description=_("One meeting; 404 when it does not exist or the user sees none of its assignments."),
        parameters=[LOOKUP_MEETING],
        responses={200: MeetingSerializer, **AUTH_RESPONSES, 404: NOT_FOUND_RESPONSE},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(meeting_get(user=request.user, pk=int(pk))).data)

    @extend_schema(
        summary=_("Record a meeting"),
        description=_(
            "Records a meeting whose protocol gives assignments. The project office may record any meeting; "
            "another organization only one it keeps under control itself (403 otherwise)."
        ),
        request=MeetingCreateSerializer,
        responses={201: MeetingSerializer, 400: VALIDATION_RESPONSE, **AUTH_RESPONSES, 415: JSON_ONLY_RESPONSE},
    )
    def create(self, request: Request) -> Response:
        serializer = MeetingCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with assignment_errors():
            meeting = meeting_create(actor=request.user, **serializer.validated_data)
        meeting.assignment_count = 0
        return Response(self.get_serializer(meeting).data, status=status.HTTP_201_CREATED)


# --- deadlines, reports and extension requests -------------------------------------------------------------


def deadline_state(deadline: Deadline, on: dt.date) -> str:
    """on_time or late once met, overdue while open past its date on ``on``, open otherwise."""
    if deadline.fulfilled_on is not None:
        return "on_time" if deadline.fulfilled_on <= deadline.due_date else "late"
    return "overdue" if deadline.due_date < on else "open"


def deadline_delay(deadline: Deadline, on: dt.date) -> int:
    """Days late: the report's date (or ``on``, while open) minus the due date; never below 0."""
    until = deadline.fulfilled_on or on
    return max((until - deadline.due_date).days, 0)


class DeadlineSerializer(serializers.ModelSerializer):
    """One date an assignment must be reported by, with its state on the date asked."""

    state = serializers.SerializerMethodField(
        help_text=_("on_time or late once an accepted report met it; overdue while open past its date; "
                    "open otherwise. Computed for the date asked (`on`).")
    )
    state_label = serializers.SerializerMethodField(help_text=_("The state, in the language of the request."))
    delay_days = serializers.SerializerMethodField(
        help_text=_("Days late: the accepted report's date, or the date asked while open, minus the due date; "
                    "0 when not late.")
    )
    extended = serializers.SerializerMethodField(
        help_text=_("True when an approved extension moved the due date from the original one.")
    )

    class Meta:
        model = Deadline
        fields = ["id", "period", "due_date", "original_due_date", "fulfilled_on", "state", "state_label",
                  "delay_days", "extended", "version"]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Identifier of the deadline; used in URLs.")},
            "period": {"help_text": _("The month reported on, for a recurring assignment; null for a one-off one.")},
            "due_date": {"help_text": _("The date the report is due by, after any approved extension.")},
            "original_due_date": {"help_text": _("The due date first set, before any extension.")},
            "fulfilled_on": {"help_text": _("Date of the accepted report that met it; null while open.")},
            "version": {"help_text": _("Version of the record.")},
        }

    def _on(self) -> dt.date:
        return self.context.get("on") or timezone.localdate()

    @extend_schema_field(serializers.ChoiceField(choices=DEADLINE_STATES))
    def get_state(self, deadline: Deadline) -> str:
        return deadline_state(deadline, self._on())

    def get_state_label(self, deadline: Deadline) -> str:
        return str(DEADLINE_STATE_LABELS[deadline_state(deadline, self._on())])

    def get_delay_days(self, deadline: Deadline) -> int:
        return deadline_delay(deadline, self._on())

    def get_extended(self, deadline: Deadline) -> bool:
        return deadline.due_date != deadline.original_due_date


class AssignmentReportSerializer(serializers.ModelSerializer):
    """An executor's report on an assignment (for a recurring one, on one deadline)."""

    organization = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text=_("Identifier of the executor that reported.")
    )
    organization_name = serializers.CharField(
        source="organization.name", read_only=True, help_text=_("The executor, in the language of the request.")
    )
    author = serializers.SlugRelatedField(slug_field="username", read_only=True, help_text=_("User name of who submitted the report."))
    author_name = serializers.CharField(
        source="author.get_full_name", read_only=True, help_text=_("Full name of who submitted the report.")
    )
    attachment = serializers.SerializerMethodField(
        help_text=_("Stored name of the attached file; empty when none.")
    )
    status_label = serializers.CharField(
        source="get_status_display", read_only=True, help_text=_("The status, in the language of the request.")
    )
    decided_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True,
        help_text=_("User name of who accepted or returned it; null while undecided."),
    )
    decided_by_name = serializers.CharField(
        source="decided_by.get_full_name", read_only=True, allow_null=True, default=None,
        help_text=_("Full name of who decided on it; null while undecided."),
    )

    class Meta:
        model = Report
        fields = ["id", "assignment", "deadline", "organization", "organization_name", "author", "author_name",
                  "submitted_on", "text", "attachment", "status", "status_label", "decision_note", "decided_by",
                  "decided_by_name", "version", "created_at"]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Identifier of the report; used in URLs.")},
            "assignment": {"help_text": _("Identifier of the assignment reported on.")},
            "deadline": {"help_text": _("Identifier of the deadline the report is meant to meet.")},
            "submitted_on": {"help_text": _("The day the report was submitted; an accepted report meets its "
                                            "deadline on this day.")},
            "text": {"help_text": _("What was done.")},
            "status": {"help_text": _("Submitted (waiting for a decision), accepted or returned for rework.")},
            "decision_note": {"help_text": _("The chair's office's note on accepting, or what must be reworked.")},
            "version": {"help_text": _("Version of the record.")},
            "created_at": {"help_text": _("When the report was recorded.")},
        }

    def get_attachment(self, report: Report) -> str:
        return report.attachment.name or ""


class ExtensionSerializer(serializers.ModelSerializer):
    """An executor's request to move a deadline, and the chair's office's decision."""

    assignment = serializers.IntegerField(
        source="deadline.assignment_id", read_only=True, help_text=_("Identifier of the assignment.")
    )
    requested_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text=_("User name of who asked for the extension.")
    )
    requested_by_name = serializers.CharField(
        source="requested_by.get_full_name", read_only=True, help_text=_("Full name of who asked for it.")
    )
    status_label = serializers.CharField(
        source="get_status_display", read_only=True, help_text=_("The status, in the language of the request.")
    )
    decided_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True,
        help_text=_("User name of who approved or declined it; null while undecided."),
    )
    decided_by_name = serializers.CharField(
        source="decided_by.get_full_name", read_only=True, allow_null=True, default=None,
        help_text=_("Full name of who decided on it; null while undecided."),
    )

    class Meta:
        model = ExtensionRequest
        fields = ["id", "deadline", "assignment", "requested_by", "requested_by_name", "requested_on",
                  "new_due_date", "reason", "status", "status_label", "decided_by", "decided_by_name",
                  "decision_note", "version", "created_at"]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Identifier of the request; used in URLs.")},
            "deadline": {"help_text": _("Identifier of the deadline to move.")},
            "requested_on": {"help_text": _("The day the extension was asked for.")},
            "new_due_date": {"help_text": _("The due date asked for; the deadline takes it when approved.")},
            "reason": {"help_text": _("Why the extension is needed.")},
            "status": {"help_text": _("Waiting for a decision, approved or declined.")},
            "decision_note": {"help_text": _("The chair's office's note on its decision.")},
            "version": {"help_text": _("Version of the record.")},
            "created_at": {"help_text": _("When the request was recorded.")},
        }


# --- assignments -------------------------------------------------------------------------------------------

ASSIGNMENT_FIELD_HELP = {
    "item_number": _("Number of the item in the protocol, e.g. 2.1; unique within the meeting."),
    "text_ru": _("What must be done, in Russian."),
    "text_kk": _("What must be done, in Kazakh (empty when not yet translated)."),
    "text_en": _("What must be done, in English (empty when not yet translated)."),
    "control_level": _("Whether the assignment is under national or regional control."),
    "deadline": _("For a one-off assignment: the deadline set when it was issued (an approved extension moves the "
                  "due date of its entry in `deadlines`, not this). Null for a recurring one."),
    "recurrence_day": _("For a recurring assignment: the day of each month (1 to 28) a report on the previous "
                        "month is due. Null for a one-off one."),
    "recurrence_until": _("For a recurring assignment: the last date a monthly report may fall due. "
                          "Null for a one-off one."),
}
CO_EXECUTORS_HELP = _("Identifiers of the co-executors: organizations that carry out the assignment with the lead.")
REGIONS_HELP = _("Two-digit KATO codes of the regions the assignment concerns.")
SETTLEMENTS_HELP = _("KATO codes of the settlements the assignment concerns.")
PROJECTS_HELP = _("Identifiers of the portfolio's projects the assignment concerns.")


class AssignmentSerializer(serializers.ModelSerializer):
    """An item of a meeting's protocol: what must be done, by whom, by when, and whether it is overdue."""

    label = serializers.CharField(source="__str__", read_only=True, help_text=ITEM_LABEL_HELP)
    meeting = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("Identifier of the meeting."))
    meeting_title = serializers.CharField(
        source="meeting.title", read_only=True, help_text=_("The meeting, in the language of the request.")
    )
    meeting_date = serializers.DateField(source="meeting.date", read_only=True, help_text=_("The meeting's date."))
    protocol_number = serializers.CharField(
        source="meeting.protocol_number", read_only=True, help_text=_("Number of the meeting's protocol.")
    )
    text = serializers.CharField(read_only=True, help_text=_("What must be done, in the language of the request."))
    lead_executor = serializers.PrimaryKeyRelatedField(read_only=True, help_text=LEAD_EXECUTOR_HELP)
    lead_executor_name = serializers.CharField(
        source="lead_executor.name", read_only=True, help_text=_("The lead executor, in the language of the request.")
    )
    lead_official = serializers.SlugRelatedField(slug_field="username", read_only=True, help_text=LEAD_OFFICIAL_HELP)
    lead_official_name = serializers.CharField(
        source="lead_official.get_full_name", read_only=True, help_text=OFFICIAL_NAME_HELP
    )
    co_executors = serializers.PrimaryKeyRelatedField(many=True, read_only=True, help_text=CO_EXECUTORS_HELP)
    regions = serializers.SlugRelatedField(slug_field="kato", many=True, read_only=True, help_text=REGIONS_HELP)
    settlements = serializers.SlugRelatedField(
        slug_field="kato", many=True, read_only=True, help_text=SETTLEMENTS_HELP
    )
    projects = serializers.PrimaryKeyRelatedField(many=True, read_only=True, help_text=PROJECTS_HELP)
    control_level_label = serializers.CharField(
        source="get_control_level_display", read_only=True,
        help_text=_("The control level, in the language of the request."),
    )
    status = assignment_status_field(
        read_only=True,
        help_text=_("Where the assignment is: issued, in progress, reported, returned for rework or accepted "
                    "(taken off control)."),
    )
    status_label = serializers.CharField(
        source="get_status_display", read_only=True, help_text=_("The status, in the language of the request.")
    )
    next_due = serializers.DateField(
        read_only=True, allow_null=True,
        help_text=_("The earliest due date no accepted report has met yet; null when every deadline is met."),
    )
    overdue_count = serializers.IntegerField(
        read_only=True, help_text=_("Number of its deadlines overdue on the date asked (`on`).")
    )
    worst_delay = serializers.IntegerField(
        read_only=True, help_text=_("Days the most overdue of its deadlines is past its date; 0 when none is.")
    )
    is_overdue = serializers.SerializerMethodField(
        help_text=_("True when a deadline is overdue on the date asked (`on`): overdue is computed, never a status.")
    )

    class Meta:
        model = Assignment
        fields = [
            "id", "label", "meeting", "meeting_title", "meeting_date", "protocol_number", "item_number", "text",
            "text_ru", "text_kk", "text_en", "lead_executor", "lead_executor_name", "lead_official",
            "lead_official_name", "co_executors", "control_level", "control_level_label", "status",
            "status_label", "deadline", "recurrence_day", "recurrence_until", "regions", "settlements", "projects",
            "next_due", "overdue_count", "worst_delay", "is_overdue", "version", "created_at", "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {name: {"help_text": text} for name, text in ASSIGNMENT_FIELD_HELP.items()} | {
            "id": {"help_text": _("Identifier of the assignment; used in URLs.")},
            "version": {"help_text": _("Version of the record.")},
            "created_at": {"help_text": _("When the assignment was issued.")},
            "updated_at": {"help_text": _("When the record was last changed.")},
        }

    def get_is_overdue(self, assignment: Assignment) -> bool:
        return bool(assignment.overdue_count)


class AssignmentDetailSerializer(AssignmentSerializer):
    """An assignment with its deadlines, reports and extension requests."""

    deadlines = DeadlineSerializer(
        many=True, read_only=True, help_text=_("Its deadlines, the earliest first, each with its state.")
    )
    reports = AssignmentReportSerializer(many=True, read_only=True, help_text=_("Its reports, the latest first."))
    extension_requests = ExtensionSerializer(
        many=True, read_only=True, source="extension_list",
        help_text=_("Requests to move its deadlines, the latest first."),
    )

    class Meta(AssignmentSerializer.Meta):
        fields = [*AssignmentSerializer.Meta.fields, "deadlines", "reports", "extension_requests"]
        read_only_fields = fields


class AssignmentFilterSerializer(OnQuerySerializer):
    """Query parameters of the assignment list."""

    executor = serializers.IntegerField(
        required=False, min_value=1,
        help_text=_("Only assignments whose lead executor or a co-executor is the organization with this identifier."),
    )
    meeting = serializers.IntegerField(
        required=False, min_value=1, help_text=_("Only assignments of the meeting with this identifier.")
    )
    status = serializers.ChoiceField(
        choices=AssignmentStatus.choices, required=False, help_text=_("Only assignments with this status.")
    )
    overdue = serializers.BooleanField(
        required=False, allow_null=True, default=None,
        help_text=_("true: only assignments with a deadline overdue on the date asked; false: only the others; "
                    "left out: all."),
    )
    q = serializers.CharField(
        required=False, max_length=100,
        help_text=_("Text to search for in the Russian and Kazakh texts, or an exact item number."),
    )

    def filters(self) -> AssignmentFilters:
        """The assignment filters of a valid request."""
        data = self.validated_data
        return AssignmentFilters(
            executor=data.get("executor"), meeting=data.get("meeting"), status=data.get("status"),
            overdue=data.get("overdue"), search=(data.get("q") or "").strip() or None,
        )


class AssignmentIssueSerializer(serializers.Serializer):
    """An assignment to issue from a meeting's protocol: a one-off deadline, or a monthly reporting day."""

    meeting = serializers.PrimaryKeyRelatedField(
        queryset=Meeting.objects.none(),
        help_text=_("Identifier of the meeting whose protocol gives the assignment."),
    )
    item_number = serializers.CharField(max_length=20, help_text=ASSIGNMENT_FIELD_HELP["item_number"])
    text_ru = serializers.CharField(help_text=ASSIGNMENT_FIELD_HELP["text_ru"])
    text_kk = serializers.CharField(required=False, allow_blank=True, default="",
                                    help_text=ASSIGNMENT_FIELD_HELP["text_kk"])
    text_en = serializers.CharField(required=False, allow_blank=True, default="",
                                    help_text=ASSIGNMENT_FIELD_HELP["text_en"])
    lead_executor = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.none(), help_text=LEAD_EXECUTOR_HELP
    )
    lead_official = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.none(),
        help_text=_("User name of the official personally responsible; must belong to the lead executor."),
    )
    control_level = serializers.ChoiceField(
        choices=ControlLevel.choices, help_text=ASSIGNMENT_FIELD_HELP["control_level"]
    )
    deadline = serializers.DateField(
        required=False, allow_null=True, default=None,
        help_text=_("For a one-off assignment: the date it must be reported by, not before the meeting. "
                    "Give either this or `recurrence_day`."),
    )
    recurrence_day = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=28,
        help_text=_("For a recurring assignment: the day of each month (1 to 28) the report on the previous "
                    "month is due; needs `recurrence_until`."),
    )
    recurrence_until = serializers.DateField(
        required=False, allow_null=True, default=None,
        help_text=_("For a recurring assignment: the last date a monthly report may fall due; after the meeting."),
    )
    co_executors = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Organization.objects.none(), help_text=CO_EXECUTORS_HELP
    )
    regions = serializers.SlugRelatedField(
        slug_field="kato", many=True, required=False, queryset=Region.objects.none(), help_text=REGIONS_HELP
    )
    settlements = serializers.SlugRelatedField(
        slug_field="kato", many=True, required=False, queryset=Settlement.objects.none(), help_text=SETTLEMENTS_HELP
    )
    projects = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Project.objects.none(), help_text=PROJECTS_HELP
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            user = request.user
            organizations = organization_list(user=user)
            self.fields["meeting"].queryset = issuable_meetings(user)
            self.fields["lead_executor"].queryset = organizations
            self.fields["lead_official"].queryset = User.objects.filter(is_active=True)
            self.fields["co_executors"].child_relation.queryset = organizations
            self.fields["regions"].child_relation.queryset = region_list(user=user)
            self.fields["settlements"].child_relation.queryset = settlement_list(user=user)
            self.fields["projects"].child_relation.queryset = Project.objects.filter(project_visibility(user))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        refuse_unknown_fields(self, attrs)
        if attrs.get("deadline") is not None and attrs.get("recurrence_until") is not None:
            raise serializers.ValidationError(
                {"recurrence_until": [_("Only a recurring assignment has an end date.")]}
            )
        if Assignment.objects.filter(meeting=attrs["meeting"], item_number=attrs["item_number"]).exists():
            raise serializers.ValidationError(
                {"item_number": [_("The meeting already has an assignment with this item number.")]}
            )
        return attrs


class ReportSubmitSerializer(serializers.Serializer):
    """A report on the assignment's earliest open deadline, with an optional attachment."""

    text = serializers.CharField(max_length=10000, help_text=_("What was done."))
    attachment = serializers.FileField(
        required=False, allow_empty_file=False,
        help_text=_("A file supporting the report (multipart/form-data only), at most 20 MB."),
    )

    def validate_attachment(self, value: Any) -> Any:
        if value is not None and value.size > MAX_ATTACHMENT_SIZE:
            raise serializers.ValidationError(_("The file is larger than 20 MB."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return refuse_unknown_fields(self, attrs)


LOOKUP_ASSIGNMENT = OpenApiParameter(
    "id", int, OpenApiParameter.PATH, description=_("Identifier of the assignment.")
)
def with_relations(queryset: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """The assignments with their co-executors, regions, settlements and projects: one query each."""
    return queryset.prefetch_related(
        Prefetch("co_executors", queryset=Organization.objects.only("pk")),
        Prefetch("regions", queryset=Region.objects.only("pk", "kato")),
        Prefetch("settlements", queryset=Settlement.objects.only("pk", "kato")),
        Prefetch("projects", queryset=Project.objects.only("pk")),
    )


def assignment_detail(*, user: Any, pk: int, on: dt.date) -> Assignment:
    """A visible assignment with its figures for ``on``, deadlines, reports and extension requests (404 if none)."""
    queryset = with_relations(assignment_list(user=user, on=on)).prefetch_related(
        Prefetch("deadlines", queryset=Deadline.objects.order_by("due_date", "pk")),
        Prefetch("reports", queryset=Report.objects.select_related("organization", "author", "decided_by")
                 .order_by("-submitted_on", "-pk")),
    )
    assignment = get_visible_or_404(queryset, pk=pk)
    assignment.extension_list = list(
        ExtensionRequest.objects.filter(deadline__assignment=assignment)
        .select_related("deadline", "requested_by", "decided_by").order_by("-requested_on", "-pk")
    )
    return assignment


def visible_reports(user: Any) -> QuerySet[Report]:
    return Report.objects.filter(assignment__in=visible_assignment_ids(user)).select_related(
        "assignment", "organization", "author", "decided_by"
    )


def visible_deadlines(user: Any) -> QuerySet[Deadline]:
    return Deadline.objects.filter(assignment__in=visible_assignment_ids(user)).select_related("assignment")


def visible_extension_requests(user: Any) -> QuerySet[ExtensionRequest]:
    return ExtensionRequest.objects.filter(deadline__assignment__in=visible_assignment_ids(user)).select_related(
        "deadline", "requested_by", "decided_by"
    )


JSON_OR_MULTIPART_RESPONSE = OpenApiResponse(description=_("The body is neither JSON nor multipart/form-data."))
ACTION_RESPONSES = {
    400: VALIDATION_RESPONSE, **AUTH_RESPONSES, 404: NOT_FOUND_RESPONSE, 409: STATE_CONFLICT_RESPONSE,
    415: JSON_ONLY_RESPONSE,
}


@extend_schema(tags=["assignments"])
class AssignmentViewSet(AssignmentsViewSet):
    serializer_class = AssignmentSerializer
    queryset = Assignment.objects.none()  # names the model for the schema; rows come from the selectors

    def detail_answer(self, pk: int, on: dt.date | None = None, answer: int = status.HTTP_200_OK) -> Response:
        on = on or timezone.localdate()
        assignment = assignment_detail(user=self.request.user, pk=pk, on=on)
        context = {**self.get_serializer_context(), "on": on}
        return Response(AssignmentDetailSerializer(assignment, context=context).data, status=answer)

    @extend_schema(
        summary=_("Assignments"),
        description=_(
            "The assignments the user may see (the project office all; another organization those it leads, "
            "co-executes or keeps under control), filtered and paginated, the next due first, each with its "
            "overdue deadlines and worst delay on the date asked."
        ),
        parameters=[AssignmentFilterSerializer],
        responses={200: AssignmentSerializer(many=True), 400: VALIDATION_RESPONSE, **AUTH_RESPONSES},
    )
    def list(self, request: Request) -> Response:
        query = AssignmentFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        queryset = with_relations(assignment_list(user=request.user, filters=query.filters(), on=query.on_date()))
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary=_("One assignment"),
        description=_(
            "One assignment with its deadlines (each on time, late, overdue or open on the date asked), its "
            "reports and its extension requests; 404 when it does not exist or the user may not see it."
        ),
        parameters=[LOOKUP_ASSIGNMENT, OnQuerySerializer],
        responses={200: AssignmentDetailSerializer, 400: VALIDATION_RESPONSE, **AUTH_RESPONSES,
                   404: NOT_FOUND_RESPONSE},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return self.detail_answer(int(pk), query_date(request))

    @extend_schema(
        summary=_("Issue an assignment"),
        description=_(
            "Issues an assignment from a meeting's protocol with a one-off deadline, or a monthly reporting day "
            "and an end date (a deadline per month is then created). The project office or the meeting's chair's "
            "office may issue (403 otherwise). Refused with 400: both or neither kind of deadline, a deadline "
            "before the meeting, a responsible official outside the lead executor, an item number taken."
        ),
        request=AssignmentIssueSerializer,
        responses={201: AssignmentDetailSerializer, 400: VALIDATION_RESPONSE, **AUTH_RESPONSES,
                   415: JSON_ONLY_RESPONSE},
    )
    def create(self, request: Request) -> Response:
        serializer = AssignmentIssueSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        for name in ("co_executors", "regions", "settlements", "projects"):
            data[name] = data.get(name) or []
        with assignment_errors():
            assignment = assignment_issue(actor=request.user, **data)
        return self.detail_answer(assignment.pk, answer=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Take an assignment into work"),
        description=_(
            "An executor (the lead or a co-executor) takes an issued assignment into work: 403 for anyone else, "
            "409 when it is not issued."
        ),
        parameters=[LOOKUP_ASSIGNMENT],
        request=None,
        responses={200: AssignmentDetailSerializer, **AUTH_RESPONSES, 404: NOT_FOUND_RESPONSE,
                   409: STATE_CONFLICT_RESPONSE},
    )
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str) -> Response:
        assignment = get_visible_or_404(assignment_list(user=request.user), pk=int(pk))
        with assignment_errors():
            assignment_start(actor=request.user, assignment=assignment)
        return self.detail_answer(assignment.pk)

    @extend_schema(
        summary=_("Report on an assignment"),
        description=_(
            "An executor reports on the assignment's earliest open deadline, as JSON or, with an attachment, as "
            "multipart/form-data; the assignment becomes reported. 403 for anyone but an executor; 409 while "
            "another report waits for a decision, once the assignment is accepted or every deadline is met."
        ),
        parameters=[LOOKUP_ASSIGNMENT],
        request=ReportSubmitSerializer,
        responses={201: AssignmentReportSerializer, **ACTION_RESPONSES, 415: JSON_OR_MULTIPART_RESPONSE},
    )
    @action(detail=True, methods=["post"], parser_classes=(JSONParser, MultiPartParser))
    def reports(self, request: Request, pk: str) -> Response:
        assignment = get_visible_or_404(assignment_list(user=request.user), pk=int(pk))
        submitted = ReportSubmitSerializer(data=request.data)
        submitted.is_valid(raise_exception=True)
        with assignment_errors():
            report = report_submit(actor=request.user, assignment=assignment, text=submitted.validated_data["text"],
                                   attachment=submitted.validated_data.get("attachment"))
        report = visible_reports(request.user).get(pk=report.pk)
        return Response(AssignmentReportSerializer(report).data, status=status.HTTP_201_CREATED)


class DecisionNoteSerializer(serializers.Serializer):
    """The chair's office's note on accepting a report."""

    note = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, default="",
        help_text=_("Optional note on the decision; kept with the report and in the history."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return refuse_unknown_fields(self, attrs)


class ReturnNoteSerializer(serializers.Serializer):
    """What must be reworked."""

    note = serializers.CharField(
        max_length=2000, help_text=_("What must be reworked; required. Kept with the report and in the history.")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return refuse_unknown_fields(self, attrs)


LOOKUP_REPORT = OpenApiParameter("id", int, OpenApiParameter.PATH, description=_("Identifier of the report."))


@extend_schema(tags=["assignments"], parameters=[LOOKUP_REPORT])
class ReportViewSet(AssignmentsViewSet):
    serializer_class = AssignmentReportSerializer
    queryset = Report.objects.none()  # names the model for the schema; rows come from the selectors

    def decided(self, report: Report) -> Response:
        return Response(self.get_serializer(visible_reports(self.request.user).get(pk=report.pk)).data)

    @extend_schema(
        summary=_("Accept a report"),
        description=_(
            "The chair's office accepts a submitted report: its deadline is met on the report's date, and the "
            "assignment is taken off control once every deadline is met (a recurring one goes on in progress). "
            "403 for anyone else and for an executor of the assignment; 409 when the report is decided already."
        ),
        request=DecisionNoteSerializer,
        responses={200: AssignmentReportSerializer, **ACTION_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        report = get_visible_or_404(visible_reports(request.user), pk=int(pk))
        decision = DecisionNoteSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        with assignment_errors():
            report_accept(actor=request.user, report=report, note=decision.validated_data["note"])
        return self.decided(report)

    @extend_schema(
        summary=_("Return a report for rework"),
        description=_(
            "The chair's office returns a submitted report, saying what must be reworked; the deadline stays "
            "open and the executor may report again. 403 for anyone else and for an executor of the assignment; "
            "409 when the report is decided already."
        ),
        request=ReturnNoteSerializer,
        responses={200: AssignmentReportSerializer, **ACTION_RESPONSES},
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_for_rework(self, request: Request, pk: str) -> Response:
        report = get_visible_or_404(visible_reports(request.user), pk=int(pk))
        decision = ReturnNoteSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        with assignment_errors():
            report_return(actor=request.user, report=report, note=decision.validated_data["note"])
        return self.decided(report)


class ExtensionAskSerializer(serializers.Serializer):
    """A later date asked for an open deadline, with the reason."""

    new_due_date = serializers.DateField(help_text=_("The due date asked for; later than the current one."))
    reason = serializers.CharField(max_length=2000, help_text=_("Why the extension is needed."))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return refuse_unknown_fields(self, attrs)


class ExtensionDecisionSerializer(serializers.Serializer):
    """The chair's office's decision on an extension request."""

    approve = serializers.BooleanField(
        help_text=_("true approves the request (the deadline takes the new date, the old one stays in its "
                    "history); false declines it.")
    )
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, default="",
        help_text=_("Optional note on the decision; kept with the request and in the history."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return refuse_unknown_fields(self, attrs)


LOOKUP_DEADLINE = OpenApiParameter("id", int, OpenApiParameter.PATH, description=_("Identifier of the deadline."))
LOOKUP_EXTENSION = OpenApiParameter(
    "id", int, OpenApiParameter.PATH, description=_("Identifier of the extension request.")
)


@extend_schema(tags=["assignments"], parameters=[LOOKUP_DEADLINE])
class DeadlineViewSet(AssignmentsViewSet):
    serializer_class = ExtensionSerializer
    queryset = Deadline.objects.none()  # names the model for the schema; rows come from the selectors

    @extend_schema(
        summary=_("Ask for an extension"),
        description=_(
            "An executor asks to move an open deadline to a later date, with the reason, for the chair's office "
            "to decide. 403 for anyone but an executor; 400 for a date not later than the current one; 409 when "
            "the deadline is met or another request waits for a decision."
        ),
        request=ExtensionAskSerializer,
        responses={201: ExtensionSerializer, **ACTION_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def extensions(self, request: Request, pk: str) -> Response:
        deadline = get_visible_or_404(visible_deadlines(request.user), pk=int(pk))
        asked = ExtensionAskSerializer(data=request.data)
        asked.is_valid(raise_exception=True)
        with assignment_errors():
            extension = extension_request(actor=request.user, deadline=deadline, **asked.validated_data)
        extension = visible_extension_requests(request.user).get(pk=extension.pk)
        return Response(self.get_serializer(extension).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["assignments"], parameters=[LOOKUP_EXTENSION])
class ExtensionViewSet(AssignmentsViewSet):
    serializer_class = ExtensionSerializer
    queryset = ExtensionRequest.objects.none()  # names the model for the schema; rows come from the selectors

    @extend_schema(
        summary=_("Decide on an extension"),
        description=_(
            "The chair's office approves an extension request (the deadline takes the new date; the old one "
            "stays in its history and as the original due date) or declines it. 403 for anyone else; 409 when "
            "it is decided already."
        ),
        request=ExtensionDecisionSerializer,
        responses={200: ExtensionSerializer, **ACTION_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def decision(self, request: Request, pk: str) -> Response:
        extension = get_visible_or_404(visible_extension_requests(request.user), pk=int(pk))
        decision = ExtensionDecisionSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        with assignment_errors():
            extension_decide(actor=request.user, request=extension, approve=decision.validated_data["approve"],
                             note=decision.validated_data["note"])
        extension = visible_extension_requests(request.user).get(pk=extension.pk)
        return Response(self.get_serializer(extension).data)


# --- the summary and the discipline ranking ----------------------------------------------------------------


class StatusCountSerializer(serializers.Serializer):
    """How many visible assignments stand at one status."""

    status = assignment_status_field(help_text=_("The status."))
    label = serializers.CharField(help_text=_("The status, in the language of the request."))
    count = serializers.IntegerField(help_text=_("Number of assignments with the status."))


class AssignmentFiguresSerializer(serializers.Serializer):
    """The dashboard's figures over the assignments the user may see."""

    total = serializers.IntegerField(help_text=_("Number of assignments."))
    by_status = StatusCountSerializer(many=True, help_text=_("Number of assignments per status, in order."))
    overdue = serializers.IntegerField(help_text=_("Number of deadlines overdue on the date asked."))
    due_soon = serializers.IntegerField(
        help_text=_("Number of open deadlines falling due within 14 days of the date asked (that day included).")
    )
    met_on_time = serializers.IntegerField(help_text=_("Number of deadlines met by an accepted report on time."))
    met_late = serializers.IntegerField(help_text=_("Number of deadlines met by an accepted report after their date."))


class DeadlineRowSerializer(serializers.Serializer):
    """An open deadline of an assignment, with the assignment it belongs to."""

    deadline = serializers.IntegerField(source="pk", help_text=_("Identifier of the deadline."))
    assignment = serializers.IntegerField(source="assignment_id", help_text=_("Identifier of the assignment."))
    item = serializers.CharField(source="assignment", help_text=ITEM_LABEL_HELP)
    meeting = serializers.IntegerField(source="assignment.meeting_id", help_text=_("Identifier of the meeting."))
    meeting_title = serializers.CharField(
        source="assignment.meeting.title", help_text=_("The meeting, in the language of the request.")
    )
    due_date = serializers.DateField(help_text=_("The date the report is due by."))
    lead_executor = serializers.IntegerField(source="assignment.lead_executor_id", help_text=LEAD_EXECUTOR_HELP)
    lead_executor_name = serializers.CharField(
        source="assignment.lead_executor.name", help_text=_("The lead executor, in the language of the request.")
    )
    lead_official = serializers.CharField(source="assignment.lead_official.username", help_text=LEAD_OFFICIAL_HELP)
    lead_official_name = serializers.CharField(
        source="assignment.lead_official.get_full_name", help_text=OFFICIAL_NAME_HELP
    )


class OverdueDeadlineSerializer(DeadlineRowSerializer):
    """A deadline overdue on the date asked."""

    days_overdue = serializers.IntegerField(help_text=_("Days past its due date on the date asked."))


class DueSoonDeadlineSerializer(DeadlineRowSerializer):
    """An open deadline falling due within 14 days of the date asked."""

    days_left = serializers.IntegerField(help_text=_("Days from the date asked to the due date (0: due that day)."))


class DisciplineRowSerializer(serializers.Serializer):
    """One executor's place in the ranking of executive discipline, over the deadlines come due or met."""

    rank = serializers.IntegerField(help_text=_("Place in the ranking, from 1."))
    key = serializers.IntegerField(
        help_text=_("Identifier of the organization (ranking by organization) or of the official (by official).")
    )
    name = serializers.CharField(
        help_text=_("The organization in the language of the request, or the official's full name.")
    )
    organization = serializers.CharField(
        help_text=_("The organization: the lead executor itself, or the one the official answers for.")
    )
    due = serializers.IntegerField(help_text=_("Number of deadlines come due or met by the date asked."))
    on_time = serializers.IntegerField(help_text=_("Number of them met by an accepted report on time."))
    late = serializers.IntegerField(help_text=_("Number of them met by an accepted report after their date."))
    overdue = serializers.IntegerField(help_text=_("Number of them still open past their date."))
    average_delay = serializers.DecimalField(
        max_digits=8, decimal_places=1,
        help_text=_("Average delay in days, one decimal, over the late and the overdue ones (late: report date "
                    "minus due date; overdue: the date asked minus due date): a decimal string."),
    )
    share_on_time = serializers.DecimalField(
        max_digits=4, decimal_places=3,
        help_text=_("Share of the deadlines met on time, 0 to 1, three decimals: a decimal string."),
    )


class AssignmentSummarySerializer(serializers.Serializer):
    """The dashboard of the control of assignments, computed for one date."""

    on = serializers.DateField(help_text=_("The date the figures are computed for."))
    figures = AssignmentFiguresSerializer(help_text=_("Counts of assignments and deadlines."))
    overdue = OverdueDeadlineSerializer(
        many=True, help_text=_("Every deadline overdue on the date asked, the most overdue first.")
    )
    due_soon = DueSoonDeadlineSerializer(
        many=True, help_text=_("Every open deadline falling due within 14 days of the date asked, the earliest first.")
    )
    ranking = DisciplineRowSerializer(
        many=True, help_text=_("Lead executors ranked by executive discipline (as at `ranking/`).")
    )


class RankingQuerySerializer(OnQuerySerializer):
    """Query parameters of the discipline ranking."""

    by = serializers.ChoiceField(
        choices=RANKING_GROUPS, required=False, default="organization",
        help_text=_("Rank lead executors (organization, the default) or responsible officials (official)."),
    )


class AssignmentSummaryView(ApiViewMixin, APIView):
    @extend_schema(
        summary=_("Assignments summary"),
        tags=["assignments"],
        description=_(
            "The dashboard's figures over the assignments the user may see, computed for the date asked (today "
            "by default): counts by status, deadlines overdue, due within 14 days, met on time and late; the "
            "overdue and the due-soon deadlines themselves; and the discipline ranking of the lead executors."
        ),
        parameters=[OnQuerySerializer],
        responses={200: AssignmentSummarySerializer, 400: VALIDATION_RESPONSE, **AUTH_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        on = query_date(request)
        user = request.user
        figures = assignment_summary(user=user, on=on)
        data = {
            "on": figures.pop("on"),
            "figures": figures,
            "overdue": overdue_deadlines(user=user, on=on),
            "due_soon": due_soon(user=user, on=on),
            "ranking": discipline_ranking(user=user, on=on, by="organization"),
        }
        return Response(AssignmentSummarySerializer(data).data)


class DisciplineRankingView(ApiViewMixin, APIView):
    @extend_schema(
        summary=_("Discipline ranking"),
        tags=["assignments"],
        description=_(
            "Lead executors (or responsible officials) ranked by executive discipline over the deadlines of the "
            "assignments the user may see that have come due or been met by the date asked: by the share met on "
            "time, then the fewest overdue, then the smallest average delay. The method is in "
            "docs/assignments.md."
        ),
        parameters=[RankingQuerySerializer],
        responses={200: DisciplineRowSerializer(many=True), 400: VALIDATION_RESPONSE, **AUTH_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        query = RankingQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = discipline_ranking(user=request.user, on=query.on_date(), by=query.validated_data["by"])
        return Response(DisciplineRowSerializer(rows, many=True).data)


# --- routes ------------------------------------------------------------------------------------------------

router = SimpleRouter(trailing_slash=True)
router.register("meetings", MeetingViewSet, basename="assignments-meeting")
router.register("items", AssignmentViewSet, basename="assignments-item")
router.register("reports", ReportViewSet, basename="assignments-report")
router.register("deadlines", DeadlineViewSet, basename="assignments-deadline")
router.register("extensions", ExtensionViewSet, basename="assignments-extension")
