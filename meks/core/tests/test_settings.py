"""Production settings refuse unsafe configurations; check --deploy is clean with good ones."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
GOOD_KEY = "k3Y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP"


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_debug():
    result = run_manage("check", DJANGO_SECRET_KEY=GOOD_KEY, DJANGO_ALLOWED_HOSTS="meks.example.kz", DJANGO_DEBUG="1")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be off in production" in result.stderr


@pytest.mark.parametrize("key", ["", "change-me", "local-development-key-not-for-production", "short"])
def test_production_refuses_a_weak_secret_key(key):
    result = run_manage("check", DJANGO_SECRET_KEY=key, DJANGO_ALLOWED_HOSTS="meks.example.kz")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_check_deploy_is_clean():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", DJANGO_SECRET_KEY=GOOD_KEY, DJANGO_ALLOWED_HOSTS="meks.example.kz"
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_the_test_settings_key():
    result = run_manage("check", DJANGO_SECRET_KEY="test-key-not-for-production", DJANGO_ALLOWED_HOSTS="meks.example.kz")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


PRODUCTION_SETTINGS = [
    "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_SAMESITE", "LANGUAGE_COOKIE_SECURE", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_SSL_REDIRECT", "SESSION_COOKIE_AGE", "SESSION_EXPIRE_AT_BROWSER_CLOSE", "SESSION_SAVE_EVERY_REQUEST",
    "DEBUG", "CONTENT_SECURITY_POLICY", "X_FRAME_OPTIONS", "SECURE_CONTENT_TYPE_NOSNIFF",
]


@pytest.fixture(scope="module")
def production():
    """The security settings as production loads them, read in a subprocess with a generated key."""
    import json
    import secrets

    script = ("import json; from django.conf import settings; "
              f"print(json.dumps({{name: getattr(settings, name) for name in {PRODUCTION_SETTINGS!r}}}))")
    result = run_manage("shell", "-c", script, DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
                        DJANGO_ALLOWED_HOSTS="meks.example.kz")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure(production):
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["LANGUAGE_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert production["CSRF_COOKIE_SAMESITE"] in ("Lax", "Strict")


def test_production_sends_hsts_for_a_year_and_redirects_to_https(production):
    assert production["SECURE_HSTS_SECONDS"] >= 365 * 24 * 60 * 60
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["DEBUG"] is False


def test_sessions_expire_when_idle_and_when_the_browser_closes(production):
    # Eight idle hours: every request renews the cookie, so the age is an idle timeout, not a fixed day.
    assert production["SESSION_COOKIE_AGE"] == 8 * 60 * 60
    assert production["SESSION_SAVE_EVERY_REQUEST"] is True
    assert production["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True


def test_production_content_security_policy_allows_no_inline_script(production):
    directives = production["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert production["X_FRAME_OPTIONS"] == "DENY"
    assert production["SECURE_CONTENT_TYPE_NOSNIFF"] is True


def test_the_session_cookie_is_sent_with_its_flags(client, demo, settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    response = client.post("/accounts/login/", {"username": "office", "password": "demo"})
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert session["max-age"] == ""  # no max-age: the cookie ends with the browser session
    from django.test import Client

    csrf = Client().get("/accounts/login/").cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] is True
    assert csrf["samesite"] == "Lax"


@pytest.mark.parametrize("url", ["/accounts/login/", "/portal/", "/api/v1/regions/", "/no-such-page/"])
def test_every_answer_carries_the_content_security_policy(client, db, url):
    response = client.get(url)
    policy = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";")
                  if part.strip())
    assert policy["script-src"] == "'self'"
    assert "unsafe-inline" not in policy["script-src"] and "unsafe-eval" not in policy["script-src"]
    assert policy["default-src"] == "'self'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_upload_limits_are_set(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 10 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 5 * 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 2000


def test_a_request_body_over_the_limit_is_refused(client, db, settings):
    body = "username=" + "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post("/accounts/login/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


def test_a_too_large_import_is_refused_with_a_clear_message_and_changes_nothing(client_for, demo):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from meks.portfolio.excel import MAX_FILE_SIZE
    from meks.portfolio.models import Project

    demo["office"].language = "en"
    demo["office"].save(update_fields=["language"])
    upload = SimpleUploadedFile("projects.xlsx", b"\0" * (MAX_FILE_SIZE + 1024 * 1024),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    before = Project.objects.count(), Project.history.count()
    response = client_for("office").post("/portfolio/excel/import/", {"file": upload})
    assert response.status_code == 200
    assert "The file is 6.0 MB; the limit is 5 MB." in response.content.decode()
    assert (Project.objects.count(), Project.history.count()) == before


@pytest.mark.parametrize("password", ["short1A", "password1234", "123456789012", "alllowercaseletters1",
                                      "ALLUPPERCASE123", "NoDigitsInThisOne", "Office.Demo.Meks1"])
def test_weak_passwords_are_rejected(db, password):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from meks.accounts.models import User

    user = User(username="office", first_name="Office", email="office@demo.meks.kz")
    with pytest.raises(ValidationError):
        validate_password(password, user=user)


def test_a_strong_password_passes(db):
    from django.contrib.auth.password_validation import validate_password

    assert validate_password("Qaz-Ordа-Zhol-2026") is None


SECRET_PATTERNS = {
    "private key": r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----",
    "AWS access key": r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",
    "AWS secret": r"aws_secret_access_key\s*[=:]\s*\S{20,}",
    "GitHub token": r"\bgh[pousr]_[A-Za-z0-9]{36}\b",
    "Slack token": r"\bxox[abpr]-[A-Za-z0-9-]{10,}",
    "password in a URL": r"\b(?:postgres|postgresql|redis|amqp|mysql)://[^:/\s@]+:[^@/\s]{3,}@",
}


def test_no_secret_is_tracked_in_the_repository():
    import re

    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.split(b"\0")
    patterns = {name: re.compile(pattern) for name, pattern in SECRET_PATTERNS.items()}
    found = []
    scanned = 0
    for name in filter(None, tracked):
        path = ROOT / name.decode()
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        text = path.read_bytes().decode("utf-8", errors="ignore")
        scanned += 1
        found += [f"{name.decode()}: {kind}" for kind, pattern in patterns.items() if pattern.search(text)]
    assert scanned > 100
    assert found == []


def test_settings_take_secrets_only_from_the_environment():
    import re

    assignment = re.compile(r"^\s*(?:SECRET_KEY|[A-Z_]*PASSWORD[A-Z_]*)\s*=\s*[\"'][^\"']+[\"']", re.M)
    offenders = []
    for path in (ROOT / "config" / "settings").glob("*.py"):
        for match in assignment.finditer(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.name}: {match.group(0).strip()}")
    # The test settings' key is a fixed placeholder that production refuses (test above).
    assert offenders == ['test.py: SECRET_KEY = "test-key-not-for-production"']
