"""``manage.py check --deploy`` on a production configuration, and what it refuses."""

from __future__ import annotations

from pathlib import Path

from masthead.core.deploy_checks import demo_only_problems
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
