"""OCDS 1.1.5 release packages of the platform's tenders, with their lots, awards and contracts.

One release per public tender (every status but draft) gives the contracting process's current state:
``tender_release(tender)`` builds it from a tender fetched with ``meks.procurement.selectors.ocds_tenders()``
(lots, opened bids, awards, contracts prefetched), ``release_package`` wraps releases, and
``release_package_errors`` validates a package offline against the official 1.1.5 schema vendored in
``standards/ocds-1.1.5/``.

What a release holds:

- ``ocid``: the tender's own (``ocds-meks01-<tender number>``), ``id``: the ocid and the time of the
  latest change; ``tag``: ``tender`` (``tenderCancellation`` when cancelled), ``award`` once awarded,
  ``contract`` once a contract is signed;
- ``tender``: title and description in Russian, the OCDS status, method (open and two-stage: ``open``,
  single source: ``direct``), category (``works``; ``goods`` when every lot is equipment), estimated value,
  the tender period (publication to bid deadline), the enquiry period (to the clarification deadline), the
  lots and their items (lots extension), the clarification questions with their answers (enquiries
  extension, never the asker);
- ``bids`` (bids extension): only once the bids are opened, and only the opened bids (price, bidder,
  status, lot). Before the opening nothing about a bid is published, not even how many there are: a
  sealed bid's content and existence stay with the platform;
- ``awards``: value, supplier, lot, status, date; ``contracts``: value, period, date signed, status, the
  amendments (rationale) and the payments as implementation transactions;
- ``parties``: the buyer (the customer organization), the tenderers (once opened), the suppliers.
  Organizations only: no contact person, e-mail or phone, no official of the platform.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from meks.procurement.models import Question
from meks.procurement.selectors import ocds_tenders

from .oc4ids import CURRENCY, PUBLISHER, Parties, _number
from .validation import STANDARDS, validation_errors

OCDS_VERSION = "1.1"
#: The prefix of every contracting process identifier (the tenders carry their ocid; see procurement).
OCID_PREFIX = "ocds-meks01-"
OCDS_RELEASE_PACKAGE_SCHEMA = STANDARDS / "ocds-1.1.5" / "release-package-schema.json"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
#: The community extensions the releases use (lots, bids, enquiries), as OCDS asks them to be declared.
EXTENSIONS = [
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_enquiry_extension/v1.1.5/extension.json",
]
#: The OCDS tender status of each tender status of the platform.
TENDER_STATUS = {
    "published": "active", "bids_opened": "active", "evaluation": "active", "suspended": "active",
    "awarded": "complete", "standstill": "complete", "contract_signed": "complete", "complete": "complete",
    "cancelled": "cancelled", "unsuccessful": "unsuccessful", "retendered": "unsuccessful",
}
LOT_STATUS = {"open": "active", "awarded": "complete", "unsuccessful": "unsuccessful", "cancelled": "cancelled"}
METHOD = {"open": ("open", "Открытый конкурс"), "two_stage": ("open", "Двухэтапный конкурс"),
          "single_source": ("direct", "Из одного источника")}
#: The bids extension's status of each opened bid's status.
BID_STATUS = {"opened": "pending", "qualified": "valid", "disqualified": "disqualified", "awarded": "valid",
              "declined": "withdrawn"}
AWARD_STATUS = {"pending": "pending", "signed": "active", "declined": "unsuccessful", "cancelled": "cancelled"}
CONTRACT_STATUS = {"active": "active", "complete": "terminated", "terminated": "terminated"}
#: Bid statuses whose content has been opened (the only bids ever published).
OPENED_BID_STATUSES = tuple(BID_STATUS)


def publication_queryset() -> QuerySet:
    """The public tenders, everything their releases need prefetched (a constant number of queries)."""
    questions = Question.objects.only("pk", "tender_id", "lot_id", "text", "asked_at", "answer", "answered_at")
    return ocds_tenders().select_related("customer").prefetch_related(
        Prefetch("questions", queryset=questions.order_by("asked_at", "pk"), to_attr="published_questions"))


def _stamp(moment: dt.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def _day(day: dt.date | None) -> str | None:
    if day is None:
        return None
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone()).isoformat()


def _value(amount) -> dict[str, Any] | None:
    return None if amount is None else {"amount": _number(amount), "currency": CURRENCY}


def _period(start: str | None, end: str | None) -> dict[str, str] | None:
    period = {key: value for key, value in (("startDate", start), ("endDate", end)) if value}
    return period or None


def _compact(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry without empty fields (OCDS asks publishers to omit what they do not know)."""
    return {key: value for key, value in entry.items() if value not in (None, "", [], {})}


def _organization(parties: Parties, organization, *roles: str) -> dict[str, str]:
    return parties.add(organization.pk, organization.bin, organization.name_ru, *roles)


def _contractor(parties: Parties, contractor, *roles: str) -> dict[str, str]:
    # a contractor is named by its BIN, so it and its organization account are one party
    return parties.add(-contractor.pk, contractor.bin, contractor.name_ru, *roles)


def _opened_bids(tender) -> list:
    """The tender's bids that may be published: none before the opening, then the opened ones only."""
    if tender.bids_opened_at is None:
        return []
    return [bid for lot in tender.lots.all() for bid in lot.bids.all()
            if bid.opened_at is not None and bid.status in OPENED_BID_STATUSES]


def _latest_change(tender, bids: Iterable, awards: list, contracts: list) -> dt.datetime:
    stamps = [tender.updated_at, tender.status_changed_at]
    stamps += [lot.updated_at for lot in tender.lots.all()]
    stamps += [entry.updated_at for entry in (*bids, *awards, *contracts)]
    stamps += [question.answered_at or question.asked_at for question in tender.published_questions]
    return max(stamp for stamp in stamps if stamp is not None)


def tender_release(tender) -> dict[str, Any]:
    """The OCDS 1.1.5 release of a public tender's current state (fetch it with ``publication_queryset``)."""
    parties = Parties()
    buyer = _organization(parties, tender.customer, "buyer", "procuringEntity")
    lots = list(tender.lots.all())
    bids = _opened_bids(tender)
    awards = [award for lot in lots for award in lot.awards.all()]
    contracts = list(tender.contracts.all())
    method, method_details = METHOD.get(tender.method, ("open", ""))
    goods = bool(lots) and all(lot.category == "equipment" for lot in lots)

    tender_section = _compact({
        "id": tender.number,
        "title": tender.title_ru,
        "description": tender.description,
        "status": TENDER_STATUS[tender.status],
        "procuringEntity": buyer,
        "value": _value(tender.estimated_value),
        "procurementMethod": method,
        "procurementMethodDetails": method_details,
        "procurementMethodRationale": tender.single_source_justification,
        "mainProcurementCategory": "goods" if goods else "works",
        "awardCriteriaDetails": tender.evaluation_criteria,
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": _period(_stamp(tender.published_at), _stamp(tender.bid_deadline)),
        "enquiryPeriod": _period(_stamp(tender.published_at), _stamp(tender.clarification_deadline)),
        "awardPeriod": _period(_stamp(tender.bids_opened_at), _stamp(tender.evaluation_deadline)),
        "hasEnquiries": bool(tender.published_questions),
        "eligibilityCriteria": "\n".join(requirement.text for requirement in tender.requirements.all()),
        "items": [{"id": f"item-{lot.number}", "description": lot.title_ru, "relatedLot": f"lot-{lot.number}"}
                  for lot in lots],
        "lots": [_compact({"id": f"lot-{lot.number}", "title": lot.title_ru, "status": LOT_STATUS.get(lot.status),
                           "value": _value(lot.estimated_value)}) for lot in lots],
        "enquiries": [_compact({
            "id": f"enquiry-{question.pk}", "date": _stamp(question.asked_at), "description": question.text,
            "answer": question.answer, "dateAnswered": _stamp(question.answered_at),
            "relatedLot": f"lot-{lot_number}" if (lot_number := _lot_number(lots, question.lot_id)) else None,
        }) for question in tender.published_questions],
    })
    if bids:
        tenderers = {}
        for bid in bids:
            tenderers[bid.contractor_id] = _contractor(parties, bid.contractor, "tenderer")
        tender_section["numberOfTenderers"] = len(tenderers)
        tender_section["tenderers"] = list(tenderers.values())

    release: dict[str, Any] = {
        "ocid": tender.ocid,
        "date": _stamp(_latest_change(tender, bids, awards, contracts)),
        "tag": ["tenderCancellation" if tender.status == "cancelled" else "tender"],
        "initiationType": "tender",
        "language": "ru",
        "buyer": buyer,
        "tender": tender_section,
    }
    release["id"] = f"{tender.ocid}-{release['date']}"
    if bids:
        lot_of = {lot.pk: lot.number for lot in lots}
        release["bids"] = {"details": [_compact({
            "id": f"bid-{bid.pk}", "date": _stamp(bid.opened_at), "status": BID_STATUS[bid.status],
            "tenderers": [_contractor(parties, bid.contractor, "tenderer")], "value": _value(bid.price),
            "relatedLots": [f"lot-{lot_of[bid.lot_id]}"],
        }) for bid in bids]}
    if awards:
        release["tag"].append("award")
        lot_of = {lot.pk: lot for lot in lots}
        release["awards"] = [_compact({
            "id": f"award-{award.pk}", "title": lot_of[award.lot_id].title_ru, "status": AWARD_STATUS[award.status],
            "date": _stamp(award.awarded_at), "value": _value(award.value),
            "suppliers": [_contractor(parties, award.contractor, "supplier")],
            "relatedLots": [f"lot-{lot_of[award.lot_id].number}"],
        }) for award in awards]
    if contracts:
        release["tag"].append("contract")
        titles = {lot.pk: lot.title_ru for lot in lots}
        release["contracts"] = [_contract(contract, parties, titles.get(contract.lot_id, "")) for contract in contracts]
    release["parties"] = parties.as_list()
    return release


def _lot_number(lots: list, lot_id: int | None) -> int | None:
    return next((lot.number for lot in lots if lot.pk == lot_id), None)


def _contract(contract, parties: Parties, title: str) -> dict[str, Any]:
    _contractor(parties, contract.contractor, "supplier")
    payments = [_compact({
        "id": f"payment-{payment.pk}", "date": _day(payment.paid_on), "value": _value(payment.amount),
    }) for payment in contract.payments.all()]
    return _compact({
        "id": contract.number,
        "awardID": f"award-{contract.award_id}",
        "title": title,
        "status": CONTRACT_STATUS.get(contract.status, "active"),
        "period": _period(_day(contract.start_date), _day(contract.end_date)),
        "value": _value(contract.value),
        "dateSigned": _stamp(contract.signed_at),
        "amendments": [_compact({
            "id": f"amendment-{amendment.number}", "date": _day(amendment.signed_on), "rationale": amendment.reason,
            "description": amendment.scope_change or amendment.get_kind_display(),
        }) for amendment in contract.amendments.all()],
        "implementation": {"transactions": payments} if payments else None,
    })


def release_package(releases: list[dict[str, Any]], *, uri: str, published: dt.datetime | None = None
                    ) -> dict[str, Any]:
    """An OCDS 1.1 release package of ``releases`` (``published`` defaults to now)."""
    return {**package_head(uri=uri, published=published), "releases": releases}


def package_head(*, uri: str, published: dt.datetime | None = None) -> dict[str, Any]:
    """The package's fields other than ``releases``."""
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "extensions": list(EXTENSIONS),
        "publishedDate": timezone.localtime(published or timezone.now()).isoformat(),
        "publisher": dict(PUBLISHER),
        "license": LICENSE,
    }


def release_chunks(tenders: QuerySet, *, chunk_size: int = 200) -> Iterator[dict[str, Any]]:
    """The release of every tender of ``tenders`` (a ``publication_queryset``), fetched a chunk at a time."""
    for tender in tenders.iterator(chunk_size=chunk_size):
        yield tender_release(tender)


def release_package_errors(package: dict[str, Any]) -> list[str]:
    """Errors of an OCDS 1.1.5 release package against the official schema (empty when valid)."""
    return validation_errors(package, OCDS_RELEASE_PACKAGE_SCHEMA)
