"""The error pages are the platform's own: translated, and never a traceback or an internal detail."""

from __future__ import annotations

import json

import pytest
from django.test import Client


@pytest.fixture
def failing_client(settings, db):
    settings.ROOT_URLCONF = "tests.faults.urls_errors"
    settings.DEBUG = False
    return Client(raise_request_exception=False)


def test_an_unexpected_error_answers_the_platforms_500_page_in_all_three_languages(failing_client):
    response = failing_client.get("/fault/failing/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Ошибка сервера" in body and "Сервер қатесі" in body and "Server error" in body
    assert "Traceback" not in body and "internal detail" not in body and "RuntimeError" not in body


@pytest.mark.parametrize("language", ["en", "kk", "ru"])
def test_a_lost_database_answers_a_translated_503_page(failing_client, language):
    response = failing_client.get("/fault/database-gone/", HTTP_ACCEPT_LANGUAGE=language)
    body = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Language"] == language
    assert f'<html lang="{language}">' in body
    assert "Traceback" not in body and "administrator command" not in body and "OperationalError" not in body
    if language == "en":
        assert "<h1>Service temporarily unavailable</h1>" in body
        assert "Nothing was saved from this request; please try again in a minute." in body


def test_a_lost_database_answers_the_api_with_json(failing_client):
    response = failing_client.get("/api/fault/database-gone/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert json.loads(response.content) == {
        "detail": "The service is temporarily unavailable. Nothing was saved from this request; please try again in a minute."}


def test_other_errors_are_left_to_the_500_page(failing_client, rf):
    from meks.core.middleware import DatabaseUnavailableMiddleware

    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    assert middleware.process_exception(rf.get("/"), RuntimeError("x")) is None
