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
