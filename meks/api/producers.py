"""REST endpoints of domestic producers, mounted under /api/v1/producers/.

Categories, producers, products (with the catalogue's search filters), offtake contracts with their yearly
volumes and deliveries, and the summary. The register, the catalogue and the summary are public, as on
the pages: an anonymous client reads them. Offtake contracts need a signed-in user and show only the
contracts of the user's side.

Reads go through the producers' selectors; writes through its services inside ``service_errors()``: a
refusal because of the user's role answers 403, a stale ``version`` 409, bad input 400 with the reason per
field. A record the user may not see answers 404, like a missing one.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from meks.accounts.models import Organization
from meks.producers import selectors, services
from meks.producers.choices import CertificateState, ContractKind, ProducerStatus, Unit
from meks.producers.models import OfftakeContract, Producer, Product, ProductCategory

from .assignments import NamedChoiceField
from .common import (
    AUTH_RESPONSES,
    CONFLICT_RESPONSE,
    NOT_FOUND_RESPONSE,
    VALIDATION_RESPONSE,
    ApiViewMixin,
    VersionedChangeMixin,
    service_errors,
)

MONEY = {"max_digits": 24, "decimal_places": 2}
QUANTITY = {"max_digits": 18, "decimal_places": 3}
WRITE_RESPONSES = {400: VALIDATION_RESPONSE, **AUTH_RESPONSES, 404: NOT_FOUND_RESPONSE, 409: CONFLICT_RESPONSE}
LOOKUP = OpenApiParameter("id", int, OpenApiParameter.PATH, description=_("Identifier of the record."))


def unit_field(**kwargs: Any) -> NamedChoiceField:
    return NamedChoiceField(enum_name="ProductUnitEnum", choices=Unit.choices, **kwargs)


# --- serializers -------------------------------------------------------------------------------------------


class ProductCategorySerializer(serializers.Serializer):
    """A product category (reference data)."""

    code = serializers.CharField(help_text=_("Code of the category, used in filters."))
    name = serializers.CharField(help_text=_("The name in the language of the request."))
    name_ru = serializers.CharField(help_text=_("The name in Russian."))
    name_kk = serializers.CharField(help_text=_("The name in Kazakh."))
    name_en = serializers.CharField(help_text=_("The name in English."))


class ProducerSerializer(serializers.Serializer):
    """A domestic producer with its catalogue's size and value."""

    id = serializers.IntegerField(help_text=_("Identifier of the producer."))
    bin = serializers.CharField(help_text=_("Business identification number."))
    name = serializers.CharField(help_text=_("The name in the language of the request."))
    name_ru = serializers.CharField(help_text=_("The name in Russian."))
    name_kk = serializers.CharField(help_text=_("The name in Kazakh."))
    name_en = serializers.CharField(help_text=_("The name in English."))
    region = serializers.CharField(source="region.kato", help_text=_("KATO code of the producer's region."))
    address = serializers.CharField(help_text=_("Address."))
    capacity = serializers.CharField(help_text=_("Production capacity as the producer states it."))
    status = NamedChoiceField(enum_name="ProducerStatusEnum", choices=ProducerStatus.choices,
                              help_text=_("Status of the registration."))
    product_count = serializers.IntegerField(help_text=_("Products listed."))
    catalogue_value = serializers.DecimalField(**MONEY, help_text=_("Sum of the products' values, tenge."))
    version = serializers.IntegerField(help_text=_("Version of the record (send it back with a change)."))


class ProducerChangeSerializer(VersionedChangeMixin):
    """A change of a registration: only the fields sent change."""

    name_ru = serializers.CharField(required=False, max_length=255, help_text=_("The name in Russian."))
    name_kk = serializers.CharField(required=False, allow_blank=True, max_length=255, help_text=_("The name in Kazakh."))
    name_en = serializers.CharField(required=False, allow_blank=True, max_length=255, help_text=_("The name in English."))
    address = serializers.CharField(required=False, allow_blank=True, max_length=300, help_text=_("Address."))
    capacity = serializers.CharField(required=False, allow_blank=True, max_length=300, help_text=_("Production capacity."))


class ProductSerializer(serializers.Serializer):
    """A catalogue position with its value and certificate state."""

    id = serializers.IntegerField(help_text=_("Identifier of the product."))
    producer = serializers.IntegerField(source="producer_id", help_text=_("Identifier of the producer."))
    producer_name = serializers.CharField(source="producer.name", help_text=_("The producer, in the language of the request."))
    region = serializers.CharField(source="producer.region.kato", help_text=_("KATO code of the producer's region."))
    category = serializers.CharField(source="category.code", help_text=_("Code of the category."))
    name = serializers.CharField(help_text=_("The name in the language of the request."))
    name_ru = serializers.CharField(help_text=_("The name in Russian."))
    name_kk = serializers.CharField(help_text=_("The name in Kazakh."))
    name_en = serializers.CharField(help_text=_("The name in English."))
    code = serializers.CharField(help_text=_("The producer's article code."))
    unit = unit_field(help_text=_("Unit of measure."))
    unit_price = serializers.DecimalField(max_digits=18, decimal_places=2, help_text=_("Unit price, tenge."))
    quantity_listed = serializers.DecimalField(**QUANTITY, help_text=_("Quantity listed for the national project."))
    value = serializers.DecimalField(**MONEY, help_text=_("Unit price × quantity, tenge."))
    certificate_state = NamedChoiceField(enum_name="CertificateStateEnum", choices=CertificateState.choices,
                                         help_text=_("Whether a certificate of origin is valid today."))
    certificate_until = serializers.DateField(allow_null=True, help_text=_("When the latest certificate ends."))
    version = serializers.IntegerField(help_text=_("Version of the record (send it back with a change)."))


class ProductWriteSerializer(serializers.Serializer):
    """A new catalogue position."""

    producer = serializers.PrimaryKeyRelatedField(queryset=Producer.objects.all(), help_text=_("Identifier of the producer."))
    category = serializers.SlugRelatedField(slug_field="code", queryset=ProductCategory.objects.all(),
                                            help_text=_("Code of the category."))
    name_ru = serializers.CharField(max_length=255, help_text=_("The name in Russian."))
    name_kk = serializers.CharField(required=False, allow_blank=True, max_length=255, help_text=_("The name in Kazakh."))
    name_en = serializers.CharField(required=False, allow_blank=True, max_length=255, help_text=_("The name in English."))
    code = serializers.CharField(required=False, allow_blank=True, max_length=60, help_text=_("Article code."))
    unit = unit_field(help_text=_("Unit of measure."))
    unit_price = serializers.DecimalField(max_digits=18, decimal_places=2, help_text=_("Unit price, tenge."))
    quantity_listed = serializers.DecimalField(**QUANTITY, help_text=_("Quantity listed for the national project."))
    description = serializers.CharField(required=False, allow_blank=True, help_text=_("Description."))


class ProductChangeSerializer(VersionedChangeMixin):
    """A change of a catalogue position: only the fields sent change."""

    name_ru = serializers.CharField(required=False, max_length=255, help_text=_("The name in Russian."))
    name_kk = serializers.CharField(required=False, allow_blank=True, max_length=255, help_text=_("The name in Kazakh."))
    name_en = serializers.CharField(required=False, allow_blank=True, max_length=255, help_text=_("The name in English."))
    unit_price = serializers.DecimalField(required=False, max_digits=18, decimal_places=2, help_text=_("Unit price, tenge."))
    quantity_listed = serializers.DecimalField(required=False, **QUANTITY, help_text=_("Quantity listed."))
    description = serializers.CharField(required=False, allow_blank=True, help_text=_("Description."))


class OfftakeYearSerializer(serializers.Serializer):
    """One year of a contract."""

    year = serializers.IntegerField(help_text=_("Year."))
    planned = serializers.DecimalField(**QUANTITY, help_text=_("Volume planned."))
    due = serializers.DecimalField(**QUANTITY, help_text=_("Volume due by today."))
    delivered = serializers.DecimalField(**QUANTITY, help_text=_("Volume delivered."))
    fulfilment = serializers.DecimalField(max_digits=9, decimal_places=1, help_text=_("Delivered over planned, %."))
    behind = serializers.BooleanField(help_text=_("Less than the tolerated share of the volume due was delivered."))


class OfftakeContractSerializer(serializers.Serializer):
    """An offtake or long-term contract with its totals and behind-plan flag."""

    id = serializers.IntegerField(help_text=_("Identifier of the contract."))
    number = serializers.CharField(help_text=_("Contract number."))
    kind = NamedChoiceField(enum_name="OfftakeContractKindEnum", choices=ContractKind.choices,
                            help_text=_("Kind of contract."))
    utility = serializers.IntegerField(source="utility_id", help_text=_("Identifier of the utility (buyer)."))
    utility_name = serializers.CharField(source="utility.name", help_text=_("The utility, in the language of the request."))
    producer = serializers.IntegerField(source="producer_id", help_text=_("Identifier of the producer."))
    product = serializers.IntegerField(source="product_id", allow_null=True, help_text=_("Identifier of the product, if one."))
    category = serializers.CharField(source="category.code", help_text=_("Code of the category."))
    unit = unit_field(help_text=_("Unit of the volumes."))
    signed_on = serializers.DateField(help_text=_("Date signed."))
    start_year = serializers.IntegerField(help_text=_("First year."))
    end_year = serializers.IntegerField(help_text=_("Last year."))
    unit_price = serializers.DecimalField(max_digits=18, decimal_places=2, help_text=_("Contract unit price, tenge."))
    planned_total = serializers.DecimalField(**QUANTITY, help_text=_("Volume planned over the term."))
    due_total = serializers.DecimalField(**QUANTITY, help_text=_("Volume due by today."))
    delivered_total = serializers.DecimalField(**QUANTITY, help_text=_("Volume delivered."))
    behind = serializers.BooleanField(help_text=_("True when behind plan."))


class OfftakeContractDetailSerializer(OfftakeContractSerializer):
    """A contract with its years."""

    years = serializers.SerializerMethodField(help_text=_("Volumes by year."))

    @extend_schema_field(OfftakeYearSerializer(many=True))
    def get_years(self, contract: OfftakeContract) -> list[dict[str, Any]]:
        return OfftakeYearSerializer(selectors.contract_years(contract=contract), many=True).data


class OfftakeContractWriteSerializer(serializers.Serializer):
    """A new contract with the volume planned for each year."""

    number = serializers.CharField(max_length=60, help_text=_("Contract number."))
    kind = NamedChoiceField(enum_name="OfftakeContractKindEnum", choices=ContractKind.choices,
                            help_text=_("Kind of contract."))
    utility = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all(), help_text=_("Identifier of the utility."))
    producer = serializers.PrimaryKeyRelatedField(queryset=Producer.objects.all(), help_text=_("Identifier of the producer."))
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all(), required=False, allow_null=True,
                                                 help_text=_("Identifier of the product (or give a category and unit)."))
    category = serializers.SlugRelatedField(slug_field="code", queryset=ProductCategory.objects.all(), required=False,
                                            allow_null=True, help_text=_("Code of the category, without a product."))
    unit = NamedChoiceField(enum_name="ProductUnitEnum", choices=Unit.choices, required=False, allow_null=True,
                            help_text=_("Unit, without a product."))
    signed_on = serializers.DateField(help_text=_("Date signed."))
    start_year = serializers.IntegerField(min_value=2000, max_value=2100, help_text=_("First year."))
    end_year = serializers.IntegerField(min_value=2000, max_value=2100, help_text=_("Last year."))
    unit_price = serializers.DecimalField(max_digits=18, decimal_places=2, help_text=_("Contract unit price, tenge."))
    planned = serializers.DictField(child=serializers.DecimalField(**QUANTITY),
                                    help_text=_("Volume planned per year: year to quantity."))


class OfftakeDeliverySerializer(serializers.Serializer):
    """A delivery under a contract."""

    id = serializers.IntegerField(read_only=True, help_text=_("Identifier of the delivery."))
    delivered_on = serializers.DateField(help_text=_("Delivery date."))
    quantity = serializers.DecimalField(**QUANTITY, help_text=_("Quantity delivered."))
    document = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                     help_text=_("Waybill or acceptance act."))


class ProducersSummarySerializer(serializers.Serializer):
    """The dashboard's figures."""

    producers = serializers.IntegerField(help_text=_("Producers."))
    products = serializers.IntegerField(help_text=_("Product positions."))
    value = serializers.DecimalField(**MONEY, help_text=_("The positions' total value, tenge."))
    value_trn = serializers.DecimalField(max_digits=12, decimal_places=2, help_text=_("The same in trillions of tenge."))
    by_category = serializers.ListField(child=serializers.DictField(), help_text=_(
        "Per category: code, name, products, producers, value (tenge)."))
    by_region = serializers.ListField(child=serializers.DictField(), help_text=_(
        "Per region: kato, name, products, producers, value (tenge)."))
    certificates = serializers.DictField(help_text=_(
        "Products whose certificate of origin expired, ends within the warning days, or is missing."))


# --- query parameters ---------------------------------------------------------------------------------------


class CatalogueQuerySerializer(serializers.Serializer):
    """The catalogue's filters."""

    q = serializers.CharField(required=False, help_text=_("Search in product, article and producer names."))
    category = serializers.CharField(required=False, help_text=_("Category code."))
    region = serializers.CharField(required=False, help_text=_("KATO code of the producer's region."))
    producer = serializers.IntegerField(required=False, help_text=_("Identifier of the producer."))
    price_min = serializers.DecimalField(required=False, max_digits=18, decimal_places=2, min_value=0,
                                         help_text=_("Lowest unit price, tenge."))
    price_max = serializers.DecimalField(required=False, max_digits=18, decimal_places=2, min_value=0,
                                         help_text=_("Highest unit price, tenge."))
    unit = NamedChoiceField(enum_name="ProductUnitEnum", choices=Unit.choices, required=False, help_text=_("Unit."))
    certificate = NamedChoiceField(enum_name="CertificateStateEnum", choices=CertificateState.choices,
                                   required=False, help_text=_("Certificate state."))
    sort = serializers.ChoiceField(choices=sorted(selectors.PRODUCT_SORTS), required=False, help_text=_("Order."))


class ProducerRegisterQuerySerializer(serializers.Serializer):
    """The register's filters."""

    q = serializers.CharField(required=False, help_text=_("Search in names and BIN."))
    region = serializers.CharField(required=False, help_text=_("KATO code of the region."))
    category = serializers.CharField(required=False, help_text=_("Category code of a product offered."))


class OfftakeContractQuerySerializer(serializers.Serializer):
    """The contracts' filters."""

    kind = NamedChoiceField(enum_name="OfftakeContractKindEnum", choices=ContractKind.choices, required=False,
                            help_text=_("Kind of contract."))
    utility = serializers.IntegerField(required=False, help_text=_("Identifier of the utility."))
    producer = serializers.IntegerField(required=False, help_text=_("Identifier of the producer."))
    category = serializers.CharField(required=False, help_text=_("Category code."))
    behind = serializers.ChoiceField(choices=["0", "1"], required=False, help_text=_("1: behind plan only; 0: on plan only."))


def _versioned_change(request: Request, serializer_class: type[VersionedChangeMixin], apply) -> None:
    """Validate a change request and apply it through ``apply(version, reason, changes)`` (a service call)."""
    change = serializer_class(data=request.data)
    change.is_valid(raise_exception=True)
    version, reason, changes = change.changes()
    with service_errors():
        apply(version, reason, changes)


def _query(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return {key: value for key, value in request.query_params.items() if key in query.fields}


# --- views -------------------------------------------------------------------------------------------------


class PublicViewSet(ApiViewMixin, viewsets.GenericViewSet):
    """Reads anyone may make; writes need a signed-in user (checked per action)."""

    parser_classes = (JSONParser,)
    lookup_value_regex = r"\d+"
    permission_classes = (AllowAny,)

    def require_user(self, request: Request) -> None:
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated


@extend_schema(tags=["producers"])
class CategoryViewSet(PublicViewSet):
    serializer_class = ProductCategorySerializer
    queryset = ProductCategory.objects.none()
    pagination_class = None

    @extend_schema(summary=_("Product categories"), description=_("The product categories, in display order."),
                   responses={200: ProductCategorySerializer(many=True)})
    def list(self, request: Request) -> Response:
        return Response(ProductCategorySerializer(selectors.category_list(), many=True).data)


@extend_schema(tags=["producers"])
class ProducerViewSet(PublicViewSet):
    serializer_class = ProducerSerializer
    queryset = Producer.objects.none()

    @extend_schema(summary=_("Producer register"),
                   description=_("Verified producers (a manufacturer also sees its own, the operators all), "
                                 "with their products' count and value."),
                   parameters=[ProducerRegisterQuerySerializer], responses={200: ProducerSerializer(many=True),
                                                                    400: VALIDATION_RESPONSE})
    def list(self, request: Request) -> Response:
        filters = selectors.ProducerFilters.from_query(_query(ProducerRegisterQuerySerializer, request))
        page = self.paginate_queryset(selectors.producer_list(user=request.user, filters=filters))
        return self.get_paginated_response(ProducerSerializer(page, many=True).data)

    @extend_schema(summary=_("One producer"), parameters=[LOOKUP],
                   responses={200: ProducerSerializer, 404: NOT_FOUND_RESPONSE})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(ProducerSerializer(selectors.producer_get(user=request.user, pk=int(pk))).data)

    @extend_schema(summary=_("Change a registration"), parameters=[LOOKUP], request=ProducerChangeSerializer,
                   description=_("The owner manufacturer or an operator changes names, address or capacity, "
                                 "against the version read."),
                   responses={200: ProducerSerializer, **WRITE_RESPONSES})
    def partial_update(self, request: Request, pk: str) -> Response:
        self.require_user(request)
        producer = selectors.producer_get(user=request.user, pk=int(pk))
        if not services.may_edit_producer(user=request.user, producer=producer):
            raise exceptions.PermissionDenied(_("Only the producer itself or the technical operator changes its registration."))
        _versioned_change(request, ProducerChangeSerializer, lambda version, reason, changes: services.producer_update(
            actor=request.user, producer=producer, expected_version=version, reason=reason, **changes))
        return Response(ProducerSerializer(selectors.producer_get(user=request.user, pk=int(pk))).data)


@extend_schema(tags=["producers"])
class ProductViewSet(PublicViewSet):
    serializer_class = ProductSerializer
    queryset = Product.objects.none()

    @extend_schema(summary=_("Product catalogue"),
                   description=_("Products of the visible producers, searchable by name, category, region, producer "
                                 "and price range."),
                   parameters=[CatalogueQuerySerializer], responses={200: ProductSerializer(many=True),
                                                                   400: VALIDATION_RESPONSE})
    def list(self, request: Request) -> Response:
        filters = selectors.ProductFilters.from_query(_query(CatalogueQuerySerializer, request))
        page = self.paginate_queryset(selectors.product_list(user=request.user, filters=filters))
        return self.get_paginated_response(ProductSerializer(page, many=True).data)

    @extend_schema(summary=_("One product"), parameters=[LOOKUP],
                   responses={200: ProductSerializer, 404: NOT_FOUND_RESPONSE})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(ProductSerializer(selectors.product_get(user=request.user, pk=int(pk))).data)

    @extend_schema(summary=_("Add a product"), request=ProductWriteSerializer,
                   description=_("The owner manufacturer or an operator adds a position to a producer's catalogue."),
                   responses={201: ProductSerializer, **WRITE_RESPONSES})
    def create(self, request: Request) -> Response:
        self.require_user(request)
        data = ProductWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        producer = selectors.producer_get(user=request.user, pk=fields.pop("producer").pk)
        with service_errors():
            product = services.product_create(actor=request.user, producer=producer, **fields)
        return Response(ProductSerializer(selectors.product_get(user=request.user, pk=product.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("Change a product"), parameters=[LOOKUP], request=ProductChangeSerializer,
                   responses={200: ProductSerializer, **WRITE_RESPONSES})
    def partial_update(self, request: Request, pk: str) -> Response:
        self.require_user(request)
        product = selectors.product_get(user=request.user, pk=int(pk))
        if not services.may_edit_producer(user=request.user, producer=product.producer):
            raise exceptions.PermissionDenied(_("Only the producer itself or the technical operator changes its catalogue."))
        _versioned_change(request, ProductChangeSerializer, lambda version, reason, changes: services.product_update(
            actor=request.user, product=product, expected_version=version, reason=reason, **changes))
        return Response(ProductSerializer(selectors.product_get(user=request.user, pk=int(pk))).data)


@extend_schema(tags=["producers"])
class OfftakeContractViewSet(ApiViewMixin, viewsets.GenericViewSet):
    serializer_class = OfftakeContractSerializer
    queryset = OfftakeContract.objects.none()
    parser_classes = (JSONParser,)
    lookup_value_regex = r"\d+"
    permission_classes = (IsAuthenticated,)

    @extend_schema(summary=_("Offtake contracts"),
                   description=_("The contracts of the user's side (all for the national roles) with planned, due "
                                 "and delivered volumes and the behind-plan flag."),
                   parameters=[OfftakeContractQuerySerializer],
                   responses={200: OfftakeContractSerializer(many=True), 400: VALIDATION_RESPONSE, **AUTH_RESPONSES})
    def list(self, request: Request) -> Response:
        filters = selectors.ContractFilters.from_query(_query(OfftakeContractQuerySerializer, request))
        page = self.paginate_queryset(selectors.contract_list(user=request.user, filters=filters))
        return self.get_paginated_response(OfftakeContractSerializer(page, many=True).data)

    @extend_schema(summary=_("One contract with its years"), parameters=[LOOKUP],
                   responses={200: OfftakeContractDetailSerializer, **AUTH_RESPONSES, 404: NOT_FOUND_RESPONSE})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(OfftakeContractDetailSerializer(selectors.contract_get(user=request.user, pk=int(pk))).data)

    @extend_schema(summary=_("Record a contract"), request=OfftakeContractWriteSerializer,
                   description=_("An operator, or a utility for itself, records a contract with its yearly volumes."),
                   responses={201: OfftakeContractDetailSerializer, **WRITE_RESPONSES})
    def create(self, request: Request) -> Response:
        data = OfftakeContractWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        planned = fields.pop("planned")
        try:
            planned = {int(year): quantity for year, quantity in planned.items()}
        except ValueError as error:
            raise exceptions.ValidationError({"planned": [_("Each key is a year.")]}) from error
        with service_errors():
            contract = services.offtake_contract_create(actor=request.user, planned=planned, **fields)
        return Response(OfftakeContractDetailSerializer(selectors.contract_get(user=request.user, pk=contract.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("Record a delivery"), parameters=[LOOKUP], request=OfftakeDeliverySerializer,
                   description=_("The contract's utility or an operator records a delivery."),
                   responses={201: OfftakeDeliverySerializer, **WRITE_RESPONSES})
    @action(detail=True, methods=["post"], url_path="deliveries")
    def deliveries(self, request: Request, pk: str) -> Response:
        contract = selectors.contract_get(user=request.user, pk=int(pk))
        data = OfftakeDeliverySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            delivery = services.delivery_record(actor=request.user, contract=contract, **data.validated_data)
        return Response(OfftakeDeliverySerializer(delivery).data, status=status.HTTP_201_CREATED)


class ProducersSummaryView(ApiViewMixin, APIView):
    permission_classes = (AllowAny,)

    @extend_schema(tags=["producers"], summary=_("Domestic producers in figures"),
                   description=_("Producers, products and their total value (also in trillions of tenge), by "
                                 "category and region, and certificates of origin expired, ending or missing."),
                   responses={200: ProducersSummarySerializer})
    def get(self, request: Request) -> Response:
        summary = selectors.producer_summary(user=request.user)
        totals = summary["totals"]
        body = {**totals, "by_category": [{**row, "value": str(row["value"]), "value_trn": str(row["value_trn"])}
                                          for row in summary["by_category"]],
                "by_region": [{**row, "value": str(row["value"]), "value_trn": str(row["value_trn"])}
                              for row in summary["by_region"]],
                "certificates": summary["certificates"]}
        return Response(ProducersSummarySerializer(body).data)


router = SimpleRouter(trailing_slash=True)
router.register("categories", CategoryViewSet, basename="producers-category")
router.register("producers", ProducerViewSet, basename="producers-producer")
router.register("products", ProductViewSet, basename="producers-product")
router.register("contracts", OfftakeContractViewSet, basename="producers-contract")

urlpatterns = [
    *router.urls,
    path("summary/", ProducersSummaryView.as_view(), name="producers-summary"),
]
