"""Domestic producers, their product catalogue, certificates of origin, bills of materials and offtake contracts."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from meks.accounts.models import Organization
from meks.core.models import DomainModel, TranslatedNameMixin
from meks.core.money import TengeField
from meks.core.validators import validate_bin
from meks.portfolio.models import Project
from meks.territory.models import Region

from .choices import ContractKind, ProducerStatus, Unit

POSITIVE = [MinValueValidator(Decimal("0.001"))]
NON_NEGATIVE = [MinValueValidator(Decimal("0"))]
YEARS = [MinValueValidator(2000), MaxValueValidator(2100)]


def quantity_field(verbose_name, **kwargs) -> models.DecimalField:
    """A quantity of goods: up to a thousand billion units with three decimals (metres, tonnes, pieces)."""
    return models.DecimalField(verbose_name, max_digits=18, decimal_places=3, **kwargs)


class ProductCategory(TranslatedNameMixin, DomainModel):
    """A kind of product the national project buys (pipes, valves, transformers, …): reference data.

    Seeded by a migration; the bill of materials of a project is matched to products of the same category.
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")


class Producer(TranslatedNameMixin, DomainModel):
    """A domestic manufacturer registered to supply the national project.

    ``organization`` is the platform organization whose manufacturer users edit the registration and the
    catalogue; the technical operator verifies the registration before it appears to the public.
    """

    bin = models.CharField(_("BIN"), max_length=12, unique=True, validators=[validate_bin],
                           help_text=_("Business identification number: 12 digits with a control digit."))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="producers", verbose_name=_("region"))
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="producers", verbose_name=_("organization"),
                                     help_text=_("The platform organization that manages this registration."))
    address = models.CharField(_("address"), max_length=300, blank=True)
    capacity = models.CharField(_("production capacity"), max_length=300, blank=True,
                                help_text=_("What the plant can make in a year, e.g. 120,000 tonnes of pipes."))
    status = models.CharField(_("status"), max_length=20, choices=ProducerStatus.choices,
                              default=ProducerStatus.PENDING)
    status_reason = models.TextField(_("reason of the last status change"), blank=True)

    class Meta:
        ordering = ["name_ru", "pk"]
        verbose_name = _("domestic producer")
        verbose_name_plural = _("domestic producers")
        indexes = [models.Index(fields=["status", "region"], name="producer_status_region")]


class Product(TranslatedNameMixin, DomainModel):
    """A product position of the catalogue: what a producer offers, at what price, in what quantity.

    ``quantity_listed`` is the quantity listed for the national project; the position's value is unit
    price × quantity, computed in the database wherever it is shown or summed.
    """

    producer = models.ForeignKey(Producer, on_delete=models.PROTECT, related_name="products",
                                 verbose_name=_("producer"))
    category = models.ForeignKey(ProductCategory, on_delete=models.PROTECT, related_name="products",
                                 verbose_name=_("category"))
    code = models.CharField(_("producer's article code"), max_length=60, blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    unit_price = TengeField(_("unit price, tenge"), validators=[MinValueValidator(Decimal("0.01"))])
    quantity_listed = quantity_field(_("quantity listed for the national project"), validators=NON_NEGATIVE)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name_ru", "pk"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [
            models.Index(fields=["category", "unit"], name="product_category_unit"),
            models.Index(fields=["unit_price"], name="product_unit_price"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(unit_price__gt=0), name="product_price_positive"),
            models.CheckConstraint(condition=models.Q(quantity_listed__gte=0), name="product_quantity_non_negative"),
        ]


class OriginCertificate(DomainModel):
    """A certificate of origin (CT-KZ) of a product: number, issuer, validity. An expired one flags the product."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="certificates",
                                verbose_name=_("product"))
    number = models.CharField(_("number"), max_length=60)
    issuer = models.CharField(_("issued by"), max_length=255)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))

    class Meta:
        ordering = ["-valid_until", "pk"]
        verbose_name = _("certificate of origin")
        verbose_name_plural = _("certificates of origin")
        indexes = [models.Index(fields=["product", "valid_until"], name="certificate_product_valid")]
        constraints = [
            models.UniqueConstraint(fields=["product", "number"], name="certificate_unique_number"),
            models.CheckConstraint(condition=models.Q(valid_until__gte=models.F("issued_on")),
                                   name="certificate_valid_after_issue"),
        ]

    def __str__(self) -> str:
        return self.number


class MaterialLine(DomainModel):
    """A line of a project's bill of materials: what the project needs, how much, at what estimated price.

    It is matched to catalogue products of the same category and unit that hold a valid certificate.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="material_lines",
                                verbose_name=_("project"))
    line_number = models.PositiveIntegerField(_("line"))
    category = models.ForeignKey(ProductCategory, on_delete=models.PROTECT, related_name="material_lines",
                                 verbose_name=_("category"))
    description = models.CharField(_("description"), max_length=500)
    quantity = quantity_field(_("quantity"), validators=POSITIVE)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    estimated_unit_price = TengeField(_("estimated unit price, tenge"), validators=[MinValueValidator(Decimal("0.01"))])

    class Meta:
        ordering = ["project", "line_number"]
        verbose_name = _("bill of materials line")
        verbose_name_plural = _("bill of materials lines")
        constraints = [
            models.UniqueConstraint(fields=["project", "line_number"], name="material_line_unique_number"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="material_line_quantity_positive"),
        ]
        indexes = [models.Index(fields=["category", "unit"], name="material_line_category_unit")]

    def __str__(self) -> str:
        return f"{self.project_id} #{self.line_number}"


class OfftakeContract(DomainModel):
    """An offtake or long-term contract between a utility and a domestic producer for a product or a category.

    It covers whole years from ``start_year`` to ``end_year``; each year has a planned volume
    (``OfftakeVolume``) and the deliveries recorded against it (``Delivery``).
    """

    number = models.CharField(_("number"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ContractKind.choices)
    utility = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="offtake_contracts",
                                verbose_name=_("utility"))
    producer = models.ForeignKey(Producer, on_delete=models.PROTECT, related_name="offtake_contracts",
                                 verbose_name=_("producer"))
    product = models.ForeignKey(Product, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="offtake_contracts", verbose_name=_("product"))
    category = models.ForeignKey(ProductCategory, on_delete=models.PROTECT, related_name="offtake_contracts",
                                 verbose_name=_("category"))
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    signed_on = models.DateField(_("signed on"))
    start_year = models.PositiveSmallIntegerField(_("first year"), validators=YEARS)
    end_year = models.PositiveSmallIntegerField(_("last year"), validators=YEARS)
    unit_price = TengeField(_("contract unit price, tenge"), validators=[MinValueValidator(Decimal("0.01"))])

    class Meta:
        ordering = ["-signed_on", "number"]
        verbose_name = _("offtake contract")
        verbose_name_plural = _("offtake contracts")
        constraints = [
            models.CheckConstraint(condition=models.Q(end_year__gte=models.F("start_year")),
                                   name="offtake_years_ordered"),
        ]

    def __str__(self) -> str:
        return self.number


class OfftakeVolume(DomainModel):
    """The volume a contract plans for one year."""

    contract = models.ForeignKey(OfftakeContract, on_delete=models.CASCADE, related_name="volumes",
                                 verbose_name=_("contract"))
    year = models.PositiveSmallIntegerField(_("year"), validators=YEARS)
    planned = quantity_field(_("planned volume"), validators=NON_NEGATIVE)

    class Meta:
        ordering = ["contract", "year"]
        verbose_name = _("yearly volume")
        verbose_name_plural = _("yearly volumes")
        constraints = [models.UniqueConstraint(fields=["contract", "year"], name="offtake_volume_unique_year")]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.year}"


class Delivery(DomainModel):
    """A delivery recorded against a contract: when, how much, by which waybill."""

    contract = models.ForeignKey(OfftakeContract, on_delete=models.PROTECT, related_name="deliveries",
                                 verbose_name=_("contract"))
    delivered_on = models.DateField(_("delivered on"))
    year = models.PositiveSmallIntegerField(_("contract year"), validators=YEARS, editable=False)
    quantity = quantity_field(_("quantity delivered"), validators=POSITIVE)
    document = models.CharField(_("waybill or acceptance act"), max_length=100, blank=True)

    class Meta:
        ordering = ["contract", "delivered_on", "pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["contract", "year"], name="delivery_contract_year")]
        constraints = [models.CheckConstraint(condition=models.Q(quantity__gt=0), name="delivery_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.delivered_on}"
