"""The token endpoint: credentials, django-axes lock-out, throttling; and what anonymous clients get."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from meks.api.auth import LockedOut, TokenThrottle

TOKEN_URL = "/api/v1/auth/token/"
BAD_CREDENTIALS = "Unable to sign in with the user name and password given."


def english_client(**extra) -> APIClient:
    return APIClient(HTTP_ACCEPT_LANGUAGE="en", **extra)


def test_token_is_issued_and_authenticates(demo):
    client = english_client()

    response = client.post(TOKEN_URL, {"username": "akimat.karaganda", "password": "demo"}, format="json")

    assert response.status_code == 200
    token = Token.objects.get(user=demo["akimat.karaganda"])
    assert response.json() == {"token": token.key}

    api = english_client()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    me = api.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["username"] == "akimat.karaganda"


def test_token_is_the_same_on_a_second_request(demo):
    client = english_client()
    first = client.post(TOKEN_URL, {"username": "office", "password": "demo"}, format="json").json()["token"]
    second = client.post(TOKEN_URL, {"username": "office", "password": "demo"}, format="json").json()["token"]
    assert first == second
    assert Token.objects.filter(user=demo["office"]).count() == 1


def test_form_encoded_credentials_are_accepted(demo):
    response = english_client().post(TOKEN_URL, {"username": "office", "password": "demo"})
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=demo["office"]).key}


def test_successful_sign_in_is_recorded(demo):
    english_client().post(TOKEN_URL, {"username": "office", "password": "demo"}, format="json")
    demo["office"].refresh_from_db()
    assert demo["office"].last_login is not None


def test_bad_password_is_400_with_a_clear_message(demo):
    response = english_client().post(TOKEN_URL, {"username": "office", "password": "wrong"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": BAD_CREDENTIALS}
    assert not Token.objects.filter(user=demo["office"]).exists()


def test_unknown_user_gets_the_same_answer_as_a_bad_password(demo):
    response = english_client().post(TOKEN_URL, {"username": "nobody", "password": "demo"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": BAD_CREDENTIALS}


def test_inactive_user_gets_no_token(demo):
    user = demo["bank"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = english_client().post(TOKEN_URL, {"username": "bank", "password": "demo"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": BAD_CREDENTIALS}


def test_missing_fields_are_named(demo):
    response = english_client().post(TOKEN_URL, {"username": "office"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"password": ["This field is required."]}


def test_bad_password_message_is_translated(demo):
    response = APIClient(HTTP_ACCEPT_LANGUAGE="ru").post(
        TOKEN_URL, {"username": "office", "password": "wrong"}, format="json"
    )
    with translation.override("ru"):
        expected = translation.gettext(BAD_CREDENTIALS)
    assert response.json() == {"detail": expected}


def test_failures_are_counted_by_axes_and_lock_the_user_out(demo):
    client = english_client()
    limit = settings.AXES_FAILURE_LIMIT

    statuses = [
        client.post(TOKEN_URL, {"username": "utility", "password": f"wrong{n}"}, format="json").status_code
        for n in range(limit)
    ]

    # Every failure but the last is a plain 400; the one reaching the limit locks the user name out.
    assert statuses == [400] * (limit - 1) + [429]
    attempt = AccessAttempt.objects.get(username="utility")
    assert attempt.failures_since_start == limit
    assert attempt.ip_address == "127.0.0.1"

    # Now even the right password is refused, with a JSON answer rather than the log-in page's HTML.
    locked = client.post(TOKEN_URL, {"username": "utility", "password": "demo"}, format="json")
    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/json"
    assert locked.json() == {"detail": str(LockedOut.default_detail)}
    assert not Token.objects.filter(user=demo["utility"]).exists()

    # Another user name from the same address is not affected.
    other = client.post(TOKEN_URL, {"username": "office", "password": "demo"}, format="json")
    assert other.status_code == 200


def test_a_successful_sign_in_clears_the_failures(demo):
    client = english_client()
    for _ in range(2):
        client.post(TOKEN_URL, {"username": "utility", "password": "wrong"}, format="json")
    assert AccessAttempt.objects.get(username="utility").failures_since_start == 2

    assert client.post(TOKEN_URL, {"username": "utility", "password": "demo"}, format="json").status_code == 200
    assert not AccessAttempt.objects.filter(username="utility").exists()


def test_token_endpoint_is_throttled(demo, monkeypatch):
    monkeypatch.setattr(TokenThrottle, "THROTTLE_RATES", {"token": "2/minute"})
    client = english_client()

    statuses = [
        client.post(TOKEN_URL, {"username": "office", "password": "demo"}, format="json").status_code
        for _ in range(3)
    ]

    assert statuses == [200, 200, 429]


def test_throttle_is_not_escaped_by_a_forged_forwarded_for_header(demo, monkeypatch):
    monkeypatch.setattr(TokenThrottle, "THROTTLE_RATES", {"token": "2/minute"})
    client = english_client()

    statuses = [
        client.post(
            TOKEN_URL, {"username": "office", "password": "demo"}, format="json",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        ).status_code
        for n in range(3)
    ]

    assert statuses == [200, 200, 429]


PROTECTED = [
    ("get", "/api/v1/me/"),
    ("get", "/api/v1/regions/"),
    ("get", "/api/v1/regions/35/"),
    ("get", "/api/v1/settlements/"),
    ("get", "/api/v1/settlements/1/"),
    ("patch", "/api/v1/settlements/1/"),
    ("get", "/api/v1/organizations/"),
    ("get", "/api/v1/organizations/1/"),
    ("patch", "/api/v1/organizations/1/"),
]


def call(client: APIClient, method: str, url: str):
    if method == "patch":
        return client.patch(url, {"version": 1}, format="json")
    return client.get(url)


@pytest.mark.parametrize(("method", "url"), PROTECTED)
def test_anonymous_gets_401_everywhere(demo, method, url):
    response = call(english_client(), method, url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Authentication credentials were not provided."}


@pytest.mark.parametrize(("method", "url"), PROTECTED)
def test_a_wrong_token_gets_401_everywhere(demo, method, url):
    client = english_client()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    response = call(client, method, url)
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_inactive_users_token_stops_working(demo, token_client_for):
    client = token_client_for("bank")
    assert client.get("/api/v1/me/").status_code == 200
    user = demo["bank"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get("/api/v1/me/").status_code == 401
