"""REST endpoints of e-procurement, mounted under /api/v1/procurement/.

The contractor registry (registration with a BIN, verification, the register of unreliable suppliers),
tenders (drafts changed until published; publication, questions and answers, complaints), sealed bids
(submitted, replaced and withdrawn before the deadline; their price and documents are never answered before
the opening, to anyone), the opening, the evaluation with the domestic preference, the award, contracts with
amendments and payments, and the dashboard's summary.

Reads go through the procurement selectors: a record the user may not see answers 404, like a missing one.
Writes go through its services inside ``procurement_errors()``: a refusal because of the user's role answers
403, one because of the record's state (a move not possible now, a deadline passed, a stale ``version``) 409,
bad input 400 with the reason per field.

The summary also carries the domestic producers' totals. Procurement and producers sit in the same layer and
may not import each other; this module, in the layer above both, combines them, and at start-up hands the
producers' totals to the procurement dashboard (``register_dashboard_figures``, called by the API app's
``ready``), so that the page and this summary show the same figures from one function each.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from meks.core.access import get_visible_or_404
from meks.portfolio.models import ProgressReport, Project
from meks.procurement import selectors, services
from meks.procurement.charts import dashboard_summary, register_producer_totals
from meks.procurement.choices import (
    AmendmentKind,
    AwardStatus,
    BidStatus,
    ComplaintStatus,
    ContractorStatus,
    ContractStatus,
    LotStatus,
    RequirementKind,
    TenderMethod,
    TenderStatus,
    WorkCategory,
)
from meks.procurement.models import (
    Award,
    Bid,
    Complaint,
    Contract,
    ContractAmendment,
    Contractor,
    ContractPayment,
    Lot,
    QualificationRequirement,
    Question,
    Tender,
    UnreliableSupplier,
)
from meks.producers.selectors import producer_totals
from meks.territory.models import Region

from .assignments import NamedChoiceField
from .common import (
    AUTH_RESPONSES,
    NOT_FOUND_RESPONSE,
    VALIDATION_RESPONSE,
    ApiViewMixin,
    ErrorSerializer,
    service_errors_with_conflicts,
)
from .finance import refuse_unknown

#: Codes of service refusals that come from the record's state rather than the request: answered 409.
STATE_CONFLICTS = frozenset({"wrong_status", "not_accepting", "deadline_passed", "guard", "duplicate", "lot_closed",
                             "lot_decided", "answered", "not_evaluated", "qualification_incomplete", "stale"})
MONEY = {"max_digits": 18, "decimal_places": 2}
SHARE = {"max_digits": 5, "decimal_places": 2}
JSON_ONLY_RESPONSE = OpenApiResponse(description=_("The body is not JSON."))
STATE_CONFLICT_RESPONSE = OpenApiResponse(
    ErrorSerializer, description=_("Not possible in the record's current state (its status, a deadline passed), "
                                   "or the record changed since the version sent. Nothing saved."))
WRITE_RESPONSES = {400: VALIDATION_RESPONSE, **AUTH_RESPONSES, 404: NOT_FOUND_RESPONSE,
                   409: STATE_CONFLICT_RESPONSE, 415: JSON_ONLY_RESPONSE}
READ_RESPONSES = {**AUTH_RESPONSES, 404: NOT_FOUND_RESPONSE}
LOOKUP = OpenApiParameter("id", int, OpenApiParameter.PATH, description=_("Identifier of the record."))
#: The largest document a bid may carry through the API (before base64), and how many.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_DOCUMENTS = 10


def procurement_errors() -> Any:
    """``service_errors``, with refusals due to the record's state answered 409."""
    return service_errors_with_conflicts(STATE_CONFLICTS)


class StrictSerializer(serializers.Serializer):
    """A request body whose unknown fields are refused."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return refuse_unknown(self, attrs)


def choice(enum_name: str, choices: Any, **kwargs: Any) -> NamedChoiceField:
    return NamedChoiceField(enum_name=enum_name, choices=choices, **kwargs)


def tender_status_field(**kwargs: Any) -> NamedChoiceField:
    return choice("ProcurementTenderStatusEnum", TenderStatus.choices, **kwargs)


class ProcurementViewSet(ApiViewMixin, viewsets.GenericViewSet):
    """The procurement endpoints: JSON in, numeric identifiers."""

    parser_classes = (JSONParser,)
    lookup_value_regex = r"\d+"


# --- the contractor registry -------------------------------------------------------------------------------


class ContractorSerializer(serializers.ModelSerializer):
    """A registered contractor."""

    name = serializers.CharField(read_only=True, help_text=_("The name in the language of the request."))
    region = serializers.SlugRelatedField(slug_field="kato", read_only=True, allow_null=True,
                                          help_text=_("KATO code of the region of registration."))
    categories = serializers.ListField(child=choice("ProcurementWorkCategoryEnum", WorkCategory.choices),
                                       read_only=True, help_text=_("Categories of work offered."))
    status = choice("ProcurementContractorStatusEnum", ContractorStatus.choices, read_only=True,
                    help_text=_("Registration status; only a verified contractor may bid."))
    unreliable = serializers.SerializerMethodField(help_text=_("True while on the register of unreliable suppliers."))
    # Declared so that the schema admits the empty string of a contractor without an e-mail (a read-only
    # field built from the model would lose ``allow_blank``).
    email = serializers.EmailField(read_only=True, allow_blank=True, help_text=_("Contact e-mail; empty when none."))

    class Meta:
        model = Contractor
        fields = ["id", "bin", "name", "name_ru", "name_kk", "name_en", "region", "address", "email", "phone",
                  "categories", "experience_years", "status", "status_changed_at", "status_reason", "verified_at",
                  "unreliable", "version"]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Identifier of the contractor.")}, "bin": {"help_text": _("BIN (12 digits).")},
            "version": {"help_text": _("Version of the record.")},
        }

    def get_unreliable(self, contractor: Contractor) -> bool:
        count = getattr(contractor, "unreliable_count", None)
        return bool(count) if count is not None else services.is_unreliable(contractor)


class ContractorRegisterSerializer(StrictSerializer):
    """A contractor's registration."""

    bin = serializers.CharField(max_length=12, help_text=_("BIN: 12 digits, the last the control digit."))
    name_ru = serializers.CharField(max_length=300, help_text=_("Name in Russian."))
    name_kk = serializers.CharField(max_length=300, required=False, allow_blank=True, default="",
                                    help_text=_("Name in Kazakh."))
    name_en = serializers.CharField(max_length=300, required=False, allow_blank=True, default="",
                                    help_text=_("Name in English."))
    region = serializers.SlugRelatedField(slug_field="kato", queryset=Region.objects.all(), required=False,
                                          allow_null=True, default=None, help_text=_("KATO code of the region."))
    address = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                    help_text=_("Address."))
    email = serializers.EmailField(required=False, allow_blank=True, default="", help_text=_("E-mail."))
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="", help_text=_("Phone."))
    categories = serializers.ListField(child=choice("ProcurementWorkCategoryEnum", WorkCategory.choices),
                                       required=False, default=list, help_text=_("Categories of work offered."))
    experience_years = serializers.IntegerField(min_value=0, max_value=200, required=False, default=0,
                                                help_text=_("Years of experience."))


class ReasonSerializer(StrictSerializer):
    """A move that takes a reason."""

    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="",
                                   help_text=_("Why; required where the move needs one."))


class ContractorFilterSerializer(serializers.Serializer):
    status = choice("ProcurementContractorStatusEnum", ContractorStatus.choices, required=False,
                    help_text=_("Registration status."))
    category = choice("ProcurementWorkCategoryEnum", WorkCategory.choices, required=False,
                      help_text=_("Category of work."))
    q = serializers.CharField(required=False, help_text=_("Start of the BIN or part of the name."))


@extend_schema(tags=["procurement"])
class ContractorViewSet(ProcurementViewSet):
    serializer_class = ContractorSerializer
    queryset = Contractor.objects.none()

    def get_object(self) -> Contractor:
        return selectors.contractor_get(user=self.request.user, pk=int(self.kwargs["pk"]))

    @extend_schema(summary=_("Contractor registry"),
                   description=_("Contractors the user may see: the registry keepers and national roles all of "
                                 "them; everyone else the verified ones (and a contractor its own registration)."),
                   parameters=[ContractorFilterSerializer],
                   responses={200: ContractorSerializer(many=True), 400: VALIDATION_RESPONSE, **AUTH_RESPONSES})
    def list(self, request: Request) -> Response:
        query = ContractorFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        queryset = selectors.contractor_list(user=request.user, status=data.get("status"),
                                             category=data.get("category"), search=data.get("q"))
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(summary=_("Register a contractor"),
                   description=_("A contractor's own user registers its organization (pending verification); the "
                                 "technical operator or the project office may register one on its behalf. An "
                                 "invalid BIN is refused with the reason."),
                   request=ContractorRegisterSerializer, responses={201: ContractorSerializer, **WRITE_RESPONSES})
    def create(self, request: Request) -> Response:
        data = ContractorRegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with procurement_errors():
            contractor = services.contractor_register(actor=request.user, **data.validated_data)
        return Response(self.get_serializer(self._fresh(contractor)).data, status=status.HTTP_201_CREATED)

    def _fresh(self, contractor: Contractor) -> Contractor:
        return selectors.contractor_get(user=self.request.user, pk=contractor.pk)

    @extend_schema(summary=_("One contractor"), parameters=[LOOKUP],
                   responses={200: ContractorSerializer, **READ_RESPONSES})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(summary=_("Verify a contractor"),
                   description=_("The technical operator or the project office verifies a pending or suspended "
                                 "contractor; a verified one may bid."),
                   parameters=[LOOKUP], request=ReasonSerializer, responses={200: ContractorSerializer, **WRITE_RESPONSES})
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: str) -> Response:
        contractor = self.get_object()
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with procurement_errors():
            services.contractor_verify(actor=request.user, contractor=contractor, reason=data.validated_data["reason"])
        return Response(self.get_serializer(self._fresh(contractor)).data)

    @extend_schema(summary=_("Suspend a contractor"),
                   description=_("The technical operator or the project office suspends a contractor, with a reason."),
                   parameters=[LOOKUP], request=ReasonSerializer, responses={200: ContractorSerializer, **WRITE_RESPONSES})
    @action(detail=True, methods=["post"])
    def suspend(self, request: Request, pk: str) -> Response:
        contractor = self.get_object()
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with procurement_errors():
            services.contractor_suspend(actor=request.user, contractor=contractor, reason=data.validated_data["reason"])
        return Response(self.get_serializer(self._fresh(contractor)).data)


class UnreliableSupplierSerializer(serializers.ModelSerializer):
    """An entry of the register of unreliable suppliers in force."""

    contractor = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("Identifier of the contractor."))
    contractor_name = serializers.CharField(source="contractor.name", read_only=True,
                                            help_text=_("The contractor's name."))
    contractor_bin = serializers.CharField(source="contractor.bin", read_only=True, help_text=_("The contractor's BIN."))

    class Meta:
        model = UnreliableSupplier
        fields = ["id", "contractor", "contractor_name", "contractor_bin", "reason", "basis", "listed_from",
                  "listed_until"]
        read_only_fields = fields


class UnreliableSupplierView(ApiViewMixin, APIView):
    @extend_schema(tags=["procurement"], summary=_("Register of unreliable suppliers"),
                   description=_("The entries in force today; a contractor on the register may not bid."),
                   responses={200: UnreliableSupplierSerializer(many=True), **AUTH_RESPONSES})
    def get(self, request: Request) -> Response:
        return Response(UnreliableSupplierSerializer(selectors.unreliable_register(), many=True).data)


# --- tenders -----------------------------------------------------------------------------------------------


class LotSerializer(serializers.ModelSerializer):
    """A lot of a tender."""

    title = serializers.CharField(read_only=True, help_text=_("The title in the language of the request."))
    category = choice("ProcurementWorkCategoryEnum", WorkCategory.choices, read_only=True,
                      help_text=_("Category of work."))
    status = choice("ProcurementLotStatusEnum", LotStatus.choices, read_only=True, help_text=_("Outcome of the lot."))

    class Meta:
        model = Lot
        fields = ["id", "number", "title", "title_ru", "title_kk", "title_en", "category", "estimated_value", "status"]
        read_only_fields = fields


class RequirementSerializer(serializers.ModelSerializer):
    """A qualification requirement."""

    kind = choice("ProcurementRequirementKindEnum", RequirementKind.choices, read_only=True,
                  help_text=_("What the requirement asks for."))

    class Meta:
        model = QualificationRequirement
        fields = ["id", "order", "kind", "text"]
        read_only_fields = fields


class TenderSerializer(serializers.ModelSerializer):
    """A tender with its timeline (bids are not part of it: see the tender's bids once opened)."""

    title = serializers.CharField(read_only=True, help_text=_("The title in the language of the request."))
    project = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("Identifier of the project."))
    project_code = serializers.CharField(source="project.code", read_only=True, help_text=_("Code of the project."))
    region = serializers.CharField(source="project.region.kato", read_only=True,
                                   help_text=_("KATO code of the project's region."))
    customer = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("Identifier of the customer."))
    customer_name = serializers.CharField(source="customer.name", read_only=True, help_text=_("The customer."))
    method = choice("ProcurementTenderMethodEnum", TenderMethod.choices, read_only=True, help_text=_("Method."))
    status = tender_status_field(read_only=True, help_text=_("Status of the tender."))
    is_late = serializers.BooleanField(read_only=True, default=False,
                                       help_text=_("True when late to publish against the target."))
    lots = LotSerializer(many=True, read_only=True, help_text=_("The lots."))
    requirements = RequirementSerializer(many=True, read_only=True, help_text=_("Qualification requirements."))

    class Meta:
        model = Tender
        fields = ["id", "number", "ocid", "title", "title_ru", "title_kk", "title_en", "description", "project",
                  "project_code", "region", "customer", "customer_name", "method", "single_source_justification",
                  "is_turnkey", "estimated_value", "evaluation_criteria", "status", "status_changed_at",
                  "status_reason", "published_at", "clarification_deadline", "bid_deadline", "opening_at",
                  "evaluation_deadline", "standstill_ends_at", "bids_opened_at", "publication_days", "is_late",
                  "lots", "requirements", "version"]
        read_only_fields = fields
        extra_kwargs = {"id": {"help_text": _("Identifier of the tender.")},
                        "ocid": {"help_text": _("Open Contracting ID (stable).")},
                        "version": {"help_text": _("Version of the tender (send it back with changes and publication).")}}


class LotCreateSerializer(StrictSerializer):
    title_ru = serializers.CharField(max_length=500, help_text=_("Title in Russian."))
    title_kk = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                     help_text=_("Title in Kazakh."))
    title_en = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                     help_text=_("Title in English."))
    category = choice("ProcurementWorkCategoryEnum", WorkCategory.choices, help_text=_("Category of work."))
    estimated_value = serializers.DecimalField(**MONEY, help_text=_("Estimated value, tenge (positive)."))


class RequirementCreateSerializer(StrictSerializer):
    kind = choice("ProcurementRequirementKindEnum", RequirementKind.choices, help_text=_("Kind of requirement."))
    text = serializers.CharField(max_length=2000, help_text=_("The requirement."))


TIMELINE_HELP = _("Timezone-aware date and time (ISO 8601).")


class TenderFieldsSerializer(StrictSerializer):
    title_kk = serializers.CharField(max_length=500, required=False, allow_blank=True, help_text=_("Title in Kazakh."))
    title_en = serializers.CharField(max_length=500, required=False, allow_blank=True, help_text=_("Title in English."))
    description = serializers.CharField(required=False, allow_blank=True, help_text=_("Description."))
    method = choice("ProcurementTenderMethodEnum", TenderMethod.choices, required=False, help_text=_("Method."))
    single_source_justification = serializers.CharField(required=False, allow_blank=True,
                                                        help_text=_("Required for a single source."))
    is_turnkey = serializers.BooleanField(required=False, help_text=_("Turnkey (EPC)."))
    evaluation_criteria = serializers.CharField(required=False, allow_blank=True, help_text=_("Evaluation criteria."))
    clarification_deadline = serializers.DateTimeField(required=False, allow_null=True, help_text=TIMELINE_HELP)
    bid_deadline = serializers.DateTimeField(required=False, allow_null=True, help_text=TIMELINE_HELP)
    opening_at = serializers.DateTimeField(required=False, allow_null=True, help_text=TIMELINE_HELP)
    evaluation_deadline = serializers.DateTimeField(required=False, allow_null=True, help_text=TIMELINE_HELP)


class TenderCreateSerializer(TenderFieldsSerializer):
    """A new tender (a draft) for a project, with its lots and requirements."""

    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.none(),
                                                 help_text=_("Identifier of a project the user may tender."))
    title_ru = serializers.CharField(max_length=500, help_text=_("Title in Russian."))
    lots = LotCreateSerializer(many=True, help_text=_("At least one lot."))
    requirements = RequirementCreateSerializer(many=True, required=False, default=list,
                                               help_text=_("Qualification requirements."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["project"].queryset = selectors.tenderable_projects(user=request.user)


class TenderChangeSerializer(TenderFieldsSerializer):
    """Changes to a draft tender; only the fields sent change; ``version`` is the version read."""

    title_ru = serializers.CharField(max_length=500, required=False, help_text=_("Title in Russian."))
    version = serializers.IntegerField(min_value=1, help_text=_("The version read (409 when stale)."))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="",
                                   help_text=_("Optional reason; kept in the history."))


class VersionSerializer(StrictSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The version of the tender read (409 when stale)."))


class TenderFilterSerializer(serializers.Serializer):
    status = tender_status_field(required=False, help_text=_("Status."))
    region = serializers.CharField(required=False, help_text=_("KATO code of the project's region."))
    method = choice("ProcurementTenderMethodEnum", TenderMethod.choices, required=False, help_text=_("Method."))
    late = serializers.ChoiceField(choices=["1", "0"], required=False,
                                   help_text=_("1: only those late to publish; 0: the others."))
    project = serializers.IntegerField(required=False, help_text=_("Identifier of the project."))
    q = serializers.CharField(required=False, help_text=_("Text in the number, title or project code."))


class QuestionSerializer(serializers.ModelSerializer):
    """A public clarification question and its answer (who asked is not published)."""

    lot = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True, help_text=_("Identifier of the lot."))

    class Meta:
        model = Question
        fields = ["id", "lot", "text", "asked_at", "answer", "answered_at"]
        read_only_fields = fields


class QuestionAskSerializer(StrictSerializer):
    text = serializers.CharField(max_length=5000, help_text=_("The question."))
    lot = serializers.IntegerField(required=False, allow_null=True, default=None,
                                   help_text=_("Identifier of the lot it is about."))


class AnswerSerializer(StrictSerializer):
    answer = serializers.CharField(max_length=10000, help_text=_("The answer; published."))


class ComplaintSerializer(serializers.ModelSerializer):
    """A complaint to the review body and its decision."""

    tender = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("Identifier of the tender."))
    contractor = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("Identifier of the complainant."))
    status = choice("ProcurementComplaintStatusEnum", ComplaintStatus.choices, read_only=True,
                    help_text=_("Status of the complaint."))

    class Meta:
        model = Complaint
        fields = ["id", "tender", "contractor", "subject", "text", "status", "filed_at", "suspended_tender",
                  "accepted_at", "decision", "decision_number", "decided_at", "version"]
        read_only_fields = fields


class ComplaintFileSerializer(StrictSerializer):
    subject = serializers.CharField(max_length=300, help_text=_("Subject."))
    text = serializers.CharField(max_length=20000, help_text=_("The complaint."))


class ComplaintAcceptSerializer(StrictSerializer):
    suspend = serializers.BooleanField(help_text=_("Suspend the tender until the decision."))


class ComplaintDecideSerializer(StrictSerializer):
    upheld = serializers.BooleanField(help_text=_("True: upheld; false: dismissed."))
    decision = serializers.CharField(max_length=20000, help_text=_("Text of the decision."))
    decision_number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="",
                                            help_text=_("Number of the decision."))
    new_bid_deadline = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                                 help_text=_("A new bid deadline for a tender open for bids."))


class BidDocumentOutSerializer(serializers.Serializer):
    """An opened bid's document."""

    id = serializers.IntegerField(help_text=_("Identifier of the document."))
    name = serializers.CharField(help_text=_("File name (empty until the opening)."))


class BidSerializer(serializers.ModelSerializer):
    """A bid. Until the opening its price, share and documents are sealed: those fields answer null / empty."""

    tender = serializers.IntegerField(source="lot.tender_id", read_only=True, help_text=_("Identifier of the tender."))
    lot = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("Identifier of the lot."))
    lot_number = serializers.IntegerField(source="lot.number", read_only=True, help_text=_("Number of the lot."))
    contractor = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("Identifier of the bidder."))
    contractor_name = serializers.CharField(source="contractor.name", read_only=True, help_text=_("The bidder."))
    status = choice("ProcurementBidStatusEnum", BidStatus.choices, read_only=True, help_text=_("Status of the bid."))
    sealed = serializers.SerializerMethodField(help_text=_("True until the opening: price and documents unreadable."))
    documents = serializers.SerializerMethodField(help_text=_("The documents once opened (names); none before."))

    class Meta:
        model = Bid
        fields = ["id", "tender", "lot", "lot_number", "contractor", "contractor_name", "status", "submitted_at",
                  "withdrawn_at", "seal_digest", "sealed", "opened_at", "price", "local_content_share",
                  "preference_percent", "evaluated_price", "rank", "disqualification_reason", "documents", "version"]
        read_only_fields = fields
        extra_kwargs = {"seal_digest": {"help_text": _("SHA-256 receipt of the sealed content.")},
                        "price": {"help_text": _("Price, tenge; null until opened.")},
                        "local_content_share": {"help_text": _("Declared local-content share, %; null until opened.")}}

    def get_sealed(self, bid: Bid) -> bool:
        return bid.opened_at is None

    @extend_schema_field(BidDocumentOutSerializer(many=True))
    def get_documents(self, bid: Bid) -> list[dict[str, Any]]:
        if bid.opened_at is None:
            return []
        return [{"id": document.pk, "name": document.name} for document in bid.documents.all() if document.name]


class DocumentInSerializer(StrictSerializer):
    name = serializers.CharField(max_length=255, help_text=_("File name."))
    content = serializers.CharField(help_text=_("The file, base64-encoded."))

    def validate_content(self, value: str) -> bytes:
        try:
            content = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as error:
            raise serializers.ValidationError(_("Not valid base64.")) from error
        if len(content) > MAX_DOCUMENT_BYTES:
            raise serializers.ValidationError(_("The file is larger than %(size)s MB.")
                                              % {"size": MAX_DOCUMENT_BYTES // (1024 * 1024)})
        return content


class BidContentSerializer(StrictSerializer):
    price = serializers.DecimalField(**MONEY, help_text=_("Price, tenge (positive); sealed at once."))
    local_content_share = serializers.DecimalField(**SHARE, help_text=_("Declared local-content share, % (0–100)."))
    documents = DocumentInSerializer(many=True, required=False, default=list,
                                     help_text=_("Documents, sealed with the price."))

    def validate_documents(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if len(value) > MAX_DOCUMENTS:
            raise serializers.ValidationError(_("Attach at most %(count)s documents.") % {"count": MAX_DOCUMENTS})
        return value

    def pairs(self) -> list[tuple[str, bytes]]:
        return [(item["name"], item["content"]) for item in self.validated_data.get("documents") or []]


class BidSubmitSerializer(BidContentSerializer):
    """A sealed bid for a lot."""

    tender = serializers.IntegerField(help_text=_("Identifier of the tender."))
    lot = serializers.IntegerField(help_text=_("Identifier of the lot."))


class QualificationSerializer(StrictSerializer):
    bid = serializers.IntegerField(help_text=_("Identifier of an opened bid of the tender."))
    requirement = serializers.IntegerField(help_text=_("Identifier of a requirement of the tender."))
    passed = serializers.BooleanField(help_text=_("True when the bid meets the requirement."))
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="",
                                 help_text=_("Required when it fails."))


class RankSerializer(StrictSerializer):
    lot = serializers.IntegerField(help_text=_("Identifier of the lot to rank."))


class CheckSerializer(serializers.Serializer):
    requirement = serializers.IntegerField(help_text=_("Identifier of the requirement."))
    passed = serializers.BooleanField(allow_null=True, help_text=_("The result; null while not recorded."))
    note = serializers.CharField(allow_blank=True, help_text=_("The evaluators' note."))


class EvaluationRowSerializer(serializers.Serializer):
    bid = BidSerializer(help_text=_("The opened bid with its evaluated price and rank."))
    checks = CheckSerializer(many=True, help_text=_("Its result per requirement."))


class EvaluationLotSerializer(serializers.Serializer):
    lot = LotSerializer(help_text=_("The lot."))
    rows = EvaluationRowSerializer(many=True, help_text=_("Its opened bids, best-ranked first."))


class PreferenceStepSerializer(serializers.Serializer):
    share = serializers.DecimalField(**SHARE, help_text=_("Declared local-content share from which it applies, %."))
    discount = serializers.DecimalField(**SHARE, help_text=_("Reduction of the price for evaluation, %."))


class EvaluationSerializer(serializers.Serializer):
    """The evaluation of a tender's lots, with the domestic-preference table in force."""

    preference = PreferenceStepSerializer(many=True, help_text=_("The domestic preference: steps of share and discount."))
    lots = EvaluationLotSerializer(many=True, help_text=_("Each lot's evaluation."))


class AwardSerializer(serializers.ModelSerializer):
    """The award of a lot."""

    lot = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("Identifier of the lot."))
    bid = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("Identifier of the winning bid."))
    contractor = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("Identifier of the winner."))
    contractor_name = serializers.CharField(source="contractor.name", read_only=True, help_text=_("The winner."))
    status = choice("ProcurementAwardStatusEnum", AwardStatus.choices, read_only=True, help_text=_("Status."))

    class Meta:
        model = Award
        fields = ["id", "lot", "bid", "contractor", "contractor_name", "value", "status", "awarded_at", "declined_at",
                  "decline_reason", "version"]
        read_only_fields = fields


class ContractSignSerializer(StrictSerializer):
    number = serializers.CharField(max_length=60, help_text=_("Contract number."))
    start_date = serializers.DateField(help_text=_("Start."))
    end_date = serializers.DateField(help_text=_("End."))
    local_content_share = serializers.DecimalField(**SHARE, required=False, allow_null=True, default=None,
                                                   help_text=_("Committed share, %; not below the declared one."))


class ContractSerializer(serializers.ModelSerializer):
    """A contract with its paid total."""

    tender = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("Identifier of the tender."))
    lot = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("Identifier of the lot."))
    project = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("Identifier of the project."))
    customer = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("Identifier of the customer."))
    contractor = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("Identifier of the contractor."))
    contractor_name = serializers.CharField(source="contractor.name", read_only=True, help_text=_("The contractor."))
    status = choice("ProcurementContractStatusEnum", ContractStatus.choices, read_only=True, help_text=_("Status."))
    paid = serializers.DecimalField(**MONEY, read_only=True, help_text=_("Paid so far, tenge."))
    over_limit = serializers.SerializerMethodField(help_text=_("True when an amendment passed the limit."))

    class Meta:
        model = Contract
        fields = ["id", "number", "tender", "lot", "project", "customer", "contractor", "contractor_name",
                  "signed_value", "value", "start_date", "signed_end_date", "end_date", "local_content_share",
                  "signed_at", "status", "paid", "over_limit", "version"]
        read_only_fields = fields

    def get_over_limit(self, contract: Contract) -> bool:
        return bool(getattr(contract, "over_limit", 0))


class AmendmentSerializer(serializers.ModelSerializer):
    """An amendment of a contract."""

    kind = choice("ProcurementAmendmentKindEnum", AmendmentKind.choices, read_only=True, help_text=_("What changes."))

    class Meta:
        model = ContractAmendment
        fields = ["id", "number", "kind", "value_change", "new_end_date", "scope_change", "reason", "signed_on",
                  "cumulative_increase_percent", "over_limit"]
        read_only_fields = fields


class AmendmentCreateSerializer(StrictSerializer):
    kind = choice("ProcurementAmendmentKindEnum", AmendmentKind.choices, help_text=_("What changes."))
    reason = serializers.CharField(max_length=5000, help_text=_("Reason."))
    signed_on = serializers.DateField(help_text=_("Signed on."))
    value_change = serializers.DecimalField(**MONEY, required=False, default=0,
                                            help_text=_("Change of value, tenge (negative: decrease)."))
    new_end_date = serializers.DateField(required=False, allow_null=True, default=None, help_text=_("New end."))
    scope_change = serializers.CharField(required=False, allow_blank=True, default="",
                                         help_text=_("Change of scope."))


class PaymentSerializer(serializers.ModelSerializer):
    """A payment under a contract against a progress report."""

    progress_report = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("Identifier of the report."))

    class Meta:
        model = ContractPayment
        fields = ["id", "number", "amount", "paid_on", "progress_report", "cumulative_paid", "progress_cap"]
        read_only_fields = fields


class PaymentCreateSerializer(StrictSerializer):
    amount = serializers.DecimalField(**MONEY, help_text=_("Amount, tenge (positive)."))
    paid_on = serializers.DateField(help_text=_("Paid on."))
    progress_report = serializers.IntegerField(help_text=_("Identifier of the project's progress report paid for."))


@extend_schema(tags=["procurement"])
class TenderViewSet(ProcurementViewSet):
    serializer_class = TenderSerializer
    queryset = Tender.objects.none()

    def get_object(self) -> Tender:
        return selectors.tender_get(user=self.request.user, pk=int(self.kwargs["pk"]))

    def answer(self, tender: Tender, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.tender_get(user=self.request.user, pk=tender.pk)
        return Response(TenderSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(summary=_("Tenders"),
                   description=_("The tenders the user may see (public ones for everybody; drafts for the customer "
                                 "and the project office), filtered."),
                   parameters=[TenderFilterSerializer],
                   responses={200: TenderSerializer(many=True), 400: VALIDATION_RESPONSE, **AUTH_RESPONSES})
    def list(self, request: Request) -> Response:
        query = TenderFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        late = data.get("late")
        queryset = selectors.tender_list(user=request.user, status=data.get("status"), region_kato=data.get("region"),
                                         project_id=data.get("project"), search=data.get("q"),
                                         late=None if late is None else late == "1")
        if data.get("method"):
            queryset = queryset.filter(method=data["method"])
        page = self.paginate_queryset(queryset.prefetch_related("lots", "requirements"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(summary=_("Prepare a tender"),
                   description=_("A draft tender for a confirmed project (or one at contractor determination), by "
                                 "its customer or the project office, with its lots and requirements."),
                   request=TenderCreateSerializer, responses={201: TenderSerializer, **WRITE_RESPONSES})
    def create(self, request: Request) -> Response:
        data = TenderCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        with procurement_errors():
            tender = services.tender_create(actor=request.user, **data.validated_data)
        return self.answer(tender, status.HTTP_201_CREATED)

    @extend_schema(summary=_("One tender"), parameters=[LOOKUP], responses={200: TenderSerializer, **READ_RESPONSES})
    def retrieve(self, request: Request, pk: str) -> Response:
        return self.answer(self.get_object())

    @extend_schema(summary=_("Change a draft tender"),
                   description=_("Changes a draft (its customer or the project office); `version` is the version "
                                 "read (409 when stale or no longer a draft)."),
                   parameters=[LOOKUP], request=TenderChangeSerializer,
                   responses={200: TenderSerializer, **WRITE_RESPONSES})
    def partial_update(self, request: Request, pk: str) -> Response:
        tender = self.get_object()
        change = TenderChangeSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        data = dict(change.validated_data)
        version, reason = data.pop("version"), data.pop("reason")
        with procurement_errors():
            services.tender_update(actor=request.user, tender=tender, expected_version=version, reason=reason, **data)
        return self.answer(tender)

    def _move(self, request: Request, call: Any, body: type[serializers.Serializer] | None = None) -> Response:
        tender = self.get_object()
        data: dict[str, Any] = {}
        if body is not None:
            parsed = body(data=request.data)
            parsed.is_valid(raise_exception=True)
            data = dict(parsed.validated_data)
        with procurement_errors():
            result = call(tender, data)
        return self.answer(result if isinstance(result, Tender) else tender)

    @extend_schema(summary=_("Publish"),
                   description=_("Publishes a draft: it becomes public and open for bids until its deadline; the "
                                 "project's milestone moves and the days from its confirmation are measured."),
                   parameters=[LOOKUP], request=VersionSerializer, responses={200: TenderSerializer, **WRITE_RESPONSES})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        return self._move(request, lambda tender, data: services.tender_publish(
            actor=request.user, tender=tender, expected_version=data["version"]), VersionSerializer)

    @extend_schema(summary=_("Open the bids"),
                   description=_("After the bid deadline, opens (decrypts) the bids, recording who and when; lots with "
                                 "too few bids are unsuccessful. Before the deadline: 409."),
                   parameters=[LOOKUP], request=None, responses={200: TenderSerializer, **WRITE_RESPONSES})
    @action(detail=True, methods=["post"], url_path="open-bids")
    def open_bids(self, request: Request, pk: str) -> Response:
        return self._move(request, lambda tender, data: services.tender_open_bids(actor=request.user, tender=tender))

    @extend_schema(summary=_("Start the evaluation"), parameters=[LOOKUP], request=None,
                   responses={200: TenderSerializer, **WRITE_RESPONSES})
    @action(detail=True, methods=["post"], url_path="start-evaluation")
    def start_evaluation(self, request: Request, pk: str) -> Response:
        return self._move(request, lambda tender, data: services.tender_start_evaluation(actor=request.user,
                                                                                         tender=tender))

    @extend_schema(summary=_("Announce the award"),
                   description=_("Awards each evaluated lot to its best-ranked qualified bid."),
                   parameters=[LOOKUP], request=None, responses={200: TenderSerializer, **WRITE_RESPONSES})
    @action(detail=True, methods=["post"])
    def award(self, request: Request, pk: str) -> Response:
        return self._move(request, lambda tender, data: services.tender_award(actor=request.user, tender=tender))

    @extend_schema(summary=_("Start the standstill period"), parameters=[LOOKUP], request=None,
                   responses={200: TenderSerializer, **WRITE_RESPONSES})
    @action(detail=True, methods=["post"])
    def standstill(self, request: Request, pk: str) -> Response:
        return self._move(request, lambda tender, data: services.tender_start_standstill(actor=request.user,
                                                                                         tender=tender))

    @extend_schema(summary=_("Complete"), parameters=[LOOKUP], request=None,
                   responses={200: TenderSerializer, **WRITE_RESPONSES})
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        return self._move(request, lambda tender, data: services.tender_complete(actor=request.user, tender=tender))

    @extend_schema(summary=_("Cancel"), description=_("Cancels a tender, with a reason."), parameters=[LOOKUP],
                   request=ReasonSerializer, responses={200: TenderSerializer, **WRITE_RESPONSES})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        return self._move(request, lambda tender, data: services.tender_cancel(
            actor=request.user, tender=tender, reason=data["reason"]), ReasonSerializer)

    @extend_schema(summary=_("Declare unsuccessful"), parameters=[LOOKUP], request=ReasonSerializer,
                   responses={200: TenderSerializer, **WRITE_RESPONSES})
    @action(detail=True, methods=["post"], url_path="declare-unsuccessful")
    def declare_unsuccessful(self, request: Request, pk: str) -> Response:
        return self._move(request, lambda tender, data: services.tender_declare_unsuccessful(
            actor=request.user, tender=tender, reason=data["reason"]), ReasonSerializer)

    @extend_schema(summary=_("Re-tender"),
                   description=_("Prepares a new draft for an unsuccessful or cancelled tender; answers the new draft."),
                   parameters=[LOOKUP], request=None, responses={200: TenderSerializer, **WRITE_RESPONSES})
    @action(detail=True, methods=["post"])
    def retender(self, request: Request, pk: str) -> Response:
        return self._move(request, lambda tender, data: services.tender_retender(actor=request.user, tender=tender))

    @extend_schema(summary=_("Questions and answers"), parameters=[LOOKUP],
                   responses={200: QuestionSerializer(many=True), **READ_RESPONSES})
    @action(detail=True, methods=["get"], pagination_class=None)
    def questions(self, request: Request, pk: str) -> Response:
        tender = self.get_object()
        return Response(QuestionSerializer(selectors.question_list(user=request.user, tender=tender), many=True).data)

    @extend_schema(summary=_("Ask a question"),
                   description=_("A registered contractor asks, before the clarification deadline; it is published "
                                 "without the asker."),
                   parameters=[LOOKUP], request=QuestionAskSerializer,
                   responses={201: QuestionSerializer, **WRITE_RESPONSES})
    @questions.mapping.post
    def ask(self, request: Request, pk: str) -> Response:
        tender = self.get_object()
        data = QuestionAskSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lot = None
        if data.validated_data["lot"] is not None:
            lot = Lot.objects.filter(tender=tender, pk=data.validated_data["lot"]).first()
            if lot is None:
                raise exceptions.ValidationError({"lot": [_("No such lot of this tender.")]})
        with procurement_errors():
            question = services.question_ask(actor=request.user, tender=tender, text=data.validated_data["text"],
                                             lot=lot)
        return Response(QuestionSerializer(question).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("Complaints"), parameters=[LOOKUP],
                   responses={200: ComplaintSerializer(many=True), **READ_RESPONSES})
    @action(detail=True, methods=["get"], pagination_class=None)
    def complaints(self, request: Request, pk: str) -> Response:
        tender = self.get_object()
        return Response(ComplaintSerializer(selectors.complaint_list(user=request.user, tender=tender), many=True).data)

    @extend_schema(summary=_("Complain"), description=_("A registered contractor complains to the review body."),
                   parameters=[LOOKUP], request=ComplaintFileSerializer,
                   responses={201: ComplaintSerializer, **WRITE_RESPONSES})
    @complaints.mapping.post
    def complain(self, request: Request, pk: str) -> Response:
        tender = self.get_object()
        data = ComplaintFileSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with procurement_errors():
            complaint = services.complaint_file(actor=request.user, tender=tender, **data.validated_data)
        return Response(ComplaintSerializer(complaint).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("Bids of the tender"),
                   description=_("After the opening, the opened bids with prices, shares and documents; before it, "
                                 "only the user's own bids (sealed: no price, no documents)."),
                   parameters=[LOOKUP], responses={200: BidSerializer(many=True), **READ_RESPONSES})
    @action(detail=True, methods=["get"], pagination_class=None)
    def bids(self, request: Request, pk: str) -> Response:
        tender = self.get_object()
        own = list(selectors.own_bids(user=request.user).filter(lot__tender=tender))
        opened = list(selectors.opened_bids(user=request.user, tender=tender).prefetch_related("documents")) \
            if tender.bids_opened_at else []
        seen = {bid.pk for bid in opened}
        return Response(BidSerializer([*opened, *(bid for bid in own if bid.pk not in seen)], many=True).data)

    @extend_schema(summary=_("Evaluation"),
                   description=_("For the customer and the organizer: each lot's opened bids with their result per "
                                 "requirement, evaluated price with the domestic preference, and rank."),
                   parameters=[LOOKUP], responses={200: EvaluationSerializer, **READ_RESPONSES})
    @action(detail=True, methods=["get"], pagination_class=None)
    def evaluation(self, request: Request, pk: str) -> Response:
        from meks.procurement.choices import domestic_preference_table

        tender = self.get_object()
        lots = []
        for lot in selectors.lot_list(user=request.user, tender=tender):
            rows = selectors.evaluation_table(user=request.user, lot=lot)
            lots.append({"lot": lot, "rows": [
                {"bid": row["bid"], "checks": [
                    {"requirement": requirement.pk, "passed": None if check is None else check.passed,
                     "note": "" if check is None else check.note}
                    for requirement, check in zip(row["requirements"], row["checks"], strict=True)]}
                for row in rows]})
        preference = [{"share": share, "discount": discount} for share, discount in domestic_preference_table()]
        return Response(EvaluationSerializer({"preference": preference, "lots": lots}).data)

    @extend_schema(summary=_("Record a qualification result"), parameters=[LOOKUP], request=QualificationSerializer,
                   responses={201: OpenApiResponse(description=_("Recorded.")), **WRITE_RESPONSES})
    @action(detail=True, methods=["post"])
    def qualification(self, request: Request, pk: str) -> Response:
        tender = self.get_object()
        data = QualificationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bid = get_visible_or_404(selectors.opened_bids(user=request.user, tender=tender), pk=data.validated_data["bid"])
        requirement = get_visible_or_404(tender.requirements.all(), pk=data.validated_data["requirement"])
        with procurement_errors():
            services.qualification_record(actor=request.user, bid=bid, requirement=requirement,
                                          passed=data.validated_data["passed"], note=data.validated_data["note"])
        return Response(status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("Rank a lot's bids"),
                   description=_("Ranks the qualified bids of a lot by evaluated price (the domestic preference "
                                 "applied); every requirement's result must be recorded first."),
                   parameters=[LOOKUP], request=RankSerializer, responses={200: BidSerializer(many=True), **WRITE_RESPONSES})
    @action(detail=True, methods=["post"])
    def rank(self, request: Request, pk: str) -> Response:
        tender = self.get_object()
        data = RankSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lot = get_visible_or_404(Lot.objects.filter(tender=tender), pk=data.validated_data["lot"])
        with procurement_errors():
            services.lot_evaluate(actor=request.user, lot=lot)
        bids = selectors.opened_bids(user=request.user, tender=tender).filter(lot=lot).prefetch_related("documents")
        return Response(BidSerializer(bids, many=True).data)

    @extend_schema(summary=_("Awards"), parameters=[LOOKUP], responses={200: AwardSerializer(many=True), **READ_RESPONSES})
    @action(detail=True, methods=["get"], pagination_class=None)
    def awards(self, request: Request, pk: str) -> Response:
        tender = self.get_object()
        awards = Award.objects.filter(lot__tender=tender).select_related("contractor").order_by("lot__number",
                                                                                               "awarded_at")
        return Response(AwardSerializer(awards, many=True).data)


@extend_schema(tags=["procurement"])
class QuestionViewSet(ProcurementViewSet):
    serializer_class = QuestionSerializer
    queryset = Question.objects.none()

    @extend_schema(summary=_("Answer a question"), description=_("The customer or the organizer answers; published."),
                   parameters=[LOOKUP], request=AnswerSerializer, responses={200: QuestionSerializer, **WRITE_RESPONSES})
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str) -> Response:
        visible = Question.objects.filter(tender__in=Tender.objects.filter(selectors.tender_visibility(request.user)))
        question = get_visible_or_404(visible, pk=int(pk))
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with procurement_errors():
            question = services.question_answer(actor=request.user, question=question,
                                                answer=data.validated_data["answer"])
        return Response(QuestionSerializer(question).data)


@extend_schema(tags=["procurement"])
class ComplaintViewSet(ProcurementViewSet):
    serializer_class = ComplaintSerializer
    queryset = Complaint.objects.none()

    def get_object(self) -> Complaint:
        return selectors.complaint_get(user=self.request.user, pk=int(self.kwargs["pk"]))

    @extend_schema(summary=_("Take a complaint for review"), parameters=[LOOKUP], request=ComplaintAcceptSerializer,
                   responses={200: ComplaintSerializer, **WRITE_RESPONSES})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        complaint = self.get_object()
        data = ComplaintAcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with procurement_errors():
            complaint = services.complaint_accept(actor=request.user, complaint=complaint, **data.validated_data)
        return Response(ComplaintSerializer(complaint).data)

    @extend_schema(summary=_("Decide on a complaint"),
                   description=_("The review body upholds or dismisses it; a suspension it caused is lifted."),
                   parameters=[LOOKUP], request=ComplaintDecideSerializer,
                   responses={200: ComplaintSerializer, **WRITE_RESPONSES})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        complaint = self.get_object()
        data = ComplaintDecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with procurement_errors():
            complaint = services.complaint_decide(actor=request.user, complaint=complaint, **data.validated_data)
        return Response(ComplaintSerializer(complaint).data)


@extend_schema(tags=["procurement"])
class BidViewSet(ProcurementViewSet):
    serializer_class = BidSerializer
    queryset = Bid.objects.none()

    def get_object(self) -> Bid:
        return selectors.bid_get(user=self.request.user, pk=int(self.kwargs["pk"]))

    @extend_schema(summary=_("Your bids"),
                   description=_("The bids of the contractor the user acts for; sealed ones answer no price."),
                   responses={200: BidSerializer(many=True), **AUTH_RESPONSES})
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.own_bids(user=request.user).prefetch_related("documents"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(summary=_("Submit a sealed bid"),
                   description=_("A verified contractor not on the unreliable register bids for a lot of a published "
                                 "tender before its deadline. The price, the share and the documents are encrypted at "
                                 "once; the answer carries only the seal's receipt."),
                   request=BidSubmitSerializer, responses={201: BidSerializer, **WRITE_RESPONSES})
    def create(self, request: Request) -> Response:
        data = BidSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tender = selectors.tender_get(user=request.user, pk=data.validated_data["tender"])
        lot = Lot.objects.filter(pk=data.validated_data["lot"]).select_related("tender").first()
        if lot is None:
            raise exceptions.ValidationError({"lot": [_("No such lot.")]})
        with procurement_errors():
            bid = services.bid_submit(actor=request.user, tender=tender, lot=lot, price=data.validated_data["price"],
                                      local_content_share=data.validated_data["local_content_share"],
                                      documents=data.pairs())
        return Response(BidSerializer(self._fresh(bid)).data, status=status.HTTP_201_CREATED)

    def _fresh(self, bid: Bid) -> Bid:
        return selectors.bid_get(user=self.request.user, pk=bid.pk)

    @extend_schema(summary=_("One bid"),
                   description=_("The bidder's own bid (sealed until the opening), or an opened bid."),
                   parameters=[LOOKUP], responses={200: BidSerializer, **READ_RESPONSES})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(BidSerializer(self.get_object()).data)

    @extend_schema(summary=_("Replace a bid"),
                   description=_("The bidder replaces its sealed bid before the deadline with a new sealed one."),
                   parameters=[LOOKUP], request=BidContentSerializer, responses={201: BidSerializer, **WRITE_RESPONSES})
    @action(detail=True, methods=["post"])
    def replace(self, request: Request, pk: str) -> Response:
        bid = get_visible_or_404(selectors.own_bids(user=request.user), pk=int(pk))
        data = BidContentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with procurement_errors():
            new = services.bid_replace(actor=request.user, bid=bid, price=data.validated_data["price"],
                                       local_content_share=data.validated_data["local_content_share"],
                                       documents=data.pairs())
        return Response(BidSerializer(self._fresh(new)).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("Withdraw a bid"), description=_("The bidder withdraws its sealed bid before the deadline."),
                   parameters=[LOOKUP], request=None, responses={200: BidSerializer, **WRITE_RESPONSES})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        bid = get_visible_or_404(selectors.own_bids(user=request.user), pk=int(pk))
        with procurement_errors():
            bid = services.bid_withdraw(actor=request.user, bid=bid)
        return Response(BidSerializer(self._fresh(bid)).data)


@extend_schema(tags=["procurement"])
class AwardViewSet(ProcurementViewSet):
    serializer_class = AwardSerializer
    queryset = Award.objects.none()

    def get_object(self) -> Award:
        visible = Award.objects.filter(lot__tender__in=Tender.objects.filter(selectors.tender_visibility(self.request.user)))
        return get_visible_or_404(visible.select_related("lot__tender", "contractor"), pk=int(self.kwargs["pk"]))

    @extend_schema(summary=_("The winner refuses"),
                   description=_("The winner or the customer records the refusal; the next-ranked bid gets the award."),
                   parameters=[LOOKUP], request=ReasonSerializer, responses={200: AwardSerializer, **WRITE_RESPONSES})
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str) -> Response:
        award = self.get_object()
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with procurement_errors():
            services.award_decline(actor=request.user, award=award, reason=data.validated_data["reason"])
        return Response(AwardSerializer(self.get_object()).data)

    @extend_schema(summary=_("Record the signed contract"),
                   description=_("After the standstill, the customer or the organizer records the contract signed on a "
                                 "pending award, at the winning price."),
                   parameters=[LOOKUP], request=ContractSignSerializer,
                   responses={201: ContractSerializer, **WRITE_RESPONSES})
    @action(detail=True, methods=["post"])
    def contract(self, request: Request, pk: str) -> Response:
        award = self.get_object()
        data = ContractSignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with procurement_errors():
            contract = services.contract_sign(actor=request.user, award=award, **data.validated_data)
        return Response(ContractSerializer(selectors.contract_get(user=request.user, pk=contract.pk)).data,
                        status=status.HTTP_201_CREATED)


@extend_schema(tags=["procurement"])
class ContractViewSet(ProcurementViewSet):
    serializer_class = ContractSerializer
    queryset = Contract.objects.none()

    def get_object(self) -> Contract:
        return selectors.contract_get(user=self.request.user, pk=int(self.kwargs["pk"]))

    @extend_schema(summary=_("Contracts"),
                   description=_("Contracts of the tenders the user oversees, and a contractor's own."),
                   responses={200: ContractSerializer(many=True), **AUTH_RESPONSES})
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.contract_list(user=request.user))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(summary=_("One contract"), parameters=[LOOKUP], responses={200: ContractSerializer, **READ_RESPONSES})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(summary=_("Amendments"), parameters=[LOOKUP],
                   responses={200: AmendmentSerializer(many=True), **READ_RESPONSES})
    @action(detail=True, methods=["get"], pagination_class=None)
    def amendments(self, request: Request, pk: str) -> Response:
        contract = self.get_object()
        return Response(AmendmentSerializer(selectors.amendment_list(user=request.user, contract=contract),
                                            many=True).data)

    @extend_schema(summary=_("Record an amendment"),
                   description=_("Of value, duration or scope; a cumulative increase above the limit is flagged."),
                   parameters=[LOOKUP], request=AmendmentCreateSerializer,
                   responses={201: AmendmentSerializer, **WRITE_RESPONSES})
    @amendments.mapping.post
    def amend(self, request: Request, pk: str) -> Response:
        contract = self.get_object()
        data = AmendmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with procurement_errors():
            amendment = services.contract_amend(actor=request.user, contract=contract, **data.validated_data)
        return Response(AmendmentSerializer(amendment).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("Payments"), parameters=[LOOKUP],
                   responses={200: PaymentSerializer(many=True), **READ_RESPONSES})
    @action(detail=True, methods=["get"], pagination_class=None)
    def payments(self, request: Request, pk: str) -> Response:
        contract = self.get_object()
        return Response(PaymentSerializer(selectors.payment_list(user=request.user, contract=contract), many=True).data)

    @extend_schema(summary=_("Record a payment"),
                   description=_("Against a progress report of the project; refused when the payments in total would "
                                 "exceed the value times the completion the report shows."),
                   parameters=[LOOKUP], request=PaymentCreateSerializer,
                   responses={201: PaymentSerializer, **WRITE_RESPONSES})
    @payments.mapping.post
    def pay(self, request: Request, pk: str) -> Response:
        contract = self.get_object()
        data = PaymentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = ProgressReport.objects.filter(pk=data.validated_data["progress_report"],
                                               project_id=contract.project_id).first()
        if report is None:
            raise exceptions.ValidationError({"progress_report": [_("No such progress report of the project.")]})
        with procurement_errors():
            payment = services.contract_payment_record(actor=request.user, contract=contract,
                                                       amount=data.validated_data["amount"],
                                                       paid_on=data.validated_data["paid_on"], progress_report=report)
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)


# --- the summary -------------------------------------------------------------------------------------------


def producer_figures() -> dict[str, Any]:
    """The domestic producers' public totals, with links to their pages where they exist."""
    figures = dict(producer_totals())
    for key, name in (("url", "producers:dashboard"), ("producers_url", "producers:producer_list"),
                      ("products_url", "producers:product_list")):
        try:
            figures[key] = reverse(name)
        except NoReverseMatch:
            figures[key] = ""
    return figures


def register_dashboard_figures() -> None:
    """Hand the producers' totals to the procurement dashboard (called once, by the API app's ``ready``)."""
    register_producer_totals(producer_figures)


FILTER_HELP = _("Query parameters of the tender or contract list that list the records behind the figure.")


def _filter() -> serializers.DictField:
    return serializers.DictField(child=serializers.CharField(), help_text=FILTER_HELP)


class ProcurementTotalsSerializer(serializers.Serializer):
    tenders = serializers.IntegerField(help_text=_("Tenders."))
    estimated_value = serializers.DecimalField(**MONEY, help_text=_("Their estimated value, tenge."))
    late = serializers.IntegerField(help_text=_("Late to publish."))
    estimate_signed = serializers.DecimalField(**MONEY, help_text=_("Estimates of the lots under contract, tenge."))
    signed = serializers.DecimalField(**MONEY, help_text=_("Values signed, tenge."))
    saving = serializers.DecimalField(**MONEY, help_text=_("Saved against the estimates, tenge."))
    saving_percent = serializers.DecimalField(max_digits=7, decimal_places=1, help_text=_("Saved, %."))
    contracts = serializers.IntegerField(help_text=_("Contracts."))
    local_content_share = serializers.DecimalField(**SHARE, help_text=_("Value-weighted committed local content, %."))


class ProcurementStageSerializer(serializers.Serializer):
    status = tender_status_field(help_text=_("Status."))
    label = serializers.CharField(help_text=_("The status, in the language of the request."))
    count = serializers.IntegerField(help_text=_("Tenders."))
    value = serializers.DecimalField(**MONEY, help_text=_("Estimated value, tenge."))
    filter = _filter()


class ProcurementDelaySerializer(serializers.Serializer):
    region = serializers.CharField(help_text=_("KATO code of the region."))
    region_name = serializers.CharField(help_text=_("The region."))
    published = serializers.IntegerField(help_text=_("Tenders published."))
    average_days = serializers.DecimalField(max_digits=8, decimal_places=1,
                                            help_text=_("Average days from confirmation to publication."))
    late = serializers.IntegerField(help_text=_("Published late."))
    filter = _filter()
    late_filter = _filter()


class ProcurementLeastCompetedSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("Identifier of the tender."))
    number = serializers.CharField(help_text=_("Number."))
    title = serializers.CharField(help_text=_("Title."))
    bids = serializers.IntegerField(help_text=_("Opened bids."))
    bidders = serializers.IntegerField(help_text=_("Bidders."))
    region = serializers.CharField(help_text=_("KATO code of the region."))


class ProcurementCompetitionSerializer(serializers.Serializer):
    lots = serializers.IntegerField(help_text=_("Lots whose bids were opened."))
    average_bids_per_lot = serializers.DecimalField(max_digits=8, decimal_places=2, help_text=_("Bids per lot."))
    single_bid_lots = serializers.IntegerField(help_text=_("Lots with a single bid."))
    no_bid_lots = serializers.IntegerField(help_text=_("Lots with no bid."))
    least_competed = ProcurementLeastCompetedSerializer(many=True, help_text=_("The least competed tenders."))


class ProcurementSavingSerializer(serializers.Serializer):
    region = serializers.CharField(help_text=_("KATO code of the region."))
    region_name = serializers.CharField(help_text=_("The region."))
    contracts = serializers.IntegerField(help_text=_("Contracts."))
    estimate = serializers.DecimalField(**MONEY, help_text=_("Lots' estimates, tenge."))
    signed = serializers.DecimalField(**MONEY, help_text=_("Signed, tenge."))
    saving = serializers.DecimalField(**MONEY, help_text=_("Saved, tenge."))
    saving_percent = serializers.DecimalField(max_digits=7, decimal_places=1, help_text=_("Saved, %."))
    filter = _filter()


class ProcurementLocalContentSerializer(serializers.Serializer):
    region = serializers.CharField(help_text=_("KATO code of the region."))
    region_name = serializers.CharField(help_text=_("The region."))
    contracts = serializers.IntegerField(help_text=_("Contracts."))
    value = serializers.DecimalField(**MONEY, help_text=_("Their value, tenge."))
    share = serializers.DecimalField(**SHARE, help_text=_("Value-weighted committed local content, %."))
    filter = _filter()


class ProducerTotalsSerializer(serializers.Serializer):
    producers = serializers.IntegerField(help_text=_("Domestic producers."))
    products = serializers.IntegerField(help_text=_("Their products."))
    value = serializers.DecimalField(max_digits=20, decimal_places=2, help_text=_("The catalogue's value, tenge."))
    value_trn = serializers.DecimalField(max_digits=12, decimal_places=2, help_text=_("The same in trillions."))


class ProcurementSummarySerializer(serializers.Serializer):
    """The procurement dashboard's figures, each with the list filter behind it, and the producers' totals."""

    target_days = serializers.IntegerField(help_text=_("Target days from confirmation to publication."))
    totals = ProcurementTotalsSerializer(help_text=_("Totals."))
    stages = ProcurementStageSerializer(many=True, help_text=_("Tenders by stage."))
    publication_delays = ProcurementDelaySerializer(many=True, help_text=_("Publication delays by region."))
    competition = ProcurementCompetitionSerializer(help_text=_("Competition."))
    savings = ProcurementSavingSerializer(many=True, help_text=_("Savings against estimates by region."))
    local_content = ProcurementLocalContentSerializer(many=True, help_text=_("Local-content share by region."))
    producers = ProducerTotalsSerializer(help_text=_("Domestic producers and products."))


class SummaryView(ApiViewMixin, APIView):
    @extend_schema(tags=["procurement"], summary=_("Procurement dashboard"),
                   description=_("The procurement dashboard's figures for what the user may see: tenders by stage, "
                                 "publication delays by region, competition, savings against estimates, local-content "
                                 "share, and the domestic producers' totals."),
                   responses={200: ProcurementSummarySerializer, **AUTH_RESPONSES})
    def get(self, request: Request) -> Response:
        summary = dashboard_summary(request.user)
        summary["producers"] = producer_totals()
        return Response(ProcurementSummarySerializer(summary).data)


router = SimpleRouter(trailing_slash=True)
router.register("contractors", ContractorViewSet, basename="procurement-contractor")
router.register("tenders", TenderViewSet, basename="procurement-tender")
router.register("questions", QuestionViewSet, basename="procurement-question")
router.register("complaints", ComplaintViewSet, basename="procurement-complaint")
router.register("bids", BidViewSet, basename="procurement-bid")
router.register("awards", AwardViewSet, basename="procurement-award")
router.register("contracts", ContractViewSet, basename="procurement-contract")

urlpatterns = [
    *router.urls,
    path("unreliable-suppliers/", UnreliableSupplierView.as_view(), name="procurement-unreliable-suppliers"),
    path("summary/", SummaryView.as_view(), name="procurement-summary"),
]
