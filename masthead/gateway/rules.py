"""The editors' level rules applied to a post's categories and tags (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """A ``LevelRule`` row as plain data."""

    kind: str  # "category" or "tag"
    term: str
    level: str
    section: str


def classify(
    categories: Iterable[str], tags: Iterable[str], rules: Iterable[Rule], default_level: str
) -> tuple[str, str]:
    """Return ``(section, level)`` for a post with these term slugs.

    The first matching rule with a level gives the level, the first with a section the
    section; no section rule: the post's first category. Rules come in priority order.
    """
    categories = list(categories)
    terms = {("category", slug) for slug in categories} | {("tag", slug) for slug in tags}
    level = ""
    section = ""
    for rule in rules:
        if (rule.kind, rule.term) not in terms:
            continue
        if rule.level and not level:
            level = rule.level
        if rule.section and not section:
            section = rule.section
    if not section and categories:
        section = categories[0]
    return section, level or default_level
