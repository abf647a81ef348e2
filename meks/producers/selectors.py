"""Reads of domestic producers, scoped to the user, with every figure derived in the database.

Who sees what:

- the producer register and the catalogue are public: anyone, anonymous included, sees the verified
  producers and their products; a manufacturer also sees its own registration whatever its status; the
  operators (technical operator, project office) and the ministries see every registration;
- bills of materials: whoever sees the project (the portfolio's rule);
- offtake contracts: the national roles all of them; a utility those it signed; a manufacturer those of
  its producer. Anyone else sees none, and a record that is missing and one that may not be seen both
  answer 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from meks.core.access import Role, get_visible_or_404, scope_of
from meks.core.i18n import localized_field_name
from meks.portfolio.models import Project
from meks.portfolio.selectors import project_visibility

from .choices import PUBLIC_STATUSES, CertificateState, certificate_warning_days, offtake_tolerance
from .lifecycle import OPERATORS
from .models import (
    Delivery,
    MaterialLine,
    OfftakeContract,
    OfftakeVolume,
    OriginCertificate,
    Producer,
    Product,
    ProductCategory,
)

MONEY = DecimalField(max_digits=24, decimal_places=2)
QUANTITY = DecimalField(max_digits=18, decimal_places=3)
ZERO_MONEY = Value(Decimal("0"), output_field=MONEY)
ZERO_QUANTITY = Value(Decimal("0"), output_field=QUANTITY)
TRILLION = Decimal("1000000000000")
#: Roles that see every producer registration, verified or not, and every offtake contract.
REGISTER_READERS = (*OPERATORS, Role.MINISTRY)
PRODUCT_SORTS = {
    "name": ("name_ru", "pk"), "-name": ("-name_ru", "-pk"),
    "price": ("unit_price", "pk"), "-price": ("-unit_price", "-pk"),
    "value": ("value", "pk"), "-value": ("-value", "-pk"),
}
PRODUCER_SORTS = {
    "name": ("name_ru", "pk"), "-name": ("-name_ru", "-pk"),
    "products": ("product_count", "pk"), "-products": ("-product_count", "-pk"),
    "value": ("catalogue_value", "pk"), "-value": ("-catalogue_value", "-pk"),
}


def _int(value: Any) -> int | None:
    return int(value) if value not in (None, "") and str(value).isdigit() else None


def _decimal(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value).replace(" ", "").replace(",", "."))
    except Exception:  # decimal.InvalidOperation for anything that is not a number
        return None
    return number if number.is_finite() and number >= 0 else None


def _text_search(fields: tuple[str, ...], text: str) -> Q:
    """Any of ``fields`` containing ``text``, ignoring case.

    SQLite folds only ASCII letters, so the common spellings of a Cyrillic word are searched for as well.
    """
    variants = {text, text.lower(), text.upper(), text.capitalize()}
    condition = Q(pk__in=[])
    for field in fields:
        for variant in variants:
            condition |= Q(**{f"{field}__icontains": variant})
    return condition


def in_trillions(value: Decimal | None) -> Decimal:
    """An amount in tenge in trillions, with two decimals (2,140,000,000,000 → 2.14)."""
    return (Decimal(value or 0) / TRILLION).quantize(Decimal("0.01"))


# --- scope -------------------------------------------------------------------------------------------------


def producer_visibility(user: Any) -> Q:
    """The filter of the producer registrations ``user`` may see (the verified ones for everybody)."""
    scope = scope_of(user)
    if scope.has_role(*REGISTER_READERS):
        return Q()
    visible = Q(status__in=PUBLIC_STATUSES)
    if scope.has_role(Role.MANUFACTURER) and scope.organization_id:
        visible |= Q(organization_id=scope.organization_id)
    return visible


def _prefixed(q: Q, prefix: str) -> Q:
    """``q`` with every lookup reached through ``prefix`` (``producer__``)."""
    children = [
        _prefixed(child, prefix) if isinstance(child, Q) else (f"{prefix}{child[0]}", child[1])
        for child in q.children
    ]
    rebuilt = Q(*children, _connector=q.connector, _negated=q.negated)
    return rebuilt


def contract_visibility(user: Any) -> Q:
    """The filter of the offtake contracts ``user`` may see."""
    scope = scope_of(user)
    if scope.has_role(*REGISTER_READERS):
        return Q()
    visible = Q(pk__in=[])
    if scope.has_role(Role.UTILITY) and scope.organization_id:
        visible |= Q(utility_id=scope.organization_id)
    if scope.has_role(Role.MANUFACTURER) and scope.organization_id:
        visible |= Q(producer__organization_id=scope.organization_id)
    return visible


def is_offtake_reader(user: Any) -> bool:
    """True for a user whose roles show offtake contracts (the pages answer 404 to others)."""
    return scope_of(user).has_role(*REGISTER_READERS, Role.UTILITY, Role.MANUFACTURER)


def is_bill_reader(user: Any) -> bool:
    """True for a user who sees projects, and so their bills of materials."""
    from meks.portfolio.selectors import is_portfolio_reader

    return is_portfolio_reader(user)


# --- categories --------------------------------------------------------------------------------------------


def category_list() -> QuerySet[ProductCategory]:
    """The product categories (reference data, public), in display order."""
    return ProductCategory.objects.order_by("order", "code")


# --- producers ---------------------------------------------------------------------------------------------


def _value_expression(prefix: str = "") -> ExpressionWrapper:
    return ExpressionWrapper(F(f"{prefix}unit_price") * F(f"{prefix}quantity_listed"), output_field=MONEY)


@dataclass(frozen=True)
class ProducerFilters:
    """The register's filters: a search over name and BIN, a region (KATO), a status, a category offered."""

    search: str | None = None
    region: str | None = None
    status: str | None = None
    category: str | None = None
    sort: str | None = None

    @classmethod
    def from_query(cls, params: Any) -> ProducerFilters:
        """Read the filters from a query dictionary, ignoring malformed values."""
        from .choices import ProducerStatus

        sort = params.get("sort") or None
        return cls(
            search=(params.get("q") or "").strip() or None,
            region=params.get("region") or None,
            status=params.get("status") if params.get("status") in ProducerStatus.values else None,
            category=params.get("category") or None,
            sort=sort if sort in PRODUCER_SORTS else None,
        )

    def as_query(self) -> dict[str, str]:
        """The filters that are set, as query parameters."""
        values = {"q": self.search, "region": self.region, "status": self.status, "category": self.category,
                  "sort": self.sort}
        return {key: str(value) for key, value in values.items() if value}


def producer_list(*, user: Any, filters: ProducerFilters | None = None) -> QuerySet[Producer]:
    """The visible producers with their product count and catalogue value, filtered and sorted."""
    filters = filters or ProducerFilters()
    queryset = Producer.objects.filter(producer_visibility(user)).select_related("region", "organization")
    if filters.search:
        queryset = queryset.filter(_text_search(("name_ru", "name_kk", "name_en"), filters.search)
                                   | Q(bin__startswith=filters.search))
    if filters.region:
        queryset = queryset.filter(region__kato=filters.region)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.category:
        queryset = queryset.filter(Exists(Product.objects.filter(producer=OuterRef("pk"),
                                                                 category__code=filters.category)))
    products = Product.objects.filter(producer=OuterRef("pk")).order_by().values("producer")
    queryset = queryset.annotate(
        product_count=Coalesce(Subquery(products.annotate(n=Count("pk")).values("n")), 0),
        catalogue_value=Coalesce(Subquery(products.annotate(total=Sum(_value_expression())).values("total"),
                                          output_field=MONEY), ZERO_MONEY),
    )
    return queryset.order_by(*PRODUCER_SORTS.get(filters.sort or "name", PRODUCER_SORTS["name"]))


def producer_get(*, user: Any, pk: int) -> Producer:
    """One visible producer, or 404."""
    return get_visible_or_404(producer_list(user=user), pk=pk)


def producer_of_user(*, user: Any) -> Producer | None:
    """The first registration a manufacturer user manages, for the "my catalogue" link."""
    scope = scope_of(user)
    if not scope.has_role(Role.MANUFACTURER) or not scope.organization_id:
        return None
    return Producer.objects.filter(organization_id=scope.organization_id).order_by("pk").first()


# --- products ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductFilters:
    """The catalogue's filters: search (product, article or producer name), category, region, producer, price.

    ``certificate`` keeps products whose certificate of origin is valid, expired, or missing.
    """

    search: str | None = None
    category: str | None = None
    region: str | None = None
    producer: int | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    unit: str | None = None
    certificate: str | None = None
    sort: str | None = None

    @classmethod
    def from_query(cls, params: Any) -> ProductFilters:
        """Read the filters from a query dictionary, ignoring malformed values."""
        sort = params.get("sort") or None
        return cls(
            search=(params.get("q") or "").strip() or None,
            category=params.get("category") or None,
            region=params.get("region") or None,
            producer=_int(params.get("producer")),
            price_min=_decimal(params.get("price_min")) if params.get("price_min") else None,
            price_max=_decimal(params.get("price_max")) if params.get("price_max") else None,
            unit=params.get("unit") or None,
            certificate=params.get("certificate") if params.get("certificate") in CertificateState.values else None,
            sort=sort if sort in PRODUCT_SORTS else None,
        )

    def as_query(self) -> dict[str, str]:
        """The filters that are set, as query parameters."""
        values = {"q": self.search, "category": self.category, "region": self.region, "producer": self.producer,
                  "price_min": self.price_min, "price_max": self.price_max, "unit": self.unit,
                  "certificate": self.certificate, "sort": self.sort}
        return {key: str(value) for key, value in values.items() if value not in (None, "")}


def _certificate_state(today: dt.date) -> Case:
    return Case(
        When(certificate_until__isnull=True, then=Value(CertificateState.NONE.value)),
        When(certificate_until__lt=today, then=Value(CertificateState.EXPIRED.value)),
        default=Value(CertificateState.VALID.value),
        output_field=CharField(),
    )


def product_queryset(*, user: Any, today: dt.date | None = None) -> QuerySet[Product]:
    """The visible products with their value, latest certificate date and certificate state."""
    today = today or timezone.localdate()
    latest = OriginCertificate.objects.filter(product=OuterRef("pk")).order_by("-valid_until").values("valid_until")[:1]
    return (
        Product.objects.filter(_prefixed(producer_visibility(user), "producer__"))
        .select_related("producer", "producer__region", "category")
        .annotate(value=_value_expression(), certificate_until=Subquery(latest))
        .annotate(certificate_state=_certificate_state(today))
    )


def _filter_products(queryset: QuerySet[Product], filters: ProductFilters) -> QuerySet[Product]:
    if filters.search:
        queryset = queryset.filter(_text_search(
            ("name_ru", "name_kk", "name_en", "code", "producer__name_ru", "producer__name_kk", "producer__name_en"),
            filters.search))
    if filters.category:
        queryset = queryset.filter(category__code=filters.category)
    if filters.region:
        queryset = queryset.filter(producer__region__kato=filters.region)
    if filters.producer:
        queryset = queryset.filter(producer_id=filters.producer)
    if filters.price_min is not None:
        queryset = queryset.filter(unit_price__gte=filters.price_min)
    if filters.price_max is not None:
        queryset = queryset.filter(unit_price__lte=filters.price_max)
    if filters.unit:
        queryset = queryset.filter(unit=filters.unit)
    if filters.certificate:
        queryset = queryset.filter(certificate_state=filters.certificate)
    return queryset


def product_list(*, user: Any, filters: ProductFilters | None = None, today: dt.date | None = None) -> QuerySet[Product]:
    """The visible catalogue, filtered and sorted."""
    filters = filters or ProductFilters()
    queryset = _filter_products(product_queryset(user=user, today=today), filters)
    return queryset.order_by(*PRODUCT_SORTS.get(filters.sort or "name", PRODUCT_SORTS["name"]))


def product_get(*, user: Any, pk: int) -> Product:
    """One visible product, or 404."""
    return get_visible_or_404(product_queryset(user=user), pk=pk)


def product_certificates(*, product: Product) -> QuerySet[OriginCertificate]:
    """A product's certificates of origin, latest validity first."""
    return product.certificates.order_by("-valid_until", "pk")


# --- totals and the dashboard ------------------------------------------------------------------------------


def producer_totals(*, user: Any = None) -> dict[str, Any]:
    """The number of producers and products and the catalogue's total value (tenge and trillions).

    Without ``user`` it counts what the public sees (the verified producers); the procurement dashboard
    calls it. Two queries.
    """
    producers = Producer.objects.filter(producer_visibility(user))
    product_totals = Product.objects.filter(producer__in=producers).aggregate(
        products=Count("pk"), value=Coalesce(Sum(_value_expression()), ZERO_MONEY))
    value = Decimal(product_totals["value"]).quantize(Decimal("0.01"))
    return {"producers": producers.count(), "products": product_totals["products"], "value": value,
            "value_trn": in_trillions(value)}


def producer_summary(*, user: Any, today: dt.date | None = None) -> dict[str, Any]:
    """The dashboard: totals, the catalogue by category and by region, certificates expired and expiring.

    A constant number of queries, whatever the catalogue's size.
    """
    today = today or timezone.localdate()
    products = product_queryset(user=user, today=today).order_by()
    name = localized_field_name("name")
    by_category = list(
        products.values("category__code", f"category__{name}", "category__name_ru", "category__order")
        .annotate(products=Count("pk"), producers=Count("producer", distinct=True), value=Sum("value"))
        .order_by("category__order", "category__code")
    )
    by_region = list(
        products.values("producer__region__kato", f"producer__region__{name}", "producer__region__name_ru")
        .annotate(products=Count("pk"), producers=Count("producer", distinct=True), value=Sum("value"))
        .order_by("producer__region__kato")
    )
    horizon = today + dt.timedelta(days=certificate_warning_days())
    certificates = products.aggregate(
        expired=Count("pk", filter=Q(certificate_until__lt=today)),
        expiring=Count("pk", filter=Q(certificate_until__gte=today, certificate_until__lte=horizon)),
        uncertified=Count("pk", filter=Q(certificate_until__isnull=True)),
    )
    totals = producer_totals(user=user)
    return {
        "totals": totals,
        "by_category": [{"code": row["category__code"],
                         "name": row[f"category__{name}"] or row["category__name_ru"],
                         "products": row["products"], "producers": row["producers"],
                         "value": row["value"] or Decimal("0"), "value_trn": in_trillions(row["value"])}
                        for row in by_category],
        "by_region": [{"kato": row["producer__region__kato"],
                       "name": row[f"producer__region__{name}"] or row["producer__region__name_ru"],
                       "products": row["products"], "producers": row["producers"],
                       "value": row["value"] or Decimal("0"), "value_trn": in_trillions(row["value"])}
                      for row in by_region],
        "certificates": {**certificates, "warning_days": certificate_warning_days()},
    }


# --- bills of materials and the domestic match -------------------------------------------------------------


def _matching_products(today: dt.date) -> QuerySet[Product]:
    """Products of verified producers matching the outer line's category and unit, with a valid certificate."""
    valid = OriginCertificate.objects.filter(product=OuterRef("pk"), valid_until__gte=today)
    return Product.objects.filter(
        producer__status__in=PUBLIC_STATUSES, category_id=OuterRef("category_id"), unit=OuterRef("unit"),
    ).filter(Exists(valid))


def _line_value() -> ExpressionWrapper:
    return ExpressionWrapper(F("quantity") * F("estimated_unit_price"), output_field=MONEY)


def material_lines(*, project: Project, today: dt.date | None = None) -> QuerySet[MaterialLine]:
    """A project's bill of materials, each line with its value and its domestic match.

    ``matches``: how many domestic products (same category and unit, valid certificate of origin) could
    supply it; ``best_price``: the lowest unit price among them; ``covered``: whether any exists.
    """
    today = today or timezone.localdate()
    matching = _matching_products(today).order_by().values("category_id")
    return (
        MaterialLine.objects.filter(project=project).select_related("category")
        .annotate(
            value=_line_value(),
            matches=Coalesce(Subquery(matching.annotate(n=Count("pk")).values("n")), 0),
            best_price=Subquery(matching.annotate(low=Min("unit_price")).values("low"), output_field=MONEY),
        )
        .annotate(covered=Exists(_matching_products(today)))
        .order_by("line_number")
    )


def _coverage(queryset: QuerySet[MaterialLine], today: dt.date) -> QuerySet[MaterialLine]:
    return queryset.annotate(line_value=_line_value(), covered=Exists(_matching_products(today)))


def _share(covered: Decimal | None, total: Decimal | None) -> Decimal:
    if not total:
        return Decimal("0")
    return (Decimal(covered or 0) * 100 / Decimal(total)).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class BillFilters:
    """The bills' filters: a region (KATO), a project status, a project code or title."""

    region: str | None = None
    status: str | None = None
    search: str | None = None

    @classmethod
    def from_query(cls, params: Any) -> BillFilters:
        """Read the filters from a query dictionary."""
        return cls(region=params.get("region") or None, status=params.get("status") or None,
                   search=(params.get("q") or "").strip() or None)

    def as_query(self) -> dict[str, str]:
        """The filters that are set, as query parameters."""
        values = {"region": self.region, "status": self.status, "q": self.search}
        return {key: value for key, value in values.items() if value}


def _visible_lines(user: Any, filters: BillFilters) -> QuerySet[MaterialLine]:
    projects = Project.objects.filter(project_visibility(user))
    if filters.region:
        projects = projects.filter(region__kato=filters.region)
    if filters.status:
        projects = projects.filter(status=filters.status)
    if filters.search:
        projects = projects.filter(_text_search(("code", "title_ru", "title_kk", "title_en"), filters.search))
    return MaterialLine.objects.filter(project__in=projects)


def bill_coverage_by_project(*, user: Any, filters: BillFilters | None = None,
                             today: dt.date | None = None) -> QuerySet:
    """Per visible project with a bill: lines, the bill's value, the value domestic products can cover, share.

    Rows are dictionaries ordered by project code; the sums are computed by the database.
    """
    today = today or timezone.localdate()
    lines = _coverage(_visible_lines(user, filters or BillFilters()), today)
    return (
        lines.values("project_id", "project__code", "project__title_ru", "project__title_kk", "project__title_en",
                     "project__status", "project__region__kato", "project__region__name_ru",
                     "project__region__name_kk", "project__region__name_en")
        .annotate(lines=Count("pk"), value=Sum("line_value"),
                  covered_value=Coalesce(Sum("line_value", filter=Q(covered=True)), ZERO_MONEY))
        .order_by("project__code")
    )


def bill_coverage_by_region(*, user: Any, filters: BillFilters | None = None,
                            today: dt.date | None = None) -> list[dict[str, Any]]:
    """Per region: projects with a bill, the bills' value, the value domestic products can cover, and the share."""
    today = today or timezone.localdate()
    name = localized_field_name("name")
    lines = _coverage(_visible_lines(user, filters or BillFilters()), today)
    rows = (lines.values("project__region__kato", f"project__region__{name}", "project__region__name_ru")
            .annotate(projects=Count("project", distinct=True), value=Sum("line_value"),
                      covered_value=Coalesce(Sum("line_value", filter=Q(covered=True)), ZERO_MONEY))
            .order_by("project__region__kato"))
    return [{"kato": row["project__region__kato"],
             "name": row[f"project__region__{name}"] or row["project__region__name_ru"],
             "projects": row["projects"], "value": row["value"], "covered_value": row["covered_value"],
             "share": _share(row["covered_value"], row["value"])} for row in rows]


def bill_totals(*, user: Any, filters: BillFilters | None = None, today: dt.date | None = None) -> dict[str, Any]:
    """The bills' value over every visible project and the share domestic products can cover."""
    today = today or timezone.localdate()
    lines = _coverage(_visible_lines(user, filters or BillFilters()), today)
    totals = lines.aggregate(projects=Count("project", distinct=True), lines=Count("pk"), value=Sum("line_value"),
                             covered_value=Coalesce(Sum("line_value", filter=Q(covered=True)), ZERO_MONEY))
    return {**totals, "value": totals["value"] or Decimal("0"),
            "share": _share(totals["covered_value"], totals["value"])}


def bill_project_get(*, user: Any, pk: int) -> Project:
    """One visible project (for its bill of materials), or 404."""
    return get_visible_or_404(Project.objects.filter(project_visibility(user)).select_related("region", "owner"),
                              pk=pk)


def bill_share(*, project: Project, today: dt.date | None = None) -> dict[str, Any]:
    """One project's bill: lines, value, the value domestic products can cover, and the share."""
    today = today or timezone.localdate()
    totals = _coverage(MaterialLine.objects.filter(project=project), today).aggregate(
        lines=Count("pk"), value=Sum("line_value"),
        covered_value=Coalesce(Sum("line_value", filter=Q(covered=True)), ZERO_MONEY))
    return {**totals, "value": totals["value"] or Decimal("0"),
            "share": _share(totals["covered_value"], totals["value"])}


# --- offtake contracts -------------------------------------------------------------------------------------


def _year_fraction(today: dt.date) -> Decimal:
    start = dt.date(today.year, 1, 1)
    days = (dt.date(today.year + 1, 1, 1) - start).days
    return (Decimal((today - start).days + 1) / Decimal(days)).quantize(Decimal("0.0001"))


def _due_expression(today: dt.date, year_lookup: str, planned_lookup: str) -> Case:
    """The volume due by ``today``: whole past years, the elapsed share of the current year, nothing after."""
    return Case(
        When(**{f"{year_lookup}__lt": today.year}, then=F(planned_lookup)),
        When(**{year_lookup: today.year}, then=ExpressionWrapper(F(planned_lookup) * Value(_year_fraction(today)),
                                                                  output_field=QUANTITY)),
        default=ZERO_QUANTITY, output_field=QUANTITY,
    )


@dataclass(frozen=True)
class ContractFilters:
    """The contracts' filters: kind, utility, producer, category, behind plan, a search over the number."""

    kind: str | None = None
    utility: int | None = None
    producer: int | None = None
    category: str | None = None
    behind: bool | None = None
    search: str | None = None

    @classmethod
    def from_query(cls, params: Any) -> ContractFilters:
        """Read the filters from a query dictionary, ignoring malformed values."""
        from .choices import ContractKind

        return cls(
            kind=params.get("kind") if params.get("kind") in ContractKind.values else None,
            utility=_int(params.get("utility")), producer=_int(params.get("producer")),
            category=params.get("category") or None,
            behind={"1": True, "0": False}.get(params.get("behind", "")),
            search=(params.get("q") or "").strip() or None,
        )

    def as_query(self) -> dict[str, str]:
        """The filters that are set, as query parameters."""
        values = {"kind": self.kind, "utility": self.utility, "producer": self.producer, "category": self.category,
                  "behind": None if self.behind is None else int(self.behind), "q": self.search}
        return {key: str(value) for key, value in values.items() if value not in (None, "")}


def contract_list(*, user: Any, filters: ContractFilters | None = None,
                  today: dt.date | None = None) -> QuerySet[OfftakeContract]:
    """The visible contracts with planned, due-to-date and delivered volumes, fulfilment and the behind flag.

    ``fulfilment`` is delivered over planned for the whole term, in per cent; ``behind`` is true when less
    than the tolerated share of the volume due by today has been delivered.
    """
    filters = filters or ContractFilters()
    today = today or timezone.localdate()
    volumes = OfftakeVolume.objects.filter(contract=OuterRef("pk")).order_by().values("contract")
    deliveries = Delivery.objects.filter(contract=OuterRef("pk")).order_by().values("contract")
    queryset = (
        OfftakeContract.objects.filter(contract_visibility(user))
        .select_related("utility", "producer", "product", "category")
        .annotate(
            planned_total=Coalesce(Subquery(volumes.annotate(s=Sum("planned")).values("s"), output_field=QUANTITY),
                                   ZERO_QUANTITY),
            due_total=Coalesce(Subquery(volumes.annotate(s=Sum(_due_expression(today, "year", "planned")))
                                        .values("s"), output_field=QUANTITY), ZERO_QUANTITY),
            delivered_total=Coalesce(Subquery(deliveries.annotate(s=Sum("quantity")).values("s"),
                                              output_field=QUANTITY), ZERO_QUANTITY),
        )
        .annotate(behind=Case(
            When(due_total__gt=0, delivered_total__lt=ExpressionWrapper(F("due_total") * Value(offtake_tolerance()),
                                                                       output_field=QUANTITY), then=Value(True)),
            default=Value(False)))
    )
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.utility:
        queryset = queryset.filter(utility_id=filters.utility)
    if filters.producer:
        queryset = queryset.filter(producer_id=filters.producer)
    if filters.category:
        queryset = queryset.filter(category__code=filters.category)
    if filters.behind is not None:
        queryset = queryset.filter(behind=filters.behind)
    if filters.search:
        queryset = queryset.filter(number__icontains=filters.search)
    return queryset.order_by("-signed_on", "number")


def contract_get(*, user: Any, pk: int) -> OfftakeContract:
    """One visible contract with its totals, or 404."""
    return get_visible_or_404(contract_list(user=user), pk=pk)


def contract_years(*, contract: OfftakeContract, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Per year of a contract: planned, due by today, delivered, fulfilment % and the behind flag (2 queries)."""
    today = today or timezone.localdate()
    delivered = dict(Delivery.objects.filter(contract=contract).order_by().values("year")
                     .annotate(total=Sum("quantity")).values_list("year", "total"))
    tolerance = offtake_tolerance()
    rows = []
    for volume in OfftakeVolume.objects.filter(contract=contract).annotate(
            due=_due_expression(today, "year", "planned")).order_by("year"):
        done = Decimal(delivered.get(volume.year) or 0)
        due = Decimal(volume.due or 0)
        rows.append({
            "volume": volume, "year": volume.year, "planned": volume.planned, "due": due, "delivered": done,
            "fulfilment": _share(done, volume.planned),
            "behind": due > 0 and done < due * tolerance,
            "closed": volume.year < today.year,
        })
    return rows


def contract_deliveries(*, contract: OfftakeContract) -> QuerySet[Delivery]:
    """A contract's deliveries, latest first."""
    return contract.deliveries.order_by("-delivered_on", "-pk")


def contract_summary(*, user: Any, today: dt.date | None = None) -> dict[str, Any]:
    """Contracts visible, those behind plan, and the planned and delivered values in tenge."""
    contracts = contract_list(user=user, today=today).order_by()
    totals = contracts.aggregate(
        contracts=Count("pk"),
        planned_value=Coalesce(Sum(ExpressionWrapper(F("planned_total") * F("unit_price"), output_field=MONEY)),
                               ZERO_MONEY),
        delivered_value=Coalesce(Sum(ExpressionWrapper(F("delivered_total") * F("unit_price"), output_field=MONEY)),
                                 ZERO_MONEY),
    )
    # Counted by a filter of its own: an annotation named only inside an aggregate's condition is left out of
    # the subquery Django aggregates over, which PostgreSQL rejects.
    totals["behind"] = contracts.filter(behind=True).count()
    return totals


def offtake_utility_choices(*, user: Any) -> list[tuple[int, str]]:
    """The utilities of the visible contracts, for the filter list."""
    rows = (OfftakeContract.objects.filter(contract_visibility(user)).order_by("utility__name_ru")
            .values_list("utility_id", "utility__name_ru").distinct())
    return list(rows)


def certificate_expiring(*, user: Any, today: dt.date | None = None) -> QuerySet[Product]:
    """Visible products whose valid certificate ends within the warning window, soonest first."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=certificate_warning_days())
    return product_queryset(user=user, today=today).filter(
        certificate_until__gte=today, certificate_until__lte=horizon).order_by("certificate_until", "pk")

