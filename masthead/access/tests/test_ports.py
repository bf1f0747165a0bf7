"""The ports' dotted paths: a typo stops start-up and fails ``manage.py check``."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import SimpleTestCase, override_settings

from masthead.access.checks import check_ports

REPO = Path(__file__).resolve().parents[3]
TYPO = "masthead.gifts.tokens.verify_gfit"


class PortCheckTests(SimpleTestCase):
    def test_the_shipped_ports_import(self) -> None:
        self.assertEqual(check_ports(), [])

    @override_settings(PAYWALL_GIFT_VERIFIER=TYPO)
    def test_it_names_the_setting_and_the_bad_value(self) -> None:
        [error] = check_ports()
        self.assertEqual(error.id, "access.E006")
        self.assertIn(f"PAYWALL_GIFT_VERIFIER = {TYPO!r}", error.msg)

    @override_settings(
        PAYWALL_CONTENT_SOURCE="masthead.newsroom.no_such_module",
        PAYWALL_ENTITLEMENTS_LOADER="masthead.access.policy.FREE",
        PAYWALL_CRAWLER_VERIFIER="",
    )
    def test_it_reports_every_bad_port(self) -> None:
        messages = [error.msg for error in check_ports()]
        self.assertEqual(len(messages), 3)
        self.assertIn("PAYWALL_CONTENT_SOURCE", messages[0])
        self.assertIn("PAYWALL_ENTITLEMENTS_LOADER", messages[1])
        self.assertIn("cannot be called", messages[1])
        self.assertIn("PAYWALL_CRAWLER_VERIFIER", messages[2])

    @override_settings(PAYWALL_CRAWLER_VERIFIER="masthead.access.crawlers.verdict_fr")
    def test_manage_py_check_fails(self) -> None:
        with self.assertRaisesMessage(SystemCheckError, "access.E006"):
            call_command("check", stdout=io.StringIO(), stderr=io.StringIO())

    @override_settings(PAYWALL_GIFT_VERIFIER=TYPO)
    def test_loading_the_app_refuses_a_bad_port(self) -> None:
        with self.assertRaisesMessage(ImproperlyConfigured, "PAYWALL_GIFT_VERIFIER"):
            apps.get_app_config("access").ready()


def test_a_process_with_a_mistyped_gift_verifier_does_not_start(tmp_path: Path) -> None:
    # What an app server does: load Django, run no checks. It must stop, naming the setting.
    (tmp_path / "typo_settings.py").write_text(
        f"from masthead.settings_demo import *  # noqa: F403\nPAYWALL_GIFT_VERIFIER = {TYPO!r}\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "typo_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(REPO)]),
        "MASTHEAD_VAR_DIR": str(settings.VAR_DIR),
    }
    started = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr
    assert f"PAYWALL_GIFT_VERIFIER = {TYPO!r}" in started.stderr


class ExperimentArmsPortTests(SimpleTestCase):
    """``PAYWALL_EXPERIMENT_ARMS`` (issue 15): optional, but a typo is refused like the rest."""

    @override_settings(PAYWALL_EXPERIMENT_ARMS="masthead.experiments.assignment.arm_fro")
    def test_a_typo_is_refused(self) -> None:
        [error] = check_ports()
        self.assertEqual(error.id, "access.E006")
        self.assertIn("PAYWALL_EXPERIMENT_ARMS", error.msg)

    @override_settings(PAYWALL_EXPERIMENT_ARMS="")
    def test_empty_means_no_experiments(self) -> None:
        self.assertEqual(check_ports(), [])
