"""Dotted paths in settings are imported once at start-up; a typo names its setting."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase, override_settings

from masthead.core.apps import check_django_dotted_paths
from masthead.core.dotted_paths import (
    DottedSetting,
    django_dotted_settings,
    dotted_path_problems,
    import_problem,
    refuse_bad_dotted_paths,
)


class ImportProblemTests(SimpleTestCase):
    def test_a_function_that_exists_is_fine(self) -> None:
        self.assertIsNone(import_problem(DottedSetting("X", "masthead.core.events.record")))

    def test_a_module_that_exists_is_fine(self) -> None:
        self.assertIsNone(import_problem(DottedSetting("X", "masthead.core", is_module=True)))

    def test_a_typo_names_the_setting_and_its_value(self) -> None:
        problem = import_problem(DottedSetting("SOME_SETTING", "masthead.core.events.recrod"))
        assert problem is not None
        self.assertIn("SOME_SETTING = 'masthead.core.events.recrod' cannot be imported", problem)

    def test_a_missing_module_is_a_problem(self) -> None:
        problem = import_problem(DottedSetting("S", "masthead.nowhere", is_module=True))
        self.assertIn("S = 'masthead.nowhere'", str(problem))

    def test_something_that_cannot_be_called_is_a_problem(self) -> None:
        problem = import_problem(DottedSetting("S", "masthead.core.events.logger"))
        self.assertIn("cannot be called", str(problem))

    def test_an_empty_or_missing_value_is_a_problem(self) -> None:
        for value in ("", None, 3):
            self.assertIn("must be a dotted path", str(import_problem(DottedSetting("S", value))))

    def test_refusing_lists_every_problem(self) -> None:
        found = [DottedSetting("A", "masthead.nope.a"), DottedSetting("B", "masthead.nope.b")]
        with self.assertRaises(ImproperlyConfigured) as caught:
            refuse_bad_dotted_paths(found)
        self.assertIn("A = 'masthead.nope.a'", str(caught.exception))
        self.assertIn("B = 'masthead.nope.b'", str(caught.exception))

    def test_refusing_nothing_returns(self) -> None:
        refuse_bad_dotted_paths([DottedSetting("A", "masthead.core.events.record")])


class DjangoSettingsTests(SimpleTestCase):
    def test_the_shipped_settings_import(self) -> None:
        self.assertEqual(dotted_path_problems(django_dotted_settings()), [])
        self.assertEqual(check_django_dotted_paths(), [])

    def test_it_covers_the_settings_django_imports_only_on_use(self) -> None:
        names = {setting.name for setting in django_dotted_settings()}
        for name in (
            "EMAIL_BACKEND",
            'STORAGES["default"]["BACKEND"]',
            'CACHES["default"]["BACKEND"]',
            "PASSWORD_HASHERS[0]",
            'TEMPLATES[0]["OPTIONS"]["context_processors"][3]',
        ):
            self.assertIn(name, names)

    @override_settings(EMAIL_BACKEND="django.core.mail.backends.smpt.EmailBackend")
    def test_a_mistyped_email_backend_fails_the_check(self) -> None:
        [error] = check_django_dotted_paths()
        self.assertEqual(error.id, "core.E001")
        self.assertIn("EMAIL_BACKEND = 'django.core.mail.backends.smpt.EmailBackend'", error.msg)

    @override_settings(
        STORAGES={"default": {"BACKEND": "storages.backends.s3.S3Storag"}, "staticfiles": {}}
    )
    def test_a_mistyped_storage_stops_the_app_loading(self) -> None:
        with self.assertRaisesMessage(ImproperlyConfigured, 'STORAGES["default"]["BACKEND"]'):
            apps.get_app_config("core").ready()
