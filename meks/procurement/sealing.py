"""Sealed bids: the price, the declared local-content share and the documents are encrypted at rest.

The key is derived from the ``MEKS_BID_SEAL_KEY`` setting (environment variable of the same name), or, when
it is not set, from ``SECRET_KEY``: HKDF-SHA256 with a purpose label, so the seal key is never the secret
key itself. The ciphertext is a Fernet token (AES-128-CBC with HMAC-SHA256), so a changed token is detected
and refused. Nothing else in the platform holds the content in clear before the opening: not the bid's
columns, its history table, the back office, a database dump or an export.

``unseal_bid`` is the one reading function; it refuses before the tender's bid deadline, and only the
opening service calls it.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from meks.core.errors import ServiceError

_PURPOSE = b"meks.procurement.bid-seal.v1"


class SealedError(ServiceError):
    """The sealed content may not be read yet, or it has been tampered with."""


def _key() -> bytes:
    secret = getattr(settings, "MEKS_BID_SEAL_KEY", "") or settings.SECRET_KEY
    if not secret:
        raise SealedError(_("No key to seal bids with: set MEKS_BID_SEAL_KEY or SECRET_KEY."))
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE).derive(secret.encode())
    return base64.urlsafe_b64encode(derived)


def _fernet() -> Fernet:
    return Fernet(_key())


@dataclass(frozen=True)
class BidContent:
    """The content of a bid that is sealed until the opening."""

    price: Decimal
    local_content_share: Decimal


def seal_bid(content: BidContent) -> str:
    """The sealed form (a Fernet token, text) of a bid's price and local-content share."""
    payload = json.dumps({"price": str(content.price), "local_content_share": str(content.local_content_share)})
    return _fernet().encrypt(payload.encode()).decode("ascii")


def seal_digest(token: str | bytes) -> str:
    """The SHA-256 fingerprint of a sealed token, given to the bidder as its receipt."""
    return hashlib.sha256(token.encode() if isinstance(token, str) else token).hexdigest()


def seal_document(name: str, content: bytes) -> bytes:
    """The sealed form of a document: its file name and bytes in one token."""
    header = name.encode("utf-8")
    return _fernet().encrypt(len(header).to_bytes(2, "big") + header + content)


def _check_deadline(bid, now) -> None:
    tender = bid.lot.tender
    now = now or timezone.now()
    if tender.bid_deadline is None or now < tender.bid_deadline:
        raise SealedError(_("A bid stays sealed until the bid deadline."), code="sealed")


def unseal_bid(bid, *, now=None) -> BidContent:
    """Decrypt a bid's price and share: refused before the tender's bid deadline (or if the seal is broken)."""
    _check_deadline(bid, now)
    try:
        payload = json.loads(_fernet().decrypt(bid.sealed_content.encode("ascii")))
    except (InvalidToken, ValueError) as error:
        raise SealedError(_("The seal of this bid is broken: its content cannot be read."), code="seal_broken") from error
    return BidContent(price=Decimal(payload["price"]), local_content_share=Decimal(payload["local_content_share"]))


def unseal_document(bid, sealed: bytes, *, now=None) -> tuple[str, bytes]:
    """Decrypt one sealed document of ``bid`` into its file name and bytes; refused before the bid deadline."""
    _check_deadline(bid, now)
    try:
        clear = _fernet().decrypt(sealed)
    except InvalidToken as error:
        raise SealedError(_("The seal of a document of this bid is broken."), code="seal_broken") from error
    length = int.from_bytes(clear[:2], "big")
    return clear[2:2 + length].decode("utf-8"), clear[2 + length:]
