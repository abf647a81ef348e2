"""Writes of domestic producers: each service checks the actor's right, validates, saves and records history.

Each runs in one transaction; a refusal raises ``ServiceError`` (``TransitionError``, ``ConcurrentEditError``)
with a translated message and changes nothing.

``actor=None`` is the system (the demo build): rights are not checked, the rest is.

Who may write:

- a producer's registration and its catalogue: the members of the producer's own organization (a
  manufacturer) and the operators (the technical operator and the project office), who alone verify;
- a project's bill of materials: those who may edit the project (its owner, its region's akimat, the
  project office) and the technical operator;
- offtake contracts: the operators, and a utility for itself; deliveries: the contract's utility and the
  operators.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from meks.accounts.choices import OrganizationKind
from meks.accounts.models import Organization
from meks.core.access import Role, scope_of
from meks.core.audit import audited_create, versioned_save
from meks.core.errors import ConcurrentEditError, ServiceError, TransitionError
from meks.core.money import to_tenge
from meks.core.validators import business_identification_number_problem
from meks.portfolio.models import Project
from meks.portfolio.selectors import project_can_edit

from .choices import ContractKind, Unit
from .lifecycle import OPERATORS, OWNER, TRANSITIONS_BY_ACTION
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

PRODUCER_OWNER_FIELDS = ("name_ru", "name_kk", "name_en", "region", "address", "capacity")
PRODUCER_OPERATOR_FIELDS = (*PRODUCER_OWNER_FIELDS, "bin", "organization")
PRODUCT_FIELDS = ("name_ru", "name_kk", "name_en", "category", "code", "unit", "unit_price", "quantity_listed",
                  "description")
QUANTITY = Decimal("0.001")
#: Largest number of lines one bill of materials may hold.
MAX_BILL_LINES = 2000


def _forbidden(message: str) -> ServiceError:
    return ServiceError(message, code="forbidden")


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def parse_quantity(value: Any, field: str, *, positive: bool = True) -> Decimal:
    """A quantity as Decimal with three decimals; a translated error naming ``field`` otherwise."""
    try:
        quantity = Decimal(str(value).strip().replace(" ", "").replace(",", ".")).quantize(QUANTITY)
    except (InvalidOperation, ValueError, TypeError) as error:
        raise ServiceError({field: [_("Enter a number.")]}, code="invalid") from error
    if not quantity.is_finite() or quantity < 0 or (positive and quantity == 0):
        message = _("The quantity must be positive.") if positive else _("The quantity cannot be negative.")
        raise ServiceError({field: [message]}, code="not_positive")
    return quantity


def parse_price(value: Any, field: str) -> Decimal:
    """A positive amount in tenge; a translated error naming ``field`` otherwise."""
    try:
        amount = to_tenge(str(value).strip().replace(" ", "").replace(",", ".") if isinstance(value, str) else value)
    except (InvalidOperation, ValueError, TypeError) as error:
        raise ServiceError({field: [_("Enter an amount in tenge.")]}, code="invalid") from error
    if not amount.is_finite() or amount <= 0:
        raise ServiceError({field: [_("The amount must be positive.")]}, code="not_positive")
    return amount


def _unit(value: Any, field: str = "unit") -> str:
    if value not in Unit.values:
        raise ServiceError({field: [_("Choose a unit from the list.")]}, code="invalid")
    return value


# --- who may act -------------------------------------------------------------------------------------------


def is_operator(user: Any) -> bool:
    """True for the technical operator and the project office: they verify producers and edit any record."""
    return scope_of(user).has_role(*OPERATORS)


def is_producer_owner(*, user: Any, producer: Producer) -> bool:
    """True for a manufacturer user whose organization manages ``producer``'s registration."""
    scope = scope_of(user)
    return bool(producer.organization_id) and scope.has_role(Role.MANUFACTURER) \
        and scope.organization_id == producer.organization_id


def may_edit_producer(*, user: Any, producer: Producer) -> bool:
    """The owner manufacturer and the operators edit a registration and its catalogue."""
    return is_operator(user) or is_producer_owner(user=user, producer=producer)


def may_edit_bill(*, user: Any, project: Project) -> bool:
    """Those who may edit the project, and the technical operator, keep its bill of materials."""
    return scope_of(user).covers_region(project.region_id, Role.TECHNICAL_OPERATOR) \
        or project_can_edit(user=user, project=project)


def may_sign_offtake(*, user: Any, utility_id: int | None) -> bool:
    """The operators sign contracts for any utility; a utility's users for their own organization."""
    scope = scope_of(user)
    return is_operator(user) or (scope.has_role(Role.UTILITY) and utility_id is not None
                                 and scope.organization_id == utility_id)


# --- producers ---------------------------------------------------------------------------------------------


def producer_register(
    *, actor: Any, bin: str, name_ru: str, region: Any, name_kk: str = "", name_en: str = "",
    organization: Organization | None = None, address: str = "", capacity: str = "", reason: str = "",
) -> Producer:
    """Register a domestic producer, awaiting verification.

    A manufacturer registers its own organization; the operators register any producer.
    """
    if actor is not None:
        scope = scope_of(actor)
        if is_operator(actor):
            pass
        elif scope.has_role(Role.MANUFACTURER) and scope.organization_id:
            if organization is not None and organization.pk != scope.organization_id:
                raise _forbidden(_("A manufacturer registers only its own organization."))
            organization = Organization.objects.get(pk=scope.organization_id)
        else:
            raise _forbidden(_("Only a manufacturer or the technical operator registers producers."))
    if organization is not None and organization.kind != OrganizationKind.MANUFACTURER:
        raise ServiceError({"organization": [_("The organization is not a manufacturer.")]}, code="invalid")
    bin = (bin or "").strip()
    problem = business_identification_number_problem(bin)
    if problem:
        raise ServiceError({"bin": [_("Invalid BIN: %(problem)s.") % {"problem": problem}]}, code="invalid_bin")
    with transaction.atomic():
        if Producer.objects.filter(bin=bin).exists():
            raise ServiceError({"bin": [_("A producer with this BIN is already registered.")]}, code="duplicate")
        producer = Producer(bin=bin, name_ru=(name_ru or "").strip(), name_kk=name_kk, name_en=name_en,
                            region=region, organization=organization, address=address, capacity=capacity)
        return audited_create(producer, actor=actor, reason=reason)


def _locked(model, instance, expected_version: int | None):
    locked = model.objects.select_for_update().get(pk=instance.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentEditError(
            _("The record was changed by someone else after you opened it. Reload it and try again."))
    return locked


def _apply(locked, *, actor: Any, changes: Mapping[str, Any], expected_version: int | None, reason: str):
    changed = [name for name, value in changes.items() if getattr(locked, name) != value]
    if not changed:
        return locked
    for name in changed:
        setattr(locked, name, changes[name])
    versioned_save(locked, actor=actor, update_fields=changed, expected_version=expected_version, reason=reason)
    return locked


def producer_update(
    *, actor: Any, producer: Producer, expected_version: int, reason: str = "", **changes: Any
) -> Producer:
    """Change a producer's names, region, address or capacity (the operators also its BIN and organization)."""
    allowed = PRODUCER_OPERATOR_FIELDS if actor is None or is_operator(actor) else PRODUCER_OWNER_FIELDS
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ServiceError(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    if actor is not None and not may_edit_producer(user=actor, producer=producer):
        raise _forbidden(_("Only the producer itself or the technical operator changes its registration."))
    with transaction.atomic():
        locked = _locked(Producer, producer, expected_version)
        if "bin" in changes and Producer.objects.filter(bin=changes["bin"]).exclude(pk=locked.pk).exists():
            raise ServiceError({"bin": [_("A producer with this BIN is already registered.")]}, code="duplicate")
        org = changes.get("organization")
        if org is not None and org.kind != OrganizationKind.MANUFACTURER:
            raise ServiceError({"organization": [_("The organization is not a manufacturer.")]}, code="invalid")
        return _apply(locked, actor=actor, changes=changes, expected_version=expected_version, reason=reason)


def producer_transition(*, actor: Any, producer: Producer, action: str, reason: str = "") -> Producer:
    """Move a registration through its lifecycle (verify, suspend, reinstate, resubmit), recording the reason."""
    transition = TRANSITIONS_BY_ACTION.get(action)
    if transition is None:
        raise TransitionError(_("Unknown action."), code="unknown_action")
    with transaction.atomic():
        locked = _locked(Producer, producer, None)
        if locked.status not in transition.sources:
            raise TransitionError(
                _("“%(action)s” is not possible while the registration is “%(status)s”.")
                % {"action": transition.label, "status": locked.get_status_display()}, code="wrong_status")
        if actor is not None:
            allowed = any(
                (role == OWNER and is_producer_owner(user=actor, producer=locked))
                or (role != OWNER and scope_of(actor).has_role(role))
                for role in transition.roles
            )
            if not allowed:
                raise TransitionError(_("Your role may not do “%(action)s”.") % {"action": transition.label},
                                      code="forbidden")
        if transition.reason_required and not reason.strip():
            raise TransitionError(_("Give the reason for “%(action)s”.") % {"action": transition.label},
                                  code="reason_required")
        locked.status = transition.target
        locked.status_reason = reason
        versioned_save(locked, actor=actor, update_fields=["status", "status_reason"], reason=reason)
    return locked


# --- products ----------------------------------------------------------------------------------------------


def _clean_product_changes(changes: dict[str, Any]) -> dict[str, Any]:
    if "unit" in changes:
        changes["unit"] = _unit(changes["unit"])
    if "unit_price" in changes:
        changes["unit_price"] = parse_price(changes["unit_price"], "unit_price")
    if "quantity_listed" in changes:
        changes["quantity_listed"] = parse_quantity(changes["quantity_listed"], "quantity_listed", positive=False)
    if "name_ru" in changes:
        changes["name_ru"] = (changes["name_ru"] or "").strip()
    return changes


def product_create(
    *, actor: Any, producer: Producer, category: ProductCategory, name_ru: str, unit: str, unit_price: Any,
    quantity_listed: Any, name_kk: str = "", name_en: str = "", code: str = "", description: str = "",
    reason: str = "",
) -> Product:
    """Add a position to a producer's catalogue: its category, unit, unit price and the quantity listed."""
    if actor is not None and not may_edit_producer(user=actor, producer=producer):
        raise _forbidden(_("Only the producer itself or the technical operator changes its catalogue."))
    fields = _clean_product_changes({"name_ru": name_ru, "unit": unit, "unit_price": unit_price,
                                     "quantity_listed": quantity_listed})
    with transaction.atomic():
        product = Product(producer=producer, category=category, name_kk=name_kk, name_en=name_en, code=code,
                          description=description, **fields)
        return audited_create(product, actor=actor, reason=reason)


def product_update(*, actor: Any, product: Product, expected_version: int, reason: str = "", **changes: Any) -> Product:
    """Change a catalogue position: names, category, article code, unit, unit price, quantity, description."""
    unknown = set(changes) - set(PRODUCT_FIELDS)
    if unknown:
        raise ServiceError(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    if actor is not None and not may_edit_producer(user=actor, producer=product.producer):
        raise _forbidden(_("Only the producer itself or the technical operator changes its catalogue."))
    with transaction.atomic():
        locked = _locked(Product, product, expected_version)
        changes = _clean_product_changes(dict(changes))
        return _apply(locked, actor=actor, changes=changes, expected_version=expected_version, reason=reason)


def certificate_add(
    *, actor: Any, product: Product, number: str, issuer: str, issued_on: dt.date, valid_until: dt.date,
    reason: str = "",
) -> OriginCertificate:
    """Record a certificate of origin of a product; it must not end before it was issued."""
    if actor is not None and not may_edit_producer(user=actor, producer=product.producer):
        raise _forbidden(_("Only the producer itself or the technical operator changes its catalogue."))
    number = (number or "").strip()
    if not number:
        raise ServiceError({"number": [_("Enter the certificate's number.")]}, code="required")
    if issued_on and valid_until and valid_until < issued_on:
        raise ServiceError({"valid_until": [_("A certificate cannot end before it was issued.")]}, code="invalid")
    with transaction.atomic():
        if OriginCertificate.objects.filter(product=product, number=number).exists():
            raise ServiceError({"number": [_("This certificate is already recorded for the product.")]},
                               code="duplicate")
        certificate = OriginCertificate(product=product, number=number, issuer=(issuer or "").strip(),
                                        issued_on=issued_on, valid_until=valid_until)
        return audited_create(certificate, actor=actor, reason=reason)


def _insert_many(model, instances: list, *, actor: Any, reason: str, related: tuple[str, ...]) -> list:
    """Validate each new record's own fields and insert them all with their history rows in a few statements.

    Related records (``related``) and the checks the caller made already are not queried again per row.
    """
    for instance in instances:
        instance.full_clean(exclude=list(related), validate_unique=False, validate_constraints=False)
    return bulk_create_with_history(instances, model, batch_size=500, default_user=_user_or_none(actor),
                                    default_change_reason=reason)


def catalogue_extend(*, actor: Any, producer: Producer, positions: Iterable[Mapping[str, Any]],
                     reason: str = "") -> list[Product]:
    """Add many positions to a producer's catalogue at once (a price list), each with its certificate if given.

    A position holds ``category``, ``name_ru`` (``name_kk``, ``name_en``, ``code``, ``description``), ``unit``,
    ``unit_price``, ``quantity_listed`` and optionally ``certificate``: ``{"number", "issuer", "issued_on",
    "valid_until"}``. Every position is checked first; one bad position refuses the whole list, naming each.
    """
    if actor is not None and not may_edit_producer(user=actor, producer=producer):
        raise _forbidden(_("Only the producer itself or the technical operator changes its catalogue."))
    products: list[Product] = []
    certificates: list[tuple[int, dict[str, Any]]] = []
    problems: list[str] = []
    for number, position in enumerate(positions, start=1):
        try:
            if not isinstance(position.get("category"), ProductCategory):
                raise ServiceError({"category": [_("Choose a category from the list.")]}, code="invalid")
            fields = _clean_product_changes({"name_ru": position.get("name_ru"), "unit": position.get("unit"),
                                             "unit_price": position.get("unit_price"),
                                             "quantity_listed": position.get("quantity_listed")})
            certificate = position.get("certificate")
            if certificate and certificate["valid_until"] < certificate["issued_on"]:
                raise ServiceError({"valid_until": [_("A certificate cannot end before it was issued.")]},
                                   code="invalid")
        except ServiceError as error:
            problems += [_("Position %(line)s: %(message)s") % {"line": number, "message": message}
                         for messages in error.message_dict.values() for message in messages]
            continue
        products.append(Product(producer=producer, category=position["category"], name_kk=position.get("name_kk", ""),
                                name_en=position.get("name_en", ""), code=position.get("code", ""),
                                description=position.get("description", ""), **fields))
        if certificate:
            certificates.append((len(products) - 1, certificate))
    if problems:
        raise ServiceError(problems, code="invalid")
    with transaction.atomic():
        created = _insert_many(Product, products, actor=actor, reason=reason, related=("producer", "category"))
        _insert_many(OriginCertificate, [
            OriginCertificate(product=created[index], number=str(certificate["number"]).strip(),
                              issuer=str(certificate.get("issuer") or "").strip(), issued_on=certificate["issued_on"],
                              valid_until=certificate["valid_until"])
            for index, certificate in certificates
        ], actor=actor, reason=reason, related=("product",))
    return created


# --- bills of materials ------------------------------------------------------------------------------------


def clean_material_line(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Check one bill line's values and return them cleaned; raises ``ServiceError`` naming every bad field."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    category = fields.get("category")
    if not isinstance(category, ProductCategory):
        errors["category"] = [_("Choose a category from the list.")]
    cleaned["category"] = category
    description = str(fields.get("description") or "").strip()
    if not description:
        errors["description"] = [_("Describe the material.")]
    elif len(description) > 500:
        errors["description"] = [_("The description is longer than 500 characters.")]
    cleaned["description"] = description
    for name, parse in (("quantity", lambda value: parse_quantity(value, "quantity")),
                        ("estimated_unit_price", lambda value: parse_price(value, "estimated_unit_price")),
                        ("unit", _unit)):
        try:
            cleaned[name] = parse(fields.get(name))
        except ServiceError as error:
            errors.update(error.message_dict)
    if errors:
        raise ServiceError(errors, code="invalid")
    return cleaned


def material_line_create(*, actor: Any, project: Project, reason: str = "", **fields: Any) -> MaterialLine:
    """Add a line to a project's bill of materials (category, description, quantity, unit, estimated price)."""
    if actor is not None and not may_edit_bill(user=actor, project=project):
        raise _forbidden(_("Only the project's owner, its akimat, the project office or the technical operator "
                           "keep its bill of materials."))
    cleaned = clean_material_line(fields)
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).exists()
        last = MaterialLine.objects.filter(project=project).aggregate(last=Max("line_number"))["last"] or 0
        line = MaterialLine(project=project, line_number=last + 1, **cleaned)
        return audited_create(line, actor=actor, reason=reason)


def bill_replace(*, actor: Any, project: Project, lines: Iterable[Mapping[str, Any]], reason: str = "") -> int:
    """Replace a project's whole bill of materials by ``lines`` (an import): all of them or nothing.

    Every line is checked first; if any is wrong, the error names each bad line and nothing changes.
    The old lines' removal is kept in their history. Returns the number of lines now in the bill.
    """
    if actor is not None and not may_edit_bill(user=actor, project=project):
        raise _forbidden(_("Only the project's owner, its akimat, the project office or the technical operator "
                           "keep its bill of materials."))
    cleaned: list[dict[str, Any]] = []
    problems: list[str] = []
    for number, fields in enumerate(lines, start=1):
        try:
            cleaned.append(clean_material_line(fields))
        except ServiceError as error:
            for messages in error.message_dict.values():
                problems += [_("Line %(line)s: %(message)s") % {"line": number, "message": message}
                             for message in messages]
    if len(cleaned) > MAX_BILL_LINES:
        problems.append(_("A bill of materials holds at most %(count)s lines.") % {"count": MAX_BILL_LINES})
    if problems:
        raise ServiceError(problems, code="invalid")
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).exists()
        for old in MaterialLine.objects.filter(project=project):
            old._history_user = _user_or_none(actor)
            old._change_reason = reason
            old.delete()
        _insert_many(MaterialLine, [MaterialLine(project=project, line_number=number, **fields)
                                    for number, fields in enumerate(cleaned, start=1)],
                     actor=actor, reason=reason, related=("project", "category"))
    return len(cleaned)


# --- offtake contracts -------------------------------------------------------------------------------------


def offtake_contract_create(
    *, actor: Any, number: str, kind: str, utility: Organization, producer: Producer, signed_on: dt.date,
    start_year: int, end_year: int, unit_price: Any, planned: Mapping[int, Any], product: Product | None = None,
    category: ProductCategory | None = None, unit: str | None = None, reason: str = "",
) -> OfftakeContract:
    """Record a contract between a utility and a producer, with the volume planned for each of its years.

    A contract names a product (its category and unit follow) or a category and a unit; every year from
    ``start_year`` to ``end_year`` has a planned volume.
    """
    if actor is not None and not may_sign_offtake(user=actor, utility_id=utility.pk):
        raise _forbidden(_("Only the utility itself or the operators record its offtake contracts."))
    errors: dict[str, list[str]] = {}
    if kind not in ContractKind.values:
        errors["kind"] = [_("Choose the kind of contract.")]
    if utility.kind != OrganizationKind.UTILITY:
        errors["utility"] = [_("The buyer must be a utility.")]
    if product is not None:
        if product.producer_id != producer.pk:
            errors["product"] = [_("The product is not in this producer's catalogue.")]
        category, unit = product.category, product.unit
    if category is None:
        errors["category"] = [_("Name a product or a category.")]
    if unit not in Unit.values:
        errors["unit"] = [_("Choose a unit from the list.")]
    if start_year > end_year:
        errors["end_year"] = [_("The last year cannot come before the first.")]
    years = set(range(start_year, end_year + 1))
    volumes: dict[int, Decimal] = {}
    for year, value in (planned or {}).items():
        year = int(year)
        if year not in years:
            errors.setdefault("planned", []).append(_("%(year)s is outside the contract's years.") % {"year": year})
            continue
        try:
            volumes[year] = parse_quantity(value, "planned", positive=False)
        except ServiceError:
            errors.setdefault("planned", []).append(_("The volume for %(year)s is not a number.") % {"year": year})
    missing = sorted(years - set(volumes)) if not errors.get("end_year") else []
    if missing:
        errors.setdefault("planned", []).append(
            _("Give the planned volume for every year: %(years)s missing.") % {"years": ", ".join(map(str, missing))})
    try:
        price = parse_price(unit_price, "unit_price")
    except ServiceError as error:
        errors.update(error.message_dict)
    if errors:
        raise ServiceError(errors, code="invalid")
    with transaction.atomic():
        if OfftakeContract.objects.filter(number=number).exists():
            raise ServiceError({"number": [_("A contract with this number is already recorded.")]}, code="duplicate")
        contract = audited_create(OfftakeContract(
            number=number, kind=kind, utility=utility, producer=producer, product=product, category=category,
            unit=unit, signed_on=signed_on, start_year=start_year, end_year=end_year, unit_price=price,
        ), actor=actor, reason=reason)
        for year in sorted(volumes):
            audited_create(OfftakeVolume(contract=contract, year=year, planned=volumes[year]), actor=actor,
                           reason=reason)
    return contract


def offtake_volume_set(*, actor: Any, volume: OfftakeVolume, planned: Any, expected_version: int,
                       reason: str = "") -> OfftakeVolume:
    """Change the volume planned for one year of a contract (an addendum); the reason is kept."""
    with transaction.atomic():
        locked = _locked(OfftakeVolume, volume, expected_version)
        if actor is not None and not may_sign_offtake(user=actor, utility_id=locked.contract.utility_id):
            raise _forbidden(_("Only the utility itself or the operators change its offtake contracts."))
        value = parse_quantity(planned, "planned", positive=False)
        return _apply(locked, actor=actor, changes={"planned": value}, expected_version=expected_version,
                      reason=reason)


def delivery_record(
    *, actor: Any, contract: OfftakeContract, delivered_on: dt.date, quantity: Any, document: str = "",
    reason: str = "",
) -> Delivery:
    """Record a delivery under a contract; it counts towards the contract year it was delivered in."""
    if actor is not None and not may_sign_offtake(user=actor, utility_id=contract.utility_id):
        raise _forbidden(_("Only the contract's utility or the operators record its deliveries."))
    if not isinstance(delivered_on, dt.date):
        raise ServiceError({"delivered_on": [_("Enter the delivery date.")]}, code="required")
    if delivered_on > timezone.localdate():
        raise ServiceError({"delivered_on": [_("A delivery cannot be dated in the future.")]}, code="future")
    if not contract.start_year <= delivered_on.year <= contract.end_year:
        raise ServiceError({"delivered_on": [_("The date is outside the contract's years (%(start)s–%(end)s).")
                                             % {"start": contract.start_year, "end": contract.end_year}]},
                           code="outside_term")
    amount = parse_quantity(quantity, "quantity")
    with transaction.atomic():
        OfftakeContract.objects.select_for_update().filter(pk=contract.pk).exists()
        delivery = Delivery(contract=contract, delivered_on=delivered_on, year=delivered_on.year, quantity=amount,
                            document=(document or "").strip())
        return audited_create(delivery, actor=actor, reason=reason)
