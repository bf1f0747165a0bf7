"""Real WordPress responses (fixtures/wordpress/, made by capture_wordpress.py) and an index.

The posts are the test site's seeded posts (devservices/wordpress_seed.py): three walled
(tag ``subscriber``), each with a lead-in (its preview) and a gated part.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from masthead.gateway.firewall import Article, ShingleIndex

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "wordpress"


@dataclass(frozen=True)
class Door:
    """One captured response."""

    name: str
    path: str
    query: str
    content_type: str
    body: bytes


@cache
def catalogue() -> dict[str, Any]:
    """index.json: the doors and the seeded posts."""
    loaded: dict[str, Any] = json.loads((FIXTURES / "index.json").read_text())
    return loaded


def door(name: str) -> Door:
    """The captured response called ``name``."""
    entry = catalogue()["doors"][name]
    body = (FIXTURES / entry["file"]).read_bytes()
    return Door(name, entry["path"], entry["query"], entry["content_type"], body)


def door_names() -> list[str]:
    """Every captured response's name."""
    return sorted(catalogue()["doors"])


def posts() -> list[dict[str, Any]]:
    """The seeded posts as the site stored them."""
    return list(catalogue()["posts"])


def walled() -> list[dict[str, Any]]:
    """The seeded walled posts."""
    return [post for post in posts() if post["walled"]]


def paragraphs_html(texts: list[str]) -> str:
    """Paragraphs as WordPress renders them (escaped)."""
    return "\n".join(f"<p>{html.escape(text)}</p>" for text in texts)


def article_of(post: dict[str, Any]) -> Article:
    """The firewall's record of a seeded walled post: preview = lead-in, gated = the rest."""
    return Article(
        key=f"wp:{post['id']}",
        gated=paragraphs_html(post["gated"]),
        preview=paragraphs_html(post["lead"]),
        title=post["slug"].replace("-", " "),
        origin_id=post["id"],
        paths=(post["url"],),
    )


def build_index(k: int = 8, stride: int = 4) -> ShingleIndex:
    """An index of the three walled posts."""
    index = ShingleIndex(k, stride)
    for post in walled():
        index.add(article_of(post))
    return index
