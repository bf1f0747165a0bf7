"""The access levels exist once: the model choices are the decision's own constants."""

from __future__ import annotations

from django.test import SimpleTestCase

from masthead.access import LEVELS, AccessLevel


class LevelTests(SimpleTestCase):
    def test_the_choices_are_the_levels_the_decision_knows_in_order(self) -> None:
        self.assertEqual(tuple(AccessLevel.values), LEVELS)

    def test_every_choice_has_words_for_editors(self) -> None:
        for value, label in AccessLevel.choices:
            self.assertNotEqual(label.lower(), value, value)
