"""Outside demo and debug mode the app will not start on demo-only settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from masthead.settings import DEMO_SECRET_KEY
from tests.production.environment import manage, production_env

REFUSAL = "Masthead refuses to start with demo-only settings"


def test_it_starts_with_a_secret_from_a_file(tmp_path: Path) -> None:
    result = manage(production_env(tmp_path), "check")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("secret", ["", DEMO_SECRET_KEY])
def test_it_refuses_the_demo_or_an_empty_secret(tmp_path: Path, secret: str) -> None:
    secret_file = tmp_path / "secret_key"
    secret_file.write_text(secret)
    result = manage(production_env(tmp_path), "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert REFUSAL in result.stderr
    assert "MASTHEAD_SECRET_KEY_FILE" in result.stderr


def test_it_refuses_when_no_secret_is_set_at_all(tmp_path: Path) -> None:
    result = manage(production_env(tmp_path, MASTHEAD_SECRET_KEY_FILE=""), "check")
    assert REFUSAL in result.stderr
    assert "No secret key" in result.stderr


def test_it_refuses_to_load_the_wsgi_application(tmp_path: Path) -> None:
    env = production_env(tmp_path, MASTHEAD_SECRET_KEY_FILE="", MASTHEAD_SECRET_KEY=DEMO_SECRET_KEY)
    result = manage(env, "shell", "-c", "import masthead.wsgi")
    assert result.returncode != 0
    assert "public demo secret key" in result.stderr


def test_it_refuses_the_test_payments_provider(tmp_path: Path) -> None:
    result = manage(production_env(tmp_path, BILLING_PROVIDER="test"), "check")
    assert REFUSAL in result.stderr
    assert "test-payments provider" in result.stderr
