"""A human check for the public appeal form that needs no outside service.

The form asks a small sum ("What is 3 plus 4?"). Its answer never reaches the browser in the clear: the
hidden token carries a random nonce and an HMAC of the nonce and the answer (keyed by the site's secret),
signed with a timestamp. A token is good for 30 minutes and for one try: its nonce is remembered in the
cache the first time it is checked, right or wrong.

Once the sum is answered correctly, a "passed" token (also signed, timed and single-use) stands in for it
while the applicant corrects the rest of the form, so nobody is asked twice.
"""

from __future__ import annotations

import enum
import hmac
import secrets
from dataclasses import dataclass

from django.core import signing
from django.core.cache import cache
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

SALT = "meks.appeals.human_check"
MAX_AGE = 30 * 60  # seconds a token stays good
_USED_KEY = "appeals:human-check:used:{nonce}"


class Outcome(enum.Enum):
    PASSED = "passed"
    WRONG = "wrong"
    NO_ANSWER = "no_answer"
    EXPIRED = "expired"
    USED = "used"
    INVALID = "invalid"


@dataclass(frozen=True)
class Challenge:
    """What the form shows: the question (empty once passed) and the token for the hidden field."""

    token: str
    question: str
    passed: bool = False
    answer: int | None = None  # kept for tests; never rendered


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def _digest(nonce: str, answer: int) -> str:
    return salted_hmac(SALT, f"{nonce}:{answer}", algorithm="sha256").hexdigest()


def issue(rng: secrets.SystemRandom | None = None) -> Challenge:
    """A new sum to answer, with its signed token."""
    rng = rng or secrets.SystemRandom()
    first, second = rng.randint(2, 9), rng.randint(1, 9)
    if rng.random() < 0.5 and first > second:
        answer = first - second
        question = _("What is %(first)s minus %(second)s?") % {"first": first, "second": second}
    else:
        answer = first + second
        question = _("What is %(first)s plus %(second)s?") % {"first": first, "second": second}
    nonce = secrets.token_urlsafe(12)
    token = _signer().sign_object({"n": nonce, "d": _digest(nonce, answer)})
    return Challenge(token=token, question=question, answer=answer)


def passed() -> Challenge:
    """A token saying the sum was answered: it stands in for the question until the form is sent."""
    nonce = secrets.token_urlsafe(12)
    return Challenge(token=_signer().sign_object({"n": nonce, "p": 1}), question="", passed=True)


def _payload(token: str) -> dict | None:
    try:
        payload = _signer().unsign_object(token or "", max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise
    except signing.BadSignature:
        return None
    return payload if isinstance(payload, dict) and isinstance(payload.get("n"), str) else None


def verify(token: str, answer: str | int | None) -> Outcome:
    """Check ``answer`` against ``token``, using the token up whatever the outcome."""
    try:
        payload = _payload(token)
    except signing.SignatureExpired:
        return Outcome.EXPIRED
    if payload is None:
        return Outcome.INVALID
    if not cache.add(_USED_KEY.format(nonce=payload["n"]), 1, timeout=MAX_AGE + 60):
        return Outcome.USED
    if payload.get("p") == 1:
        return Outcome.PASSED
    text = str(answer if answer is not None else "").strip()
    if not text:
        return Outcome.NO_ANSWER
    try:
        number = int(text)
    except ValueError:
        return Outcome.WRONG
    expected = payload.get("d")
    if isinstance(expected, str) and hmac.compare_digest(expected, _digest(payload["n"], number)):
        return Outcome.PASSED
    return Outcome.WRONG
