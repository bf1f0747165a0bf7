"""``manage.py check --deploy`` on a production configuration, and what it refuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from masthead.core.deploy_checks import demo_only_problems
from masthead.media import media_origins
from tests.production.environment import manage, production_env


def test_it_passes_check_deploy_for_a_production_configuration(tmp_path: Path) -> None:
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_it_reports_demo_mode_in_check_deploy(tmp_path: Path) -> None:
    result = manage(production_env(tmp_path, MASTHEAD_DEMO="True"), "check", "--deploy")
    assert result.returncode != 0
    assert "masthead.E001" in result.stderr
    assert "MASTHEAD_DEMO is on" in result.stderr


def test_it_warns_when_uploads_stay_inside_the_checkout(tmp_path: Path) -> None:
    env = production_env(tmp_path, MASTHEAD_MEDIA_ROOT="")
    env["MASTHEAD_VAR_DIR"] = str(Path(__file__).resolve().parents[2] / "var" / "test")
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "masthead.W003" in result.stderr


def test_it_names_the_test_payments_provider_as_demo_only() -> None:
    config = {"DEBUG": False, "DEMO": False, "SECRET_KEY": "x" * 50, "BILLING_PROVIDER": "test"}
    problems = demo_only_problems(config)
    assert len(problems) == 1
    assert "test-payments" in problems[0]


def test_it_allows_demo_only_settings_in_demo_or_debug_mode() -> None:
    for mode in ("DEMO", "DEBUG"):
        config = {mode: True, "SECRET_KEY": "", "BILLING_PROVIDER": "test"}
        assert demo_only_problems(config) == []


def _settings_of(env: dict[str, str], *names: str) -> list[str]:
    code = "from django.conf import settings; " + "; ".join(
        f"print(repr(settings.{name}))" for name in names
    )
    result = manage(env, "shell", "--verbosity", "0", "-c", code)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_hsts_is_on_for_a_year_by_default_in_production(tmp_path: Path) -> None:
    env = production_env(tmp_path, MASTHEAD_HSTS_SECONDS="")
    assert "MASTHEAD_HSTS_SECONDS" not in env
    assert _settings_of(env, "SECURE_HSTS_SECONDS") == ["31536000"]
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout
    # Subdomains and preload stay the publisher's decision (off unless set).
    bare = production_env(
        tmp_path,
        MASTHEAD_HSTS_SECONDS="",
        MASTHEAD_HSTS_INCLUDE_SUBDOMAINS="",
        MASTHEAD_HSTS_PRELOAD="",
    )
    assert _settings_of(
        bare, "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD"
    ) == ["31536000", "False", "False"]


def test_a_site_without_tls_switches_hsts_off(tmp_path: Path) -> None:
    env = production_env(tmp_path, MASTHEAD_HSTS_SECONDS="0")
    assert _settings_of(env, "SECURE_HSTS_SECONDS") == ["0"]
    result = manage(env, "check", "--deploy")
    # Django still points it out; the switch is documented for sites without TLS.
    assert "security.W004" in result.stderr


def test_demo_mode_sends_no_hsts(tmp_path: Path) -> None:
    env = production_env(tmp_path, MASTHEAD_DEMO="True", MASTHEAD_HSTS_SECONDS="")
    assert _settings_of(env, "SECURE_HSTS_SECONDS") == ["0"]


def test_a_bad_hsts_or_csp_value_stops_the_process(tmp_path: Path) -> None:
    for name, value in (
        ("MASTHEAD_HSTS_SECONDS", "a year"),
        ("MASTHEAD_CSP_IMG_ORIGINS", "'unsafe-inline'"),
        ("MASTHEAD_CSP_MEDIA_ORIGINS", "https://video.example.com; script-src *"),
        ("MASTHEAD_CSP_FORM_ACTION_ORIGINS", "*"),
        ("MASTHEAD_CSP_FRAME_ANCESTORS", "partner.example.com"),
        ("MASTHEAD_CSP_REPORT_URI", "http://reports.example.com/csp"),
    ):
        result = manage(production_env(tmp_path, **{name: value}), "check")
        assert result.returncode != 0, name
        assert "ImproperlyConfigured" in result.stderr and name in result.stderr, result.stderr


def _directives(env: dict[str, str]) -> dict[str, list[str]]:
    result = manage(
        env,
        "shell",
        "--verbosity",
        "0",
        "-c",
        "from django.conf import settings; import json; "
        "print(json.dumps(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']))",
    )
    assert result.returncode == 0, result.stderr
    directives: dict[str, list[str]] = json.loads(result.stdout)
    return directives


def test_publisher_origins_reach_the_policy(tmp_path: Path) -> None:
    directives = _directives(
        production_env(
            tmp_path,
            MASTHEAD_CSP_IMG_ORIGINS="https://ads.example.net",
            MASTHEAD_CSP_MEDIA_ORIGINS="https://video.example.org",
            MASTHEAD_CSP_FRAME_ANCESTORS="https://partner.example.com",
        )
    )
    assert directives["img-src"] == ["'self'", "https://ads.example.net"]
    assert directives["media-src"] == ["'self'", "https://video.example.org"]
    assert directives["frame-ancestors"] == ["https://partner.example.com"]
    assert directives["script-src"] == ["'self'"]


def test_media_on_s3_is_allowed_to_load_from_its_domain(monkeypatch: pytest.MonkeyPatch) -> None:
    # In-process: django-storages is not installed here, and S3 settings load it at start-up.
    monkeypatch.setenv("MASTHEAD_S3_BUCKET", "news-media")
    assert media_origins("filesystem") == []
    monkeypatch.setenv("MASTHEAD_S3_CUSTOM_DOMAIN", "media.news.example")
    assert media_origins("s3") == ["https://media.news.example"]
    monkeypatch.delenv("MASTHEAD_S3_CUSTOM_DOMAIN")
    monkeypatch.setenv("MASTHEAD_S3_ENDPOINT_URL", "https://s3.example.net")
    assert media_origins("s3") == ["https://s3.example.net", "https://news-media.s3.example.net"]
    monkeypatch.delenv("MASTHEAD_S3_ENDPOINT_URL")
    monkeypatch.setenv("MASTHEAD_S3_REGION", "eu-central-1")
    assert media_origins("s3") == [
        "https://news-media.s3.amazonaws.com",
        "https://news-media.s3.eu-central-1.amazonaws.com",
    ]
