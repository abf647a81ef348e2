"""REST endpoints of financing, mounted under /api/v1/finance/.

Channels, applications and their lifecycle, decisions, tranches, budget lines, financing plans, the mismatch
report and the dashboard summary.

Reads go through the financing selectors: an application the user may not see answers 404, like a missing
one (a bank sees only the applications routed to it). Writes go through its services inside
``finance_errors()``: a refusal because of the user's role answers 403, one because of the record's state
(a move not possible from the current status, a stale ``version``, a decision already recorded) 409, bad
input 400 with the reason per field.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from meks.accounts.models import Organization
from meks.core.errors import ServiceError
from meks.finance.choices import (
    DOCUMENTS,
    ApplicationStatus,
    DisbursementFlag,
    LenderKind,
    MismatchKind,
)
from meks.finance.lifecycle import INTERNAL_ACTIONS, TRANSITIONS
from meks.finance.models import BudgetLine, FinancingApplication, FinancingChannel, FinancingPlan, StageChange, Tranche
from meks.finance.selectors import (
    SORTS,
    ApplicationFilters,
    BudgetFilters,
    applicable_projects,
    application_available_actions,
    application_get,
    application_list,
    application_stage_log,
    application_stage_times,
    application_tranches,
    budget_line_get,
    budget_line_list,
    budget_mismatches,
    channel_list,
    finance_summary,
    financing_plan_list,
)
from meks.finance.services import (
    application_create,
    application_transition,
    application_update,
    budget_line_create,
    budget_line_update,
    decision_record,
    financing_plan_set,
    tranche_pay,
    tranche_plan,
)
from meks.portfolio.models import Project
from meks.portfolio.selectors import project_visibility
from meks.territory.models import Region

from .assignments import NamedChoiceField
from .common import (
    AUTH_RESPONSES,
    CONFLICT_RESPONSE,
    NOT_FOUND_RESPONSE,
    VALIDATION_RESPONSE,
    ApiViewMixin,
    Conflict,
    ErrorSerializer,
    VersionedChangeMixin,
    service_errors,
)

#: Codes of service refusals that come from the record's state rather than the request: answered 409.
STATE_CONFLICTS = frozenset({"wrong_status", "not_approved", "duplicate", "backdated"})
STATUS_LABELS = dict(ApplicationStatus.choices)
MONEY = {"max_digits": 18, "decimal_places": 2}
JSON_ONLY_RESPONSE = OpenApiResponse(description=_("The body is not JSON."))
STATE_CONFLICT_RESPONSE = OpenApiResponse(
    ErrorSerializer,
    description=_("Not possible in the record's current state, or the record changed since the version sent. "
                  "Nothing saved."),
)
WRITE_RESPONSES = {400: VALIDATION_RESPONSE, **AUTH_RESPONSES, 404: NOT_FOUND_RESPONSE,
                   409: STATE_CONFLICT_RESPONSE, 415: JSON_ONLY_RESPONSE}
LOOKUP_APPLICATION = OpenApiParameter("id", int, OpenApiParameter.PATH,
                                      description=_("Identifier of the financing application."))
LOOKUP_LINE = OpenApiParameter("id", int, OpenApiParameter.PATH, description=_("Identifier of the budget line."))


@contextmanager
def finance_errors() -> Iterator[None]:
    """``service_errors``, with refusals due to the record's state answered 409."""
    with service_errors():
        try:
            yield
        except ServiceError as error:
            if getattr(error, "code", None) in STATE_CONFLICTS:
                raise Conflict(" ".join(str(message) for message in error.messages)) from error
            raise


def refuse_unknown(serializer: serializers.Serializer, attrs: dict[str, Any]) -> dict[str, Any]:
    """Refuse fields the request serializer does not know rather than silently dropping them."""
    unknown = sorted(set(getattr(serializer, "initial_data", {}) or {}) - set(serializer.fields))
    if unknown:
        raise serializers.ValidationError({name: [_("This field does not exist or cannot be changed.")]
                                           for name in unknown})
    return attrs


def status_field(**kwargs: Any) -> NamedChoiceField:
    return NamedChoiceField(enum_name="FinanceApplicationStatusEnum", choices=ApplicationStatus.choices, **kwargs)


def flag_field(**kwargs: Any) -> NamedChoiceField:
    return NamedChoiceField(enum_name="DisbursementFlagEnum", choices=DisbursementFlag.choices, **kwargs)


class LabelField(serializers.CharField):
    """A read-only label in the language of the request for a coded attribute."""

    def __init__(self, *, labels: dict[Any, Any], **kwargs: Any) -> None:
        self.labels = labels
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value: Any) -> str:
        label = self.labels.get(value)
        return "" if label is None else str(label)


class FinanceViewSet(ApiViewMixin, viewsets.GenericViewSet):
    """Only users whose roles see something of financing reach these endpoints (others: 404 on records)."""

    parser_classes = (JSONParser,)
    lookup_value_regex = r"\d+"


# --- channels ----------------------------------------------------------------------------------------------


class FinanceChannelSerializer(serializers.ModelSerializer):
    """A financing channel (reference data)."""

    name = serializers.CharField(read_only=True, help_text=_("The name in the language of the request."))
    lender_kind_label = serializers.CharField(source="get_lender_kind_display", read_only=True,
                                              help_text=_("The lender kind, in the language of the request."))

    class Meta:
        model = FinancingChannel
        fields = ["code", "name", "name_ru", "name_kk", "name_en", "lender_kind", "lender_kind_label",
                  "rate_subsidised", "order", "is_active"]
        read_only_fields = fields
        extra_kwargs = {
            "code": {"help_text": _("Code of the channel, used in filters.")},
            "lender_kind": {"help_text": _("Which kind of organization the channel routes applications to.")},
            "rate_subsidised": {"help_text": _("True when the interest rate is subsidised.")},
            "order": {"help_text": _("Display order.")},
            "is_active": {"help_text": _("False for a channel closed to new applications.")},
        }


@extend_schema(tags=["finance"])
class ChannelViewSet(FinanceViewSet):
    serializer_class = FinanceChannelSerializer
    queryset = FinancingChannel.objects.none()
    pagination_class = None

    @extend_schema(summary=_("Financing channels"),
                   description=_("The financing channels open to applications, in display order."),
                   responses={200: FinanceChannelSerializer(many=True), **AUTH_RESPONSES})
    def list(self, request: Request) -> Response:
        return Response(self.get_serializer(channel_list(), many=True).data)


# --- applications ------------------------------------------------------------------------------------------


class FinanceDecisionSerializer(serializers.Serializer):
    """The decision approving an application."""

    body = serializers.CharField(help_text=_("The body that decided (a credit committee, a board)."))
    number = serializers.CharField(help_text=_("The decision's number."))
    date = serializers.DateField(help_text=_("The decision's date."))
    amount_approved = serializers.DecimalField(**MONEY, help_text=_("Amount approved, tenge."))
    amount_reason = serializers.CharField(help_text=_("Why the amount differs from the request (empty when equal)."))
    conditions = serializers.CharField(help_text=_("Conditions of the decision."))
    round = serializers.IntegerField(help_text=_("The financing round."))
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True, default=None,
                                       help_text=_("User name of who recorded it."))
    version = serializers.IntegerField(help_text=_("Version of the decision."))


class ApplicationSerializer(serializers.ModelSerializer):
    """A financing application with its derived figures."""

    project = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("Identifier of the project."))
    project_code = serializers.CharField(source="project.code", read_only=True, help_text=_("Code of the project."))
    project_title = serializers.CharField(source="project.title", read_only=True,
                                          help_text=_("Title of the project in the language of the request."))
    region = serializers.CharField(source="project.region.kato", read_only=True,
                                   help_text=_("KATO code of the project's region."))
    channel = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=_("Code of the channel."))
    channel_name = serializers.CharField(source="channel.name", read_only=True,
                                         help_text=_("The channel, in the language of the request."))
    lender_kind = serializers.CharField(source="channel.lender_kind", read_only=True,
                                        help_text=_("The channel's lender kind."))
    applicant = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("Identifier of the applicant (the project's owner)."))
    lender = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True,
                                                help_text=_("Identifier of the lender it is routed to; null before."))
    lender_name = serializers.CharField(source="lender.name", read_only=True, allow_null=True, default=None,
                                        help_text=_("The lender, in the language of the request; null before routing."))
    status = status_field(read_only=True, help_text=_("Status of the application."))
    status_label = LabelField(source="status", labels=STATUS_LABELS,
                              help_text=_("The status, in the language of the request."))
    amount_approved = serializers.DecimalField(**MONEY, read_only=True, help_text=_("Amount approved, tenge (0 before approval)."))
    paid_total = serializers.DecimalField(**MONEY, read_only=True, help_text=_("Paid so far, tenge."))
    planned_total = serializers.DecimalField(**MONEY, read_only=True, help_text=_("Tranches planned, tenge."))
    completion_percent = serializers.DecimalField(max_digits=9, decimal_places=2, read_only=True,
                                                  help_text=_("The project's physical completion, % (latest report)."))
    paid_percent = serializers.DecimalField(max_digits=9, decimal_places=2, read_only=True,
                                            help_text=_("Share of the amount approved paid, %."))
    disbursement_flag = flag_field(read_only=True,
                                                help_text=_("How the money paid compares with physical progress."))
    documents = serializers.DictField(child=serializers.BooleanField(), read_only=True,
                                      help_text=_("Documents checklist: document key to whether it is attached."))
    priority_rank = serializers.IntegerField(read_only=True, default=None, allow_null=True,
                                             help_text=_("The region's place in the funding priority (1 first; "
                                                         "9999 when unknown); in lists only."))
    priority_zone = serializers.CharField(read_only=True, default="", allow_blank=True,
                                          help_text=_("The region's wear zone (red, yellow, green); in lists only."))

    class Meta:
        model = FinancingApplication
        fields = ["id", "number", "project", "project_code", "project_title", "region", "channel", "channel_name",
                  "lender_kind", "amount_requested", "term_months", "rate", "conditions", "documents", "applicant",
                  "lender", "lender_name", "status", "status_label", "status_changed_at", "round",
                  "agreement_number", "agreement_date", "remarks", "amount_approved", "paid_total", "planned_total",
                  "completion_percent", "paid_percent", "disbursement_flag", "priority_rank", "priority_zone", "version",
                  "created_at", "updated_at"]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Identifier of the application.")},
            "number": {"help_text": _("Number of the application.")},
            "amount_requested": {"help_text": _("Amount requested, tenge.")},
            "term_months": {"help_text": _("Term, months.")},
            "rate": {"help_text": _("Interest rate, % a year.")},
            "conditions": {"help_text": _("Conditions asked for.")},
            "status_changed_at": {"help_text": _("When it entered its current stage.")},
            "round": {"help_text": _("The financing round it was approved in; null before approval.")},
            "agreement_number": {"help_text": _("Number of the signed agreement.")},
            "agreement_date": {"help_text": _("Date of the signed agreement.")},
            "remarks": {"help_text": _("The remarks it was returned with or the reason it was rejected.")},
            "version": {"help_text": _("Version of the application (send it back with changes and moves).")},
            "created_at": {"help_text": _("When it was drafted.")},
            "updated_at": {"help_text": _("When it last changed.")},
        }


class ApplicationDetailSerializer(ApplicationSerializer):
    """A financing application with its decision."""

    decision = serializers.SerializerMethodField(help_text=_("The approving decision; null before approval."))

    class Meta(ApplicationSerializer.Meta):
        fields = [*ApplicationSerializer.Meta.fields, "decision"]
        read_only_fields = fields

    @extend_schema_field(FinanceDecisionSerializer(allow_null=True))
    def get_decision(self, application: FinancingApplication) -> dict[str, Any] | None:
        decision = getattr(application, "decision", None)
        return None if decision is None else FinanceDecisionSerializer(decision).data


class ApplicationFilterSerializer(serializers.Serializer):
    """Filters of the application list; the dashboard's figures carry the ones that list their records."""

    status = serializers.CharField(required=False, help_text=_("Status code, or several separated by commas."))
    channel = serializers.CharField(required=False, help_text=_("Code of the channel."))
    lender_kind = serializers.CharField(required=False,
                                        help_text=_("Lender kind of the channel, or several separated by commas."))
    lender = serializers.IntegerField(required=False, help_text=_("Identifier of the lender organization."))
    round = serializers.IntegerField(required=False, min_value=1, help_text=_("The financing round."))
    region = serializers.CharField(required=False, help_text=_("KATO code of the project's region."))
    project = serializers.CharField(required=False, help_text=_("Code of the project."))
    overdue = serializers.ChoiceField(required=False, choices=["1", "0"],
                                      help_text=_("1: only those waiting longer than their stage's target; 0: the others."))
    flag = flag_field(required=False,
                                   help_text=_("Disbursement flag against physical progress."))
    zone = serializers.CharField(required=False, help_text=_("Funding priority zone of the region (from the indicators)."))
    q = serializers.CharField(required=False, help_text=_("Text in the application number, project code or title."))
    sort = serializers.ChoiceField(required=False, choices=sorted(SORTS),
                                   help_text=_("Sort order; `priority` sorts by the region's funding priority."))
    limit = serializers.IntegerField(required=False, min_value=1, help_text=_("Page size."))
    offset = serializers.IntegerField(required=False, min_value=0, help_text=_("Rows to skip."))

    def filters(self) -> ApplicationFilters:
        return ApplicationFilters.from_query({key: str(value) for key, value in self.validated_data.items()})


class ApplicationCreateSerializer(serializers.Serializer):
    """A new application (a draft)."""

    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.none(),
                                                 help_text=_("Identifier of the project (one the user may apply for)."))
    channel = serializers.SlugRelatedField(slug_field="code", queryset=FinancingChannel.objects.all(),
                                           help_text=_("Code of the financing channel."))
    amount_requested = serializers.DecimalField(**MONEY, help_text=_("Amount requested, tenge (positive)."))
    term_months = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=480,
                                           help_text=_("Term, months."))
    rate = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True,
                                    help_text=_("Interest rate, % a year."))
    conditions = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("Conditions asked for."))
    documents = serializers.DictField(child=serializers.BooleanField(), required=False,
                                      help_text=_("Documents checklist: document key to whether it is attached. Keys: ")
                                      + ", ".join(DOCUMENTS))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["project"].queryset = applicable_projects(user=request.user)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return refuse_unknown(self, attrs)


class ApplicationChangeSerializer(VersionedChangeMixin):
    """Changes to a draft or returned application; only the fields sent change."""

    channel = serializers.SlugRelatedField(slug_field="code", queryset=FinancingChannel.objects.all(), required=False,
                                           help_text=_("Code of the financing channel."))
    amount_requested = serializers.DecimalField(**MONEY, required=False, help_text=_("Amount requested, tenge."))
    term_months = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=480,
                                           help_text=_("Term, months."))
    rate = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True,
                                    help_text=_("Interest rate, % a year."))
    conditions = serializers.CharField(required=False, allow_blank=True, help_text=_("Conditions asked for."))
    documents = serializers.DictField(child=serializers.BooleanField(), required=False,
                                      help_text=_("Documents checklist: document key to whether it is attached."))


ACTIONS = [(t.action, t.action) for t in TRANSITIONS if t.action not in INTERNAL_ACTIONS]


class FinanceAvailableActionSerializer(serializers.Serializer):
    """A move the user may make now."""

    action = serializers.CharField(help_text=_("The move's name; `transition` kinds are sent back to make them."))
    label = serializers.CharField(help_text=_("The move, in the language of the request."))
    kind = serializers.ChoiceField(
        choices=["transition", "decide", "plan_tranche", "pay_tranche"],
        help_text=_("Which endpoint makes it: transitions, decision, tranches or payments."),
    )
    target = serializers.CharField(allow_null=True, help_text=_("The status it leads to (null when it stays)."))
    needs_reason = serializers.BooleanField(help_text=_("True when a reason is required."))
    needs_lender = serializers.BooleanField(help_text=_("True when the lender must be named."))
    needs_agreement = serializers.BooleanField(help_text=_("True when the agreement's number and date are required."))


class FinanceTransitionSerializer(serializers.Serializer):
    """A lifecycle move to make."""

    action = NamedChoiceField(enum_name="FinanceActionEnum", choices=ACTIONS,
                              help_text=_("The move's name (see the transitions list)."))
    version = serializers.IntegerField(min_value=1, help_text=_("The version of the application read (409 when stale)."))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="",
                                   help_text=_("Why; required for returning, rejecting and withdrawing."))
    lender = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.filter(kind__in=["development_bank", "bank", "housing_company"]),
        required=False, allow_null=True, default=None,
        help_text=_("For `route`: identifier of the lender organization (for loan and bond channels)."),
    )
    agreement_number = serializers.CharField(required=False, allow_blank=True, default="", max_length=60,
                                             help_text=_("For `sign_agreement`: the agreement's number."))
    agreement_date = serializers.DateField(required=False, allow_null=True, default=None,
                                           help_text=_("For `sign_agreement`: the agreement's date."))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return refuse_unknown(self, attrs)


class FinanceDecisionRecordSerializer(serializers.Serializer):
    """The decision approving a routed application."""

    version = serializers.IntegerField(min_value=1, help_text=_("The version of the application read (409 when stale)."))
    body = serializers.CharField(max_length=300, help_text=_("The body that decided."))
    number = serializers.CharField(max_length=60, help_text=_("The decision's number."))
    date = serializers.DateField(help_text=_("The decision's date."))
    amount_approved = serializers.DecimalField(**MONEY, help_text=_("Amount approved, tenge."))
    round = serializers.IntegerField(min_value=1, help_text=_("The financing round."))
    amount_reason = serializers.CharField(required=False, allow_blank=True, default="",
                                          help_text=_("Required when the amount differs from the request."))
    conditions = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("Conditions."))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return refuse_unknown(self, attrs)


class FinanceTrancheSerializer(serializers.ModelSerializer):
    """A tranche: planned and, once paid, when and how much."""

    class Meta:
        model = Tranche
        fields = ["id", "number", "planned_date", "planned_amount", "paid_on", "paid_amount", "version"]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Identifier of the tranche.")},
            "number": {"help_text": _("Number of the tranche within the application.")},
            "planned_date": {"help_text": _("Planned date; null for a payment off the schedule.")},
            "planned_amount": {"help_text": _("Planned amount, tenge.")},
            "paid_on": {"help_text": _("Date paid; null while unpaid.")},
            "paid_amount": {"help_text": _("Amount paid, tenge; null while unpaid.")},
            "version": {"help_text": _("Version of the tranche.")},
        }


class FinanceTranchePlanSerializer(serializers.Serializer):
    """A tranche to plan."""

    planned_date = serializers.DateField(help_text=_("Planned date."))
    planned_amount = serializers.DecimalField(**MONEY, help_text=_("Planned amount, tenge (positive)."))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return refuse_unknown(self, attrs)


class FinancePaymentSerializer(serializers.Serializer):
    """A payment of a tranche."""

    amount = serializers.DecimalField(**MONEY, help_text=_("Amount paid, tenge; the total may not exceed the approval."))
    paid_on = serializers.DateField(help_text=_("Date paid."))
    tranche = serializers.IntegerField(required=False, allow_null=True, default=None,
                                       help_text=_("Identifier of the planned tranche paid; none for a payment off the schedule."))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return refuse_unknown(self, attrs)


class FinanceStageChangeSerializer(serializers.ModelSerializer):
    """One lifecycle move of an application."""

    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True,
                                         help_text=_("User name of who made the move."))
    from_status = status_field(read_only=True, allow_blank=True, help_text=_("Status left (empty for the drafting)."))
    to_status = status_field(read_only=True, help_text=_("Status entered."))

    class Meta:
        model = StageChange
        fields = ["from_status", "to_status", "actor", "reason", "changed_at", "days_in_stage"]
        read_only_fields = fields
        extra_kwargs = {
            "reason": {"help_text": _("Reason given.")},
            "changed_at": {"help_text": _("When.")},
            "days_in_stage": {"help_text": _("Calendar days spent in the status left.")},
        }


class FinanceStageTimeSerializer(serializers.Serializer):
    """Days spent in one stage against its target."""

    status = serializers.CharField(help_text=_("Status code."))
    label = serializers.CharField(help_text=_("The status, in the language of the request."))
    days = serializers.DecimalField(max_digits=10, decimal_places=2, help_text=_("Calendar days spent in it."))
    target_days = serializers.IntegerField(allow_null=True, help_text=_("The stage's target; null when it has none."))
    current = serializers.BooleanField(help_text=_("True for the current stage (counted up to now)."))
    over_target = serializers.BooleanField(help_text=_("True when the days spent exceed the target."))


class FinanceStagesSerializer(serializers.Serializer):
    """An application's stage log and time in each stage."""

    log = FinanceStageChangeSerializer(many=True, help_text=_("Every move, oldest first."))
    times = FinanceStageTimeSerializer(many=True, help_text=_("Days per stage against the targets."))


def _application_or_404(request: Request, pk: Any) -> FinancingApplication:
    return application_get(user=request.user, pk=int(pk))


@extend_schema(tags=["finance"])
class ApplicationViewSet(FinanceViewSet):
    serializer_class = ApplicationSerializer
    queryset = FinancingApplication.objects.none()  # names the model for the schema; rows come from the selectors

    def get_object(self) -> FinancingApplication:
        return _application_or_404(self.request, self.kwargs["pk"])

    def answer_with(self, application: FinancingApplication, answer: int = status.HTTP_200_OK) -> Response:
        fresh = _application_or_404(self.request, application.pk)
        return Response(ApplicationDetailSerializer(fresh, context=self.get_serializer_context()).data, status=answer)

    @extend_schema(
        summary=_("Financing applications"),
        description=_(
            "The applications the user may see (the project office all, the financial operator those that "
            "reached its review, a bank or KHC those routed to it, an akimat its region's, a utility its own), "
            "filtered, sorted and paginated, with the amounts approved and paid and the disbursement flag."
        ),
        parameters=[ApplicationFilterSerializer],
        responses={200: ApplicationSerializer(many=True), 400: VALIDATION_RESPONSE, **AUTH_RESPONSES},
    )
    def list(self, request: Request) -> Response:
        query = ApplicationFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = self.paginate_queryset(application_list(user=request.user, filters=query.filters()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary=_("Apply for financing"),
        description=_(
            "Drafts an application for a project through a channel. The project's owner, its region's akimat "
            "and the project office apply, for projects submitted for selection or further. The amount must be "
            "positive and not above the project's estimate; one open application per project and channel."
        ),
        request=ApplicationCreateSerializer,
        responses={201: ApplicationDetailSerializer, **WRITE_RESPONSES},
    )
    def create(self, request: Request) -> Response:
        data = ApplicationCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        with finance_errors():
            application = application_create(actor=request.user, **data.validated_data)
        return self.answer_with(application, status.HTTP_201_CREATED)

    @extend_schema(summary=_("One financing application"),
                   description=_("One application with its decision; 404 when missing or not visible to the user."),
                   parameters=[LOOKUP_APPLICATION],
                   responses={200: ApplicationDetailSerializer, **AUTH_RESPONSES, 404: NOT_FOUND_RESPONSE})
    def retrieve(self, request: Request, pk: str) -> Response:
        return self.answer_with(self.get_object())

    @extend_schema(
        summary=_("Change an application"),
        description=_("Changes a draft or returned application (the applicant side only); `version` must be the "
                      "version read (409 otherwise)."),
        parameters=[LOOKUP_APPLICATION], request=ApplicationChangeSerializer,
        responses={200: ApplicationDetailSerializer, **WRITE_RESPONSES},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        application = self.get_object()
        change = ApplicationChangeSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        version, reason, changes = change.changes()
        with finance_errors():
            application_update(actor=request.user, application=application, expected_version=version, reason=reason,
                               **changes)
        return self.answer_with(application)

    @extend_schema(summary=_("Moves available"),
                   description=_("The moves the user may make on the application now, and what each needs."),
                   parameters=[LOOKUP_APPLICATION],
                   responses={200: FinanceAvailableActionSerializer(many=True), **AUTH_RESPONSES, 404: NOT_FOUND_RESPONSE})
    @action(detail=True, methods=["get"], pagination_class=None)
    def transitions(self, request: Request, pk: str) -> Response:
        actions = application_available_actions(user=request.user, application=self.get_object())
        return Response(FinanceAvailableActionSerializer(actions, many=True).data)

    @extend_schema(
        summary=_("Make a lifecycle move"),
        description=_(
            "Moves the application along its lifecycle (submit, take for the technical conclusion, pass to the "
            "financial operator, route to the lender, sign the agreement, return, reject, withdraw). 409 when "
            "not possible from the current status or the application changed since `version`, 403 when the "
            "user's role may not make it, 400 when a reason, the lender or the agreement is missing."
        ),
        parameters=[LOOKUP_APPLICATION], request=FinanceTransitionSerializer,
        responses={200: ApplicationDetailSerializer, **WRITE_RESPONSES},
    )
    @transitions.mapping.post
    def transition(self, request: Request, pk: str) -> Response:
        application = self.get_object()
        move = FinanceTransitionSerializer(data=request.data)
        move.is_valid(raise_exception=True)
        data = dict(move.validated_data)
        with finance_errors():
            application_transition(actor=request.user, application=application, action=data["action"],
                                   expected_version=data["version"], reason=data["reason"], lender=data["lender"],
                                   agreement_number=data["agreement_number"], agreement_date=data["agreement_date"])
        return self.answer_with(application)

    @extend_schema(summary=_("Stages and time in each"),
                   description=_("The application's lifecycle moves and the calendar days spent in each stage "
                                 "against its target."),
                   parameters=[LOOKUP_APPLICATION],
                   responses={200: FinanceStagesSerializer, **AUTH_RESPONSES, 404: NOT_FOUND_RESPONSE})
    @action(detail=True, methods=["get"], pagination_class=None)
    def stages(self, request: Request, pk: str) -> Response:
        application = self.get_object()
        return Response(FinanceStagesSerializer({"log": application_stage_log(application=application),
                                          "times": application_stage_times(application=application)}).data)

    @extend_schema(
        summary=_("Record the decision"),
        description=_(
            "Approves a routed application: the lender it was routed to, the financial operator or the project "
            "office records the decision with the financing round. An amount other than the request needs a "
            "reason. Two reviewers deciding at once: the second gets 409, and there is never a second decision."
        ),
        parameters=[LOOKUP_APPLICATION], request=FinanceDecisionRecordSerializer,
        responses={201: ApplicationDetailSerializer, **WRITE_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def decision(self, request: Request, pk: str) -> Response:
        application = self.get_object()
        data = FinanceDecisionRecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        with finance_errors():
            decision_record(actor=request.user, application=application, expected_version=fields.pop("version"),
                            **fields)
        return self.answer_with(application, status.HTTP_201_CREATED)

    @extend_schema(summary=_("Tranches"), description=_("The application's tranches, planned and paid, in order."),
                   parameters=[LOOKUP_APPLICATION],
                   responses={200: FinanceTrancheSerializer(many=True), **AUTH_RESPONSES, 404: NOT_FOUND_RESPONSE})
    @action(detail=True, methods=["get"], pagination_class=None)
    def tranches(self, request: Request, pk: str) -> Response:
        return Response(FinanceTrancheSerializer(application_tranches(application=self.get_object()), many=True).data)

    @extend_schema(
        summary=_("Plan a tranche"),
        description=_("Adds a planned tranche to an approved application; the schedule may not exceed the amount "
                      "approved. The lender, the financial operator or the project office plans."),
        parameters=[LOOKUP_APPLICATION], request=FinanceTranchePlanSerializer,
        responses={201: FinanceTrancheSerializer, **WRITE_RESPONSES},
    )
    @tranches.mapping.post
    def plan_tranche(self, request: Request, pk: str) -> Response:
        application = self.get_object()
        data = FinanceTranchePlanSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with finance_errors():
            tranche = tranche_plan(actor=request.user, application=application, **data.validated_data)
        return Response(FinanceTrancheSerializer(tranche).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Record a payment"),
        description=_("Records money paid (a planned tranche or one off the schedule) once the agreement is signed; "
                      "the total paid may not exceed the amount approved (400). The first payment moves the "
                      "application to disbursing, the one completing the amount to fully disbursed."),
        parameters=[LOOKUP_APPLICATION], request=FinancePaymentSerializer,
        responses={201: FinanceTrancheSerializer, **WRITE_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def payments(self, request: Request, pk: str) -> Response:
        application = self.get_object()
        data = FinancePaymentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        tranche_id = fields.pop("tranche")
        tranche = None
        if tranche_id is not None:
            tranche = application_tranches(application=application).filter(pk=tranche_id).first()
            if tranche is None:
                raise exceptions.ValidationError({"tranche": [_("No such tranche of this application.")]})
        with finance_errors():
            paid = tranche_pay(actor=request.user, application=application, tranche=tranche, **fields)
        return Response(FinanceTrancheSerializer(paid).data, status=status.HTTP_201_CREATED)


# --- budget synchronisation --------------------------------------------------------------------------------


class BudgetLineSerializer(serializers.ModelSerializer):
    """A budget programme line."""

    region = serializers.SlugRelatedField(slug_field="kato", read_only=True, allow_null=True,
                                          help_text=_("KATO code of the region (a local budget's line)."))
    project = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True,
                                                 help_text=_("Identifier of the project it finances."))
    project_code = serializers.CharField(source="project.code", read_only=True, allow_null=True, default=None,
                                         help_text=_("Code of the project it finances."))
    administrator = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True,
                                                       help_text=_("Identifier of the budget administrator."))
    planned_total = serializers.DecimalField(**MONEY, read_only=True,
                                             help_text=_("Sum of the financing plans linked to the line, tenge."))

    class Meta:
        model = BudgetLine
        fields = ["id", "administrator_code", "administrator", "programme_code", "subprogramme_code", "name", "year",
                  "region", "project", "project_code", "allocated", "spent", "planned_total", "version"]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Identifier of the line.")},
            "administrator_code": {"help_text": _("Budget administrator code (three digits).")},
            "programme_code": {"help_text": _("Budget programme code (three digits).")},
            "subprogramme_code": {"help_text": _("Subprogramme code (three digits, may be empty).")},
            "name": {"help_text": _("Name of the line.")},
            "year": {"help_text": _("Budget year.")},
            "allocated": {"help_text": _("Allocated, tenge.")},
            "spent": {"help_text": _("Spent, tenge.")},
            "version": {"help_text": _("Version of the line.")},
        }


class BudgetLineWriteMixin(serializers.Serializer):
    administrator_code = serializers.RegexField(r"^\d{3}$", help_text=_("Budget administrator code (three digits)."))
    administrator = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all(), required=False,
                                                       allow_null=True, help_text=_("Identifier of the administrator."))
    programme_code = serializers.RegexField(r"^\d{3}$", help_text=_("Programme code (three digits)."))
    subprogramme_code = serializers.RegexField(r"^(\d{3})?$", required=False, allow_blank=True,
                                               help_text=_("Subprogramme code (three digits or empty)."))
    name = serializers.CharField(required=False, allow_blank=True, max_length=500, help_text=_("Name of the line."))
    year = serializers.IntegerField(min_value=2000, max_value=2100, help_text=_("Budget year."))
    region = serializers.SlugRelatedField(slug_field="kato", queryset=Region.objects.all(), required=False,
                                          allow_null=True, help_text=_("KATO code of the region."))
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all(), required=False, allow_null=True,
                                                 help_text=_("Identifier of the project it finances."))
    allocated = serializers.DecimalField(**MONEY, min_value=0, help_text=_("Allocated, tenge."))
    spent = serializers.DecimalField(**MONEY, min_value=0, required=False, help_text=_("Spent, tenge."))


class BudgetLineCreateSerializer(BudgetLineWriteMixin):
    """A new budget line."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return refuse_unknown(self, attrs)


class BudgetLineChangeSerializer(VersionedChangeMixin, BudgetLineWriteMixin):
    """Changes to a budget line; only the fields sent change."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "version":
                field.required = False


class BudgetQuerySerializer(serializers.Serializer):
    """Filters of the budget lines, plans and mismatches."""

    year = serializers.IntegerField(required=False, help_text=_("Budget year."))
    region = serializers.CharField(required=False, help_text=_("KATO code of the region."))
    project = serializers.CharField(required=False, help_text=_("Code of the project."))
    kind = serializers.ChoiceField(required=False, choices=MismatchKind.choices,
                                   help_text=_("Kind of mismatch (the mismatch report only)."))

    def filters(self) -> BudgetFilters:
        return BudgetFilters.from_query({key: str(value) for key, value in self.validated_data.items()})


@extend_schema(tags=["finance"])
class BudgetLineViewSet(FinanceViewSet):
    serializer_class = BudgetLineSerializer
    queryset = BudgetLine.objects.none()

    def get_object(self) -> BudgetLine:
        return budget_line_get(user=self.request.user, pk=int(self.kwargs["pk"]))

    @extend_schema(summary=_("Budget lines"),
                   description=_("Budget programme lines the user may see, with the sum of the plans linked to each."),
                   parameters=[BudgetQuerySerializer],
                   responses={200: BudgetLineSerializer(many=True), 400: VALIDATION_RESPONSE, **AUTH_RESPONSES})
    def list(self, request: Request) -> Response:
        query = BudgetQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = self.paginate_queryset(budget_line_list(user=request.user, filters=query.filters()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(summary=_("One budget line"), parameters=[LOOKUP_LINE],
                   responses={200: BudgetLineSerializer, **AUTH_RESPONSES, 404: NOT_FOUND_RESPONSE})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(summary=_("Record a budget line"),
                   description=_("The project office and ministries record any line, an akimat its region's."),
                   request=BudgetLineCreateSerializer, responses={201: BudgetLineSerializer, **WRITE_RESPONSES})
    def create(self, request: Request) -> Response:
        data = BudgetLineCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with finance_errors():
            line = budget_line_create(actor=request.user, **data.validated_data)
        return Response(self.get_serializer(budget_line_get(user=request.user, pk=line.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("Change a budget line"),
                   description=_("Changes the fields sent; `version` must be the version read (409 otherwise)."),
                   parameters=[LOOKUP_LINE], request=BudgetLineChangeSerializer,
                   responses={200: BudgetLineSerializer, **WRITE_RESPONSES, 409: CONFLICT_RESPONSE})
    def partial_update(self, request: Request, pk: str) -> Response:
        line = self.get_object()
        change = BudgetLineChangeSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        version, reason, changes = change.changes()
        with finance_errors():
            budget_line_update(actor=request.user, line=line, expected_version=version, reason=reason, **changes)
        return Response(self.get_serializer(self.get_object()).data)


class FinancePlanSerializer(serializers.ModelSerializer):
    """A project's financing plan for one year and source."""

    project = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("Identifier of the project."))
    project_code = serializers.CharField(source="project.code", read_only=True, help_text=_("Code of the project."))
    source = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=_("Code of the source channel."))
    budget_line = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True,
                                                     help_text=_("Identifier of the linked budget line."))

    class Meta:
        model = FinancingPlan
        fields = ["id", "project", "project_code", "year", "source", "amount", "budget_line", "version"]
        read_only_fields = fields
        extra_kwargs = {"id": {"help_text": _("Identifier of the plan.")}, "year": {"help_text": _("Year.")},
                        "amount": {"help_text": _("Amount, tenge.")}, "version": {"help_text": _("Version.")}}


class FinancePlanSetSerializer(serializers.Serializer):
    """A plan to set: creates it, or changes it when it exists (then with `version`)."""

    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.none(), help_text=_("Identifier of the project."))
    year = serializers.IntegerField(min_value=2000, max_value=2100, help_text=_("Year."))
    source = serializers.SlugRelatedField(slug_field="code", queryset=FinancingChannel.objects.all(),
                                          help_text=_("Code of the source channel."))
    amount = serializers.DecimalField(**MONEY, help_text=_("Amount, tenge (positive)."))
    budget_line = serializers.PrimaryKeyRelatedField(queryset=BudgetLine.objects.none(), required=False,
                                                     allow_null=True, default=None,
                                                     help_text=_("Identifier of the budget line it is funded from."))
    version = serializers.IntegerField(required=False, min_value=1, allow_null=True, default=None,
                                       help_text=_("The version read, when changing an existing plan."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["project"].queryset = Project.objects.filter(project_visibility(request.user))
            self.fields["budget_line"].queryset = budget_line_list(user=request.user)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return refuse_unknown(self, attrs)


@extend_schema(tags=["finance"])
class PlanViewSet(FinanceViewSet):
    serializer_class = FinancePlanSerializer
    queryset = FinancingPlan.objects.none()

    @extend_schema(summary=_("Financing plans"), description=_("Projects' financing plans by year and source."),
                   parameters=[BudgetQuerySerializer],
                   responses={200: FinancePlanSerializer(many=True), 400: VALIDATION_RESPONSE, **AUTH_RESPONSES})
    def list(self, request: Request) -> Response:
        query = BudgetQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = self.paginate_queryset(financing_plan_list(user=request.user, filters=query.filters()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(summary=_("Set a financing plan"),
                   description=_("Sets how much a project plans from a source in a year (its owner side or the "
                                 "project office)."),
                   request=FinancePlanSetSerializer, responses={200: FinancePlanSerializer, **WRITE_RESPONSES})
    def create(self, request: Request) -> Response:
        data = FinancePlanSetSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        project = fields.pop("project")
        with finance_errors():
            plan = financing_plan_set(actor=request.user, project=project, expected_version=fields.pop("version"),
                                      **fields)
        return Response(self.get_serializer(plan).data)


class FinanceMismatchSerializer(serializers.Serializer):
    """One disagreement between the budget and the financing plans."""

    kind = serializers.ChoiceField(choices=MismatchKind.choices, help_text=_("Kind of mismatch."))
    label = serializers.CharField(help_text=_("The kind, in the language of the request."))
    year = serializers.IntegerField(help_text=_("Year."))
    budget_line = serializers.IntegerField(source="budget_line.pk", allow_null=True, default=None,
                                           help_text=_("Identifier of the budget line involved."))
    plan = serializers.IntegerField(source="plan.pk", allow_null=True, default=None,
                                    help_text=_("Identifier of the financing plan involved."))
    project = serializers.CharField(source="project.code", allow_null=True, default=None,
                                    help_text=_("Code of the project involved."))
    plan_amount = serializers.DecimalField(**MONEY, allow_null=True, help_text=_("Planned, tenge."))
    line_amount = serializers.DecimalField(**MONEY, allow_null=True, help_text=_("Allocated, tenge."))
    difference = serializers.DecimalField(**MONEY, allow_null=True, help_text=_("Planned minus allocated, tenge."))


class MismatchView(ApiViewMixin, APIView):
    @extend_schema(
        tags=["finance"], summary=_("Budget mismatch report"),
        description=_("Every mismatch between budget lines and financing plans the user may see: a budget-funded "
                      "plan with no line, a line with no project, amounts that disagree, money allocated to a "
                      "project that is not ready."),
        parameters=[BudgetQuerySerializer],
        responses={200: FinanceMismatchSerializer(many=True), 400: VALIDATION_RESPONSE, **AUTH_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        query = BudgetQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(FinanceMismatchSerializer(budget_mismatches(user=request.user, filters=query.filters()),
                                           many=True).data)


# --- the summary -------------------------------------------------------------------------------------------

FILTER_HELP = _("Query parameters of the application list that list the records behind the figure.")


def _filter_field() -> serializers.DictField:
    return serializers.DictField(child=serializers.CharField(), help_text=FILTER_HELP)


class FinanceTotalsSerializer(serializers.Serializer):
    applications = serializers.IntegerField(help_text=_("Applications."))
    requested = serializers.DecimalField(**MONEY, help_text=_("Amount requested, tenge."))
    approved_count = serializers.IntegerField(help_text=_("Applications approved."))
    approved_amount = serializers.DecimalField(**MONEY, help_text=_("Amount approved, tenge."))
    paid_amount = serializers.DecimalField(**MONEY, help_text=_("Paid, tenge."))


class FinanceGroupSerializer(serializers.Serializer):
    group = serializers.ChoiceField(choices=["banks", "khc", "other"],
                                    help_text=_("banks: development bank and second-tier banks; khc: KHC bond buyback; other."))
    count = serializers.IntegerField(help_text=_("Applications approved."))
    amount = serializers.DecimalField(**MONEY, help_text=_("Amount approved, tenge."))
    filter = _filter_field()


class FinanceRoundSerializer(serializers.Serializer):
    round = serializers.IntegerField(help_text=_("The financing round."))
    count = serializers.IntegerField(help_text=_("Applications approved."))
    amount = serializers.DecimalField(**MONEY, help_text=_("Amount approved, tenge."))
    filter = _filter_field()
    groups = FinanceGroupSerializer(many=True, help_text=_("The round by lender group."))


class FinanceApprovalSerializer(serializers.Serializer):
    round = serializers.IntegerField(help_text=_("The financing round."))
    channel = serializers.CharField(help_text=_("Code of the channel."))
    channel_name = serializers.CharField(help_text=_("The channel, in the language of the request."))
    lender_kind = serializers.ChoiceField(choices=LenderKind.choices, help_text=_("The channel's lender kind."))
    count = serializers.IntegerField(help_text=_("Applications approved."))
    amount = serializers.DecimalField(**MONEY, help_text=_("Amount approved, tenge."))
    filter = _filter_field()


class FinancePipelineSerializer(serializers.Serializer):
    status = status_field(help_text=_("Status."))
    label = serializers.CharField(help_text=_("The status, in the language of the request."))
    count = serializers.IntegerField(help_text=_("Applications."))
    amount = serializers.DecimalField(**MONEY, help_text=_("Amount requested, tenge."))
    filter = _filter_field()


class FinanceReviewTimeSerializer(serializers.Serializer):
    status = status_field(help_text=_("Stage."))
    label = serializers.CharField(help_text=_("The stage, in the language of the request."))
    target_days = serializers.IntegerField(help_text=_("Target, calendar days."))
    in_stage = serializers.IntegerField(help_text=_("Applications in the stage now."))
    over_target = serializers.IntegerField(help_text=_("Of them, waiting longer than the target."))
    average_days = serializers.DecimalField(max_digits=10, decimal_places=1, allow_null=True,
                                            help_text=_("Average days of completed stays in the stage."))
    filter = _filter_field()
    over_target_filter = serializers.DictField(child=serializers.CharField(),
                                               help_text=_("Query parameters listing those over the target."))


class FinanceBottleneckSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("Identifier of the application."))
    number = serializers.CharField(help_text=_("Number of the application."))
    project = serializers.CharField(help_text=_("Code of the project."))
    project_title = serializers.CharField(help_text=_("Title of the project."))
    region = serializers.CharField(help_text=_("KATO code of the region."))
    status = status_field(help_text=_("Stage."))
    label = serializers.CharField(help_text=_("The stage, in the language of the request."))
    days_waiting = serializers.IntegerField(help_text=_("Days in the stage so far."))
    target_days = serializers.IntegerField(allow_null=True, help_text=_("The stage's target, days."))
    amount = serializers.DecimalField(**MONEY, help_text=_("Amount requested, tenge."))
    filter = _filter_field()


class FinanceRegionRowSerializer(serializers.Serializer):
    region = serializers.CharField(help_text=_("KATO code of the region."))
    region_name = serializers.CharField(help_text=_("The region, in the language of the request."))
    applications = serializers.IntegerField(help_text=_("Applications."))
    requested = serializers.DecimalField(**MONEY, help_text=_("Amount requested, tenge."))
    approved_count = serializers.IntegerField(help_text=_("Applications approved."))
    approved_amount = serializers.DecimalField(**MONEY, help_text=_("Amount approved, tenge."))
    paid_amount = serializers.DecimalField(**MONEY, help_text=_("Paid, tenge."))
    filter = _filter_field()


class FinanceFlagSerializer(serializers.Serializer):
    flag = flag_field(help_text=_("Disbursement flag."))
    label = serializers.CharField(help_text=_("The flag, in the language of the request."))
    count = serializers.IntegerField(help_text=_("Approved applications with the flag."))
    filter = _filter_field()


class FinanceSummarySerializer(serializers.Serializer):
    """The financing dashboard's figures, each with the filter that lists its records."""

    totals = FinanceTotalsSerializer(help_text=_("Totals."))
    rounds = FinanceRoundSerializer(many=True, help_text=_("Approvals by round and lender group."))
    approvals = FinanceApprovalSerializer(many=True, help_text=_("Approvals by round and channel."))
    pipeline = FinancePipelineSerializer(many=True, help_text=_("Applications by status, with sums requested."))
    review_time = FinanceReviewTimeSerializer(many=True, help_text=_("Time in review against each stage's target."))
    bottlenecks = FinanceBottleneckSerializer(many=True, help_text=_("The longest-waiting applications in review."))
    by_region = FinanceRegionRowSerializer(many=True, help_text=_("Figures by region."))
    flags = FinanceFlagSerializer(many=True, help_text=_("Approved applications by disbursement flag."))


class SummaryView(ApiViewMixin, APIView):
    @extend_schema(
        tags=["finance"], summary=_("Financing dashboard"),
        description=_("The financing dashboard's figures for the applications the user may see (filtered like "
                      "the list): approvals by channel and round, the pipeline by stage with sums, time in review "
                      "against targets, bottlenecks, figures by region and disbursement flags. Every figure "
                      "carries the list filter that drills down to its records."),
        parameters=[ApplicationFilterSerializer],
        responses={200: FinanceSummarySerializer, 400: VALIDATION_RESPONSE, **AUTH_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        query = ApplicationFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(FinanceSummarySerializer(finance_summary(user=request.user, filters=query.filters())).data)


router = SimpleRouter(trailing_slash=True)
router.register("channels", ChannelViewSet, basename="finance-channel")
router.register("applications", ApplicationViewSet, basename="finance-application")
router.register("budget-lines", BudgetLineViewSet, basename="finance-budget-line")
router.register("plans", PlanViewSet, basename="finance-plan")

urlpatterns = [
    *router.urls,
    path("mismatches/", MismatchView.as_view(), name="finance-mismatches"),
    path("summary/", SummaryView.as_view(), name="finance-summary"),
]
