"""REST endpoints of the contact centre: appeals, their routing, deadlines and answers, public tracking, statistics.

Reads go through the appeals' selectors: an appeal the user may not see answers 404, like a missing one.
Every applicant detail in an answer comes from ``applicant_view``: the contact centre, the appeal's executor
and the head of the executor's organization get the real data (and each such view is recorded with the
channel ``api``), everyone else masks. Writes go through the appeals' services, each inside
``service_errors()``: a refusal because of the user's role or relation to the appeal answers 403, one because
of the appeal's state (no longer open, not answered, an answer already waiting or sent) 409, bad input 400.

Tracking by number and access code is public and rate-limited; it shows the appeal's status, dates,
organization, public journal entries and the answers sent, nothing about any person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from meks.accounts.models import Organization, User
from meks.accounts.selectors import organization_list
from meks.appeals.choices import AnswerStatus, AppealStatus, Channel, EventKind
from meks.appeals.models import Answer, Appeal, AppealEvent, Category
from meks.appeals.personal_data import access_batch, applicant_view
from meks.appeals.selectors import (
    AppealFilters,
    appeal_get,
    appeal_list,
    appeal_statistics,
    appeal_track,
    is_overdue,
)
from meks.appeals.services import (
    answer_approve,
    answer_submit,
    appeal_assign,
    appeal_close,
    appeal_extend,
    appeal_forward,
    appeal_note,
    appeal_register,
    is_handler,
)
from meks.core.access import get_visible_or_404
from meks.core.errors import ServiceError, TransitionError
from meks.portfolio.models import Project
from meks.portfolio.selectors import project_visibility
from meks.territory.models import Region

from .assignments import NamedChoiceField
from .auth import TokenThrottle
from .common import (
    AUTH_RESPONSES,
    NOT_FOUND_RESPONSE,
    VALIDATION_RESPONSE,
    ApiViewMixin,
    Conflict,
    DateQuerySerializer,
    ErrorSerializer,
    service_errors,
)
from .common import query_date as common_query_date
from .portfolio import JSON_ONLY_RESPONSE, STATE_CONFLICT_RESPONSE, refuse_unknown_fields

#: Codes of service refusals that come from the appeal's state rather than the request: answered 409.
STATE_CONFLICTS = frozenset({"wrong_status", "draft_exists", "sent"})
#: Where an API view of personal data is recorded.
API_CHANNEL = "api"


@contextmanager
def appeal_errors() -> Iterator[None]:
    """``service_errors``, with refusals due to the appeal's state answered 409."""
    with service_errors():
        try:
            yield
        except ServiceError as error:
            code = getattr(error, "code", None)
            if code != "forbidden" and (isinstance(error, TransitionError) or code in STATE_CONFLICTS):
                raise Conflict(" ".join(str(message) for message in error.messages)) from error
            raise


def appeal_status_field(**kwargs: Any) -> NamedChoiceField:
    return NamedChoiceField(enum_name="AppealStatusEnum", choices=AppealStatus.choices, **kwargs)


def appeal_channel_field(**kwargs: Any) -> NamedChoiceField:
    return NamedChoiceField(enum_name="AppealChannelEnum", choices=Channel.choices, **kwargs)


def answer_status_field(**kwargs: Any) -> NamedChoiceField:
    return NamedChoiceField(enum_name="AnswerStatusEnum", choices=AnswerStatus.choices, **kwargs)


def event_kind_field(**kwargs: Any) -> NamedChoiceField:
    return NamedChoiceField(enum_name="AppealEventKindEnum", choices=EventKind.choices, **kwargs)


# --- help texts shared by several serializers --------------------------------------------------------------

ON_HELP = _("The date overdue is computed for (YYYY-MM-DD); today when left out.")
NUMBER_HELP = _("The appeal's registration number, e.g. 2026-000123.")
STATUS_HELP = _("Where the appeal is: registered, sent to the responsible organization, in progress, answered "
                "or closed. Overdue is computed, never a status.")
STATUS_LABEL_HELP = _("The status, in the language of the request.")
ORGANIZATION_HELP = _("Identifier of the responsible organization the appeal is with; null before routing.")
ORGANIZATION_NAME_HELP = _("The responsible organization, in the language of the request; null before routing.")


class OnQuerySerializer(DateQuerySerializer):
    """The date overdue is computed for."""

    on = serializers.DateField(required=False, help_text=ON_HELP)


def query_date(request: Request) -> dt.date:
    """The ``on`` query parameter of a valid request; today when left out (400 when malformed)."""
    return common_query_date(request, OnQuerySerializer)


# --- reading appeals ---------------------------------------------------------------------------------------


class ApplicantSerializer(serializers.Serializer):
    """Who sent the appeal, as the user may see it: the real details or masks."""

    masked = serializers.BooleanField(
        help_text=_("true when the details are masked: only the contact centre, the appeal's executor and the head "
                    "of the executor's organization see them, and each such view is recorded.")
    )
    name = serializers.CharField(help_text=_("Full name, or the initials when masked."))
    phone = serializers.CharField(help_text=_("Phone, or its last two digits when masked; empty (— when masked) when none."))
    iin = serializers.CharField(help_text=_("IIN, or its last four digits when masked; empty (— when masked) when none."))
    address = serializers.CharField(help_text=_("Postal address, or ••• when masked; empty (— when masked) when none."))
    email = serializers.CharField(
        help_text=_("E-mail, or its first letter and domain when masked; empty (— when masked) when none.")
    )


class AppealSerializer(serializers.ModelSerializer):
    """An appeal: what it is about, where it is, by when it must be answered, and who sent it."""

    channel = appeal_channel_field(read_only=True, help_text=_("How it came: the hotline 1465 or the portal."))
    channel_label = serializers.CharField(
        source="get_channel_display", read_only=True, help_text=_("The channel, in the language of the request.")
    )
    category = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text=_("Code of the appeal's category.")
    )
    category_name = serializers.CharField(
        source="category.name", read_only=True, help_text=_("The category, in the language of the request.")
    )
    region = serializers.SlugRelatedField(
        slug_field="kato", read_only=True, help_text=_("Two-digit KATO code of the region the appeal comes from.")
    )
    region_name = serializers.CharField(
        source="region.name", read_only=True, help_text=_("The region, in the language of the request.")
    )
    project = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text=_("Identifier of the portfolio's project it concerns; null when none.")
    )
    project_code = serializers.CharField(
        source="project.code", read_only=True, allow_null=True, default=None,
        help_text=_("Code of the project it concerns; null when none."),
    )
    applicant = serializers.SerializerMethodField(
        help_text=_("The applicant's details: real for the contact centre, the executor and the executor's head "
                    "(the view is recorded), masked for everyone else.")
    )
    status = appeal_status_field(read_only=True, help_text=STATUS_HELP)
    status_label = serializers.CharField(source="get_status_display", read_only=True, help_text=STATUS_LABEL_HELP)
    organization = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True, help_text=ORGANIZATION_HELP)
    organization_name = serializers.CharField(
        source="organization.name", read_only=True, allow_null=True, default=None, help_text=ORGANIZATION_NAME_HELP
    )
    executor = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True,
        help_text=_("User name of the executor handling the appeal; null until one is assigned."),
    )
    executor_name = serializers.CharField(
        source="executor.get_full_name", read_only=True, allow_null=True, default=None,
        help_text=_("Full name of the executor; null until one is assigned."),
    )
    is_overdue = serializers.SerializerMethodField(
        help_text=_("True when the appeal is not yet answered and its due date has passed on the date asked (`on`).")
    )
    extended = serializers.SerializerMethodField(
        help_text=_("True when the head's decision moved the due date from the original one.")
    )

    class Meta:
        model = Appeal
        fields = [
            "id", "number", "channel", "channel_label", "received_at", "registered_on", "category", "category_name",
            "region", "region_name", "project", "project_code", "text", "applicant", "status", "status_label",
            "organization", "organization_name", "executor", "executor_name", "due_date", "original_due_date",
            "forward_due_date", "is_overdue", "extended", "answered_on", "closed_on", "rating", "version",
            "created_at", "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Identifier of the appeal; used in URLs.")},
            "number": {"help_text": NUMBER_HELP},
            "received_at": {"help_text": _("When the appeal was received.")},
            "registered_on": {"help_text": _("The day it was registered: the first working day on or after receipt.")},
            "text": {"help_text": _("The text of the appeal.")},
            "due_date": {"help_text": _("The last day to answer: the 15th working day after registration, or the "
                                        "date the head extended it to.")},
            "original_due_date": {"help_text": _("The due date first set, before any extension.")},
            "forward_due_date": {"help_text": _("The last working day to forward it if it is outside the "
                                                "organization's competence.")},
            "answered_on": {"help_text": _("The day the answer was sent; null while unanswered.")},
            "closed_on": {"help_text": _("The day it was closed; null while open.")},
            "rating": {"help_text": _("The applicant's rating of the answer, 1 to 5; null when not rated.")},
            "version": {"help_text": _("Version of the record.")},
            "created_at": {"help_text": _("When the appeal was recorded.")},
            "updated_at": {"help_text": _("When the record was last changed.")},
        }

    def _on(self) -> dt.date:
        return self.context.get("on") or timezone.localdate()

    @extend_schema_field(ApplicantSerializer)
    def get_applicant(self, appeal: Appeal) -> dict[str, Any]:
        return applicant_view(self.context["request"].user, appeal, where=API_CHANNEL)

    def get_is_overdue(self, appeal: Appeal) -> bool:
        return is_overdue(appeal, self._on())

    def get_extended(self, appeal: Appeal) -> bool:
        return appeal.due_date != appeal.original_due_date


class AppealEventSerializer(serializers.ModelSerializer):
    """One entry of an appeal's journal."""

    kind = event_kind_field(read_only=True, help_text=_("What happened."))
    kind_label = serializers.CharField(
        source="get_kind_display", read_only=True, help_text=_("What happened, in the language of the request.")
    )
    actor = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True,
        help_text=_("User name of who did it; null for the portal, the applicant or the system."),
    )
    actor_name = serializers.CharField(
        source="actor.get_full_name", read_only=True, allow_null=True, default=None,
        help_text=_("Full name of who did it; null for the portal, the applicant or the system."),
    )
    organization = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True,
        help_text=_("Identifier of the organization concerned (routed or forwarded to, assigning); null when none."),
    )
    organization_name = serializers.CharField(
        source="organization.name", read_only=True, allow_null=True, default=None,
        help_text=_("The organization concerned, in the language of the request; null when none."),
    )

    class Meta:
        model = AppealEvent
        fields = ["id", "kind", "kind_label", "at", "actor", "actor_name", "note", "organization",
                  "organization_name", "internal"]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Identifier of the journal entry.")},
            "at": {"help_text": _("When it happened.")},
            "note": {"help_text": _("The note: a reason, an executor's name, a comment; empty when none.")},
            "internal": {"help_text": _("True for an internal entry, never shown to the applicant; only those "
                                        "handling the appeal see internal entries.")},
        }


class AppealAnswerSerializer(serializers.ModelSerializer):
    """An answer to an appeal: sent, or a draft waiting for the head's approval."""

    status = answer_status_field(
        read_only=True, help_text=_("draft: waiting for the head's approval; sent: sent to the applicant.")
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True, help_text=STATUS_LABEL_HELP)
    author = serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text=_("User name of the executor who wrote it.")
    )
    author_name = serializers.CharField(
        source="author.get_full_name", read_only=True, help_text=_("Full name of the executor who wrote it.")
    )
    approved_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True,
        help_text=_("User name of the head who approved it; null when it needed no approval or still waits."),
    )
    approved_by_name = serializers.CharField(
        source="approved_by.get_full_name", read_only=True, allow_null=True, default=None,
        help_text=_("Full name of the head who approved it; null when none did."),
    )
    attachment = serializers.SerializerMethodField(help_text=_("Stored name of the attached file; empty when none."))

    class Meta:
        model = Answer
        fields = ["id", "text", "attachment", "status", "status_label", "author", "author_name", "approved_by",
                  "approved_by_name", "sent_on", "version", "created_at"]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Identifier of the answer; used in URLs.")},
            "text": {"help_text": _("The answer.")},
            "sent_on": {"help_text": _("The day it was sent to the applicant; null while a draft.")},
            "version": {"help_text": _("Version of the record.")},
            "created_at": {"help_text": _("When the answer was written.")},
        }

    def get_attachment(self, answer: Answer) -> str:
        return answer.attachment.name or ""


class AppealDetailSerializer(AppealSerializer):
    """An appeal with its journal and its answers."""

    journal = serializers.SerializerMethodField(
        help_text=_("The journal, the earliest first: every entry for those handling the appeal (the contact "
                    "centre, the project office, the responsible organization), the public ones for anyone else.")
    )
    answers = AppealAnswerSerializer(many=True, read_only=True, help_text=_("Its answers, the latest first."))

    class Meta(AppealSerializer.Meta):
        fields = [*AppealSerializer.Meta.fields, "journal", "answers"]
        read_only_fields = fields

    @extend_schema_field(AppealEventSerializer(many=True))
    def get_journal(self, appeal: Appeal) -> list[dict[str, Any]]:
        events = list(appeal.events.all())
        if not is_handler(self.context["request"].user, appeal):
            events = [event for event in events if not event.internal]
        return AppealEventSerializer(events, many=True, context=self.context).data


class AppealRegisteredSerializer(AppealDetailSerializer):
    """The appeal just registered, with the access code the applicant tracks it by."""

    access_code = serializers.CharField(
        read_only=True,
        help_text=_("The code the applicant tracks the appeal by, with its number; tell it to the applicant. "
                    "Given only here."),
    )

    class Meta(AppealDetailSerializer.Meta):
        fields = [*AppealDetailSerializer.Meta.fields, "access_code"]
        read_only_fields = fields


class AppealFilterSerializer(OnQuerySerializer):
    """Query parameters of the appeal list."""

    status = serializers.ChoiceField(
        choices=AppealStatus.choices, required=False, help_text=_("Only appeals with this status.")
    )
    category = serializers.CharField(
        required=False, max_length=30, help_text=_("Only appeals of the category with this code.")
    )
    region = serializers.CharField(
        required=False, max_length=2, help_text=_("Only appeals from the region with this two-digit KATO code.")
    )
    channel = serializers.ChoiceField(
        choices=Channel.choices, required=False, help_text=_("Only appeals that came by this channel.")
    )
    overdue = serializers.BooleanField(
        required=False, allow_null=True, default=None,
        help_text=_("true: only appeals overdue on the date asked; false: only the others; left out: all."),
    )
    mine = serializers.BooleanField(
        required=False, default=False, help_text=_("true: only appeals the user is the executor of.")
    )
    q = serializers.CharField(
        required=False, max_length=100, help_text=_("Text to search for in the number and the text of the appeal.")
    )

    def filters(self) -> AppealFilters:
        """The appeal filters of a valid request."""
        data = self.validated_data
        return AppealFilters(
            status=data.get("status"), category=data.get("category") or None, region=data.get("region") or None,
            channel=data.get("channel"), overdue=data.get("overdue"), mine=bool(data.get("mine")),
            search=(data.get("q") or "").strip() or None,
        )


def appeal_detail(*, user: Any, pk: int) -> Appeal:
    """A visible appeal with its journal and answers (404 when missing or not visible)."""
    queryset = appeal_list(user=user).prefetch_related(
        Prefetch("events", queryset=AppealEvent.objects.select_related("actor", "organization").order_by("at", "pk")),
        Prefetch("answers", queryset=Answer.objects.select_related("author", "approved_by")
                 .order_by("-created_at", "-pk")),
    )
    return get_visible_or_404(queryset, pk=pk)


# --- writing -----------------------------------------------------------------------------------------------


class AppealRegisterSerializer(serializers.Serializer):
    """An appeal to register: received by phone or through the portal, with the applicant's contacts."""

    channel = appeal_channel_field(
        help_text=_("How it came: phone (the hotline 1465) or portal (for an integration passing on what the "
                    "portal received).")
    )
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=Category.objects.all(),
        help_text=_("Code of the category; it decides, with the region, the organization the appeal is routed to."),
    )
    region = serializers.SlugRelatedField(
        slug_field="kato", queryset=Region.objects.all(),
        help_text=_("Two-digit KATO code of the region the appeal comes from."),
    )
    project = serializers.PrimaryKeyRelatedField(
        queryset=Project.objects.none(), required=False, allow_null=True, default=None,
        help_text=_("Identifier of the portfolio's project it concerns, if any."),
    )
    text = serializers.CharField(max_length=5000, help_text=_("The text of the appeal, at most 5000 characters."))
    applicant_name = serializers.CharField(max_length=300, help_text=_("The applicant's full name."))
    applicant_phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default="",
        help_text=_("The applicant's phone, +7 followed by 10 digits (spaces, brackets and dashes are ignored)."),
    )
    applicant_iin = serializers.CharField(
        max_length=12, required=False, allow_blank=True, default="",
        help_text=_("The applicant's IIN, 12 digits with a valid control digit; empty when not given."),
    )
    applicant_address = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default="", help_text=_("The applicant's postal address.")
    )
    applicant_email = serializers.EmailField(
        required=False, allow_blank=True, default="", help_text=_("The applicant's e-mail.")
    )
    received_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None,
        help_text=_("When the appeal was received; now when left out. Not in the future. The registration "
                    "date and the legal deadlines follow from it."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["project"].queryset = Project.objects.filter(project_visibility(request.user))

    def validate_received_at(self, value: dt.datetime | None) -> dt.datetime | None:
        if value is not None and value > timezone.now():
            raise serializers.ValidationError(_("The appeal cannot have been received in the future."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return refuse_unknown_fields(self, attrs)


class AppealAssignSerializer(serializers.Serializer):
    """The executor to give the appeal to."""

    executor = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.filter(is_active=True),
        help_text=_("User name of the executor: an active member of the organization the appeal is with."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return refuse_unknown_fields(self, attrs)


class AppealForwardSerializer(serializers.Serializer):
    """The competent body to send the appeal to, and why."""

    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.none(),
        help_text=_("Identifier of the competent organization; not the one the appeal is with."),
    )
    reason = serializers.CharField(
        max_length=2000, help_text=_("Why the appeal goes to another body; shown to the applicant.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["organization"].queryset = organization_list(user=request.user)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return refuse_unknown_fields(self, attrs)


class AppealNoteSerializer(serializers.Serializer):
    """An internal note on an appeal."""

    note = serializers.CharField(
        max_length=5000, help_text=_("The note; internal: never shown to the applicant.")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return refuse_unknown_fields(self, attrs)


class AppealExtendSerializer(serializers.Serializer):
    """The head's reasoned decision to move the due date."""

    new_due_date = serializers.DateField(
        help_text=_("The new due date: later than the current one, at most two months after registration.")
    )
    reason = serializers.CharField(
        max_length=2000, help_text=_("The reason for the extension; the applicant is told of it.")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return refuse_unknown_fields(self, attrs)


class AnswerSubmitSerializer(serializers.Serializer):
    """The executor's answer to the appeal."""

    text = serializers.CharField(max_length=10000, help_text=_("The answer to the applicant."))
    needs_approval = serializers.BooleanField(
        required=False, default=False,
        help_text=_("true: the answer waits as a draft for the head's approval; false (the default): it is sent "
                    "at once and the appeal becomes answered."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return refuse_unknown_fields(self, attrs)


class AppealCloseSerializer(serializers.Serializer):
    """An optional note on closing an answered appeal."""

    note = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, default="",
        help_text=_("Optional note on closing; shown to the applicant."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return refuse_unknown_fields(self, attrs)


LOOKUP_APPEAL = OpenApiParameter("id", int, OpenApiParameter.PATH, description=_("Identifier of the appeal."))
LOOKUP_ANSWER = OpenApiParameter(
    "answer_id", int, OpenApiParameter.PATH, description=_("Identifier of the answer, one of the appeal's.")
)
ACTION_RESPONSES = {
    400: VALIDATION_RESPONSE, **AUTH_RESPONSES, 404: NOT_FOUND_RESPONSE, 409: STATE_CONFLICT_RESPONSE,
    415: JSON_ONLY_RESPONSE,
}


@extend_schema(tags=["appeals"])
class AppealViewSet(ApiViewMixin, viewsets.GenericViewSet):
    serializer_class = AppealSerializer
    queryset = Appeal.objects.none()  # names the model for the schema; rows come from the selectors
    parser_classes = (JSONParser,)
    lookup_value_regex = r"\d+"

    def context_on(self, on: dt.date | None = None) -> dict[str, Any]:
        return {**self.get_serializer_context(), "on": on or timezone.localdate()}

    def detail_answer(self, pk: int, *, on: dt.date | None = None, answer: int = status.HTTP_200_OK) -> Response:
        appeal = appeal_detail(user=self.request.user, pk=pk)
        return Response(AppealDetailSerializer(appeal, context=self.context_on(on)).data, status=answer)

    def visible(self, pk: str) -> Appeal:
        return appeal_get(user=self.request.user, pk=int(pk))

    @extend_schema(
        summary=_("Appeals"),
        description=_(
            "The appeals the user may see (the contact centre and the project office all of them; anyone else "
            "those with its organization or assigned to the user), filtered, the latest received first, "
            "paginated. The applicant's details are real only for the contact centre, the executor and the "
            "executor's head, each such view being recorded; everyone else sees masks."
        ),
        parameters=[AppealFilterSerializer],
        responses={200: AppealSerializer(many=True), 400: VALIDATION_RESPONSE, **AUTH_RESPONSES},
    )
    def list(self, request: Request) -> Response:
        query = AppealFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        on = query.on_date()
        page = self.paginate_queryset(appeal_list(user=request.user, filters=query.filters(), on=on))
        with transaction.atomic(), access_batch():
            data = AppealSerializer(page, many=True, context=self.context_on(on)).data
        return self.get_paginated_response(data)

    @extend_schema(
        summary=_("One appeal"),
        description=_(
            "One appeal with its journal and answers; 404 when it does not exist or the user may not see it. "
            "Internal journal entries are shown only to those handling the appeal."
        ),
        parameters=[LOOKUP_APPEAL, OnQuerySerializer],
        responses={200: AppealDetailSerializer, 400: VALIDATION_RESPONSE, **AUTH_RESPONSES, 404: NOT_FOUND_RESPONSE},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return self.detail_answer(int(pk), on=query_date(request))

    @extend_schema(
        summary=_("Register an appeal"),
        description=_(
            "The contact centre registers an appeal received by phone, or one the portal received (for an "
            "integration): it gets a number and an access code, its registration date and legal deadlines, and "
            "is routed to the responsible organization by the routing rules. 403 for anyone but the contact "
            "centre and the project office; 400 for an empty or too long text, no name, a malformed phone or "
            "IIN, or no phone, e-mail or address to answer to."
        ),
        request=AppealRegisterSerializer,
        responses={201: AppealRegisteredSerializer, 400: VALIDATION_RESPONSE, **AUTH_RESPONSES,
                   415: JSON_ONLY_RESPONSE},
    )
    def create(self, request: Request) -> Response:
        serializer = AppealRegisterSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with appeal_errors():
            appeal = appeal_register(actor=request.user, **serializer.validated_data)
        appeal = appeal_detail(user=request.user, pk=appeal.pk)
        return Response(AppealRegisteredSerializer(appeal, context=self.context_on()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Assign an executor"),
        description=_(
            "Gives an open appeal to an executor of the organization it is with; the appeal goes in progress. "
            "Those handling it may assign (the contact centre, the project office, the organization's members): "
            "403 for anyone else; 400 for an executor outside the organization; 409 once it is answered or closed."
        ),
        parameters=[LOOKUP_APPEAL],
        request=AppealAssignSerializer,
        responses={200: AppealDetailSerializer, **ACTION_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> Response:
        appeal = self.visible(pk)
        body = AppealAssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with appeal_errors():
            appeal_assign(actor=request.user, appeal=appeal, executor=body.validated_data["executor"])
        return self.detail_answer(appeal.pk)

    @extend_schema(
        summary=_("Forward to the competent body"),
        description=_(
            "Sends an open appeal outside the organization's competence to the competent organization, with the "
            "reason (shown to the applicant); the executor is cleared. Answers the appeal as it now is, or 204 "
            "when the user may no longer see it. 403 for anyone not handling it; 400 with no reason or the "
            "organization it is with already; 409 once it is answered or closed."
        ),
        parameters=[LOOKUP_APPEAL],
        request=AppealForwardSerializer,
        responses={
            200: AppealDetailSerializer,
            204: OpenApiResponse(description=_("Forwarded; the appeal is no longer with anyone the user may see it "
                                               "through, so nothing is shown.")),
            **ACTION_RESPONSES,
        },
    )
    @action(detail=True, methods=["post"])
    def forward(self, request: Request, pk: str) -> Response:
        appeal = self.visible(pk)
        body = AppealForwardSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        with appeal_errors():
            appeal_forward(actor=request.user, appeal=appeal, organization=body.validated_data["organization"],
                           note=body.validated_data["reason"])
        # Forwarded elsewhere, the appeal may no longer be visible to whoever forwarded it.
        if not appeal_list(user=request.user).filter(pk=appeal.pk).exists():
            return Response(status=status.HTTP_204_NO_CONTENT)
        return self.detail_answer(appeal.pk)

    @extend_schema(
        summary=_("Add an internal note"),
        description=_(
            "Adds an internal note to the appeal's journal, never shown to the applicant. 403 for anyone not "
            "handling the appeal; 400 for an empty note."
        ),
        parameters=[LOOKUP_APPEAL],
        request=AppealNoteSerializer,
        responses={201: AppealEventSerializer, **ACTION_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def notes(self, request: Request, pk: str) -> Response:
        appeal = self.visible(pk)
        body = AppealNoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with appeal_errors():
            event = appeal_note(actor=request.user, appeal=appeal, note=body.validated_data["note"])
        event = AppealEvent.objects.select_related("actor", "organization").get(pk=event.pk)
        return Response(AppealEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Extend the deadline"),
        description=_(
            "The head of the organization the appeal is with moves its due date by a reasoned decision, to at "
            "most two months after registration; the applicant is told. 403 for anyone else; 400 for a date not "
            "later than the current one or beyond the two months, or no reason; 409 once it is answered or closed."
        ),
        parameters=[LOOKUP_APPEAL],
        request=AppealExtendSerializer,
        responses={200: AppealDetailSerializer, **ACTION_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def extend(self, request: Request, pk: str) -> Response:
        appeal = self.visible(pk)
        body = AppealExtendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with appeal_errors():
            appeal_extend(actor=request.user, appeal=appeal, **body.validated_data)
        return self.detail_answer(appeal.pk)

    @extend_schema(
        summary=_("Answer the appeal"),
        description=_(
            "The appeal's executor answers it: sent at once (the appeal becomes answered), or, with "
            "`needs_approval`, kept as a draft for the head to approve. 403 for anyone but the executor; 400 for "
            "an empty answer; 409 once the appeal is answered or closed, or while another answer waits."
        ),
        parameters=[LOOKUP_APPEAL],
        request=AnswerSubmitSerializer,
        responses={201: AppealAnswerSerializer, **ACTION_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def answers(self, request: Request, pk: str) -> Response:
        appeal = self.visible(pk)
        body = AnswerSubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with appeal_errors():
            answer = answer_submit(actor=request.user, appeal=appeal, **body.validated_data)
        answer = Answer.objects.select_related("author", "approved_by").get(pk=answer.pk)
        return Response(AppealAnswerSerializer(answer).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Approve an answer"),
        description=_(
            "The head of the organization the appeal is with approves a drafted answer, which is then sent: the "
            "appeal becomes answered. 403 for anyone else; 404 for an answer not of this appeal; 409 when it has "
            "been sent already."
        ),
        parameters=[LOOKUP_APPEAL, LOOKUP_ANSWER],
        request=None,
        responses={200: AppealAnswerSerializer, **AUTH_RESPONSES, 404: NOT_FOUND_RESPONSE,
                   409: STATE_CONFLICT_RESPONSE},
    )
    @action(detail=True, methods=["post"], url_path=r"answers/(?P<answer_id>\d+)/approve",
            url_name="answer-approve")
    def approve_answer(self, request: Request, pk: str, answer_id: str) -> Response:
        appeal = self.visible(pk)
        answer = get_visible_or_404(Answer.objects.filter(appeal=appeal).select_related("appeal"), pk=int(answer_id))
        with appeal_errors():
            answer_approve(actor=request.user, answer=answer)
        answer = Answer.objects.select_related("author", "approved_by").get(pk=answer.pk)
        return Response(AppealAnswerSerializer(answer).data)

    @extend_schema(
        summary=_("Close the appeal"),
        description=_(
            "Closes an answered appeal the applicant has not rated. 403 for anyone not handling it; 409 when it "
            "is not answered (still open, or closed already)."
        ),
        parameters=[LOOKUP_APPEAL],
        request=AppealCloseSerializer,
        responses={200: AppealDetailSerializer, **ACTION_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        appeal = self.visible(pk)
        body = AppealCloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with appeal_errors():
            appeal_close(actor=request.user, appeal=appeal, note=body.validated_data["note"])
        return self.detail_answer(appeal.pk)


# --- public tracking ---------------------------------------------------------------------------------------


class AppealTrackThrottle(TokenThrottle):
    """The ``appeal_track`` scope: 20 requests a minute per client address (rate kept here, not in settings)."""

    TRACK_RATE = "20/min"

    def get_rate(self) -> str:
        return self.TRACK_RATE


class AppealTrackSerializer(serializers.Serializer):
    """What the applicant was given on registration."""

    number = serializers.CharField(max_length=20, help_text=NUMBER_HELP)
    access_code = serializers.CharField(
        max_length=12, help_text=_("The access code given with the number (letters are not case-sensitive).")
    )


class PublicAppealEventSerializer(serializers.Serializer):
    """A public entry of the appeal's journal."""

    kind = event_kind_field(help_text=_("What happened."))
    kind_label = serializers.CharField(
        source="get_kind_display", help_text=_("What happened, in the language of the request.")
    )
    at = serializers.DateTimeField(help_text=_("When it happened."))
    note = serializers.CharField(help_text=_("The note: the reason of a forwarding or an extension; empty when none."))
    organization_name = serializers.CharField(
        source="organization.name", allow_null=True, default=None,
        help_text=_("The organization it was routed or forwarded to, in the language of the request; null when none."),
    )


class PublicAppealAnswerSerializer(serializers.Serializer):
    """An answer sent to the applicant."""

    text = serializers.CharField(help_text=_("The answer."))
    sent_on = serializers.DateField(help_text=_("The day it was sent."))


class TrackedAppealSerializer(serializers.Serializer):
    """Where an appeal is, as its applicant may see it: nothing about any person."""

    number = serializers.CharField(help_text=NUMBER_HELP)
    status = appeal_status_field(help_text=STATUS_HELP)
    status_label = serializers.CharField(source="get_status_display", help_text=STATUS_LABEL_HELP)
    category_name = serializers.CharField(
        source="category.name", help_text=_("The category, in the language of the request.")
    )
    registered_on = serializers.DateField(help_text=_("The day it was registered."))
    due_date = serializers.DateField(help_text=_("The last day to answer, after any extension."))
    answered_on = serializers.DateField(allow_null=True, help_text=_("The day the answer was sent; null while unanswered."))
    closed_on = serializers.DateField(allow_null=True, help_text=_("The day it was closed; null while open."))
    organization_name = serializers.CharField(
        source="organization.name", allow_null=True, default=None, help_text=ORGANIZATION_NAME_HELP
    )
    events = PublicAppealEventSerializer(
        source="public_events", many=True, help_text=_("The public entries of its journal, the earliest first.")
    )
    answers = PublicAppealAnswerSerializer(
        source="sent_answers", many=True, help_text=_("The answers sent to the applicant, the earliest first.")
    )


NOT_TRACKED_MESSAGE = _("No appeal with this number and access code.")


class AppealTrackView(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)
    parser_classes = (JSONParser,)
    throttle_classes = (AppealTrackThrottle,)
    throttle_scope = "appeal_track"

    @extend_schema(
        summary=_("Track an appeal"),
        tags=["appeals"],
        description=_(
            "Public: the applicant gives the appeal's number and access code and sees its status, dates, the "
            "organization handling it, the public entries of its journal and the answers sent; nothing about "
            "any person. A wrong number and a wrong code both answer 404. Rate-limited: 20 requests a minute "
            "per address."
        ),
        request=AppealTrackSerializer,
        responses={
            200: TrackedAppealSerializer,
            400: VALIDATION_RESPONSE,
            404: OpenApiResponse(ErrorSerializer, description=_("No appeal with this number and access code.")),
            415: JSON_ONLY_RESPONSE,
            429: OpenApiResponse(ErrorSerializer, description=_("Too many requests from this address.")),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        asked = AppealTrackSerializer(data=request.data)
        asked.is_valid(raise_exception=True)
        appeal = appeal_track(number=asked.validated_data["number"], access_code=asked.validated_data["access_code"])
        if appeal is None:
            return Response({"detail": NOT_TRACKED_MESSAGE}, status=status.HTTP_404_NOT_FOUND)
        appeal.public_events = list(
            appeal.events.filter(internal=False).select_related("organization").order_by("at", "pk")
        )
        appeal.sent_answers = list(appeal.answers.filter(status=AnswerStatus.SENT).order_by("sent_on", "created_at", "pk"))
        return Response(TrackedAppealSerializer(appeal).data)


# --- statistics --------------------------------------------------------------------------------------------


class SummaryQuerySerializer(OnQuerySerializer):
    """Query parameters of the statistics."""

    since = serializers.DateField(
        required=False, help_text=_("Count only appeals registered on or after this date (YYYY-MM-DD); all when left out.")
    )


class AppealCategoryCountSerializer(serializers.Serializer):
    """How many appeals are of one category."""

    code = serializers.CharField(help_text=_("Code of the category."))
    name = serializers.CharField(help_text=_("The category, in the language of the request."))
    count = serializers.IntegerField(help_text=_("Number of appeals."))


class AppealRegionCountSerializer(serializers.Serializer):
    """How many appeals come from one region."""

    kato = serializers.CharField(help_text=_("Two-digit KATO code of the region."))
    name = serializers.CharField(help_text=_("The region, in the language of the request."))
    count = serializers.IntegerField(help_text=_("Number of appeals."))


class AppealChannelCountSerializer(serializers.Serializer):
    """How many appeals came by one channel."""

    channel = appeal_channel_field(help_text=_("The channel."))
    label = serializers.CharField(help_text=_("The channel, in the language of the request."))
    count = serializers.IntegerField(help_text=_("Number of appeals."))


class AppealStatusCountSerializer(serializers.Serializer):
    """How many appeals stand at one status."""

    status = appeal_status_field(help_text=_("The status."))
    label = serializers.CharField(help_text=STATUS_LABEL_HELP)
    count = serializers.IntegerField(help_text=_("Number of appeals."))


class AppealMonthCountSerializer(serializers.Serializer):
    """Appeals registered in one month."""

    month = serializers.DateField(help_text=_("The month, as its first day."))
    count = serializers.IntegerField(help_text=_("Number of appeals registered in the month."))
    answered = serializers.IntegerField(help_text=_("Number of them answered so far."))


class AppealProjectCountSerializer(serializers.Serializer):
    """A project with the most appeals."""

    project = serializers.IntegerField(help_text=_("Identifier of the project."))
    code = serializers.CharField(help_text=_("Code of the project."))
    title = serializers.CharField(help_text=_("The project's title, in the language of the request."))
    count = serializers.IntegerField(help_text=_("Number of appeals concerning it."))


class AppealSummarySerializer(serializers.Serializer):
    """The contact centre's statistics over the appeals the user may see."""

    on = serializers.DateField(help_text=_("The date overdue is computed for."))
    since = serializers.DateField(
        allow_null=True, help_text=_("Only appeals registered on or after this date are counted; null: all.")
    )
    total = serializers.IntegerField(help_text=_("Number of appeals."))
    answered = serializers.IntegerField(help_text=_("Number of them answered (the closed included)."))
    on_time = serializers.IntegerField(help_text=_("Number of them answered by their due date."))
    overdue = serializers.IntegerField(help_text=_("Number of them not answered and past their due date on the date asked."))
    open = serializers.IntegerField(help_text=_("Number of them not yet answered."))
    on_time_share = serializers.DecimalField(
        max_digits=4, decimal_places=1, allow_null=True,
        help_text=_("Percentage of the answered ones answered on time, one decimal: a decimal string; null when "
                    "none is answered."),
    )
    average_days = serializers.DecimalField(
        max_digits=6, decimal_places=1, allow_null=True,
        help_text=_("Average calendar days from registration to answer, one decimal: a decimal string; null when "
                    "none is answered."),
    )
    average_rating = serializers.DecimalField(
        max_digits=3, decimal_places=2, allow_null=True,
        help_text=_("Average rating given by the applicants, 1 to 5, two decimals: a decimal string; null when "
                    "none is rated."),
    )
    by_category = AppealCategoryCountSerializer(many=True, help_text=_("Appeals per category, the most first."))
    by_region = AppealRegionCountSerializer(many=True, help_text=_("Appeals per region, the most first."))
    by_channel = AppealChannelCountSerializer(many=True, help_text=_("Appeals per channel, the most first."))
    by_status = AppealStatusCountSerializer(many=True, help_text=_("Appeals per status, the most first."))
    by_month = AppealMonthCountSerializer(many=True, help_text=_("Appeals per month of registration, the earliest first."))
    top_projects = AppealProjectCountSerializer(
        many=True, help_text=_("The ten projects with the most appeals, the most first.")
    )


def summary_figures(*, user: Any, on: dt.date, since: dt.date | None) -> dict[str, Any]:
    """``appeal_statistics`` with names in the language of the request."""
    figures = appeal_statistics(user=user, on=on, since=since)
    regions = {region.kato: region.name for region in Region.objects.all()}
    rows = figures["top_projects"]
    projects = {project.pk: project for project in Project.objects.filter(pk__in=[row["project"] for row in rows])}
    return {
        **figures,
        "since": since,
        "by_region": [{**row, "name": regions.get(row["kato"], row["name"])} for row in figures["by_region"]],
        "top_projects": [
            {"project": row["project"], "code": row["project__code"], "count": row["count"],
             "title": projects[row["project"]].title if row["project"] in projects else row["project__title_ru"]}
            for row in rows
        ],
    }


class AppealSummaryView(ApiViewMixin, APIView):
    @extend_schema(
        summary=_("Appeals statistics"),
        tags=["appeals"],
        description=_(
            "The statistics over the appeals the user may see (registered since the date given, if any): "
            "counts by category, region, channel and status; the share answered on time; the average days to "
            "answer; appeals per month; the projects with the most appeals. Overdue is computed for the date "
            "asked (today by default)."
        ),
        parameters=[SummaryQuerySerializer],
        responses={200: AppealSummarySerializer, 400: VALIDATION_RESPONSE, **AUTH_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        query = SummaryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        figures = summary_figures(user=request.user, on=query.on_date(), since=query.validated_data.get("since"))
        return Response(AppealSummarySerializer(figures).data)


# --- routes ------------------------------------------------------------------------------------------------

router = SimpleRouter(trailing_slash=True)
router.register("items", AppealViewSet, basename="appeals-item")
