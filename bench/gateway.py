"""What the gateway figures need besides the launcher: level rules, the origin's catalogue,
and the reader populations turned towards origin articles.

    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.gateway rules
    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.gateway catalogue OUT.json

``rules`` gives the seeded WordPress's posts every access level (the ``subscriber`` tag,
then Politics metered, Science registered, the rest free), so the gateway's checks meet the
same level mix as the native ones. ``catalogue`` writes the synced origin articles (id,
public path, level). ``origin_population`` rewrites a native population's requests so each
check names an origin article of the same level: the same readers, the same mix.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

from bench.load import request_file

# (kind, term, level, priority): first match by priority wins (masthead/gateway/rules.py).
RULES = (
    ("tag", "subscriber", "subscriber", 1),
    ("category", "politics", "metered", 10),
    ("category", "science", "registered", 10),
)
# Origin pages the gateway fetches every time and the firewall reads (docs/firewall.md):
# the REST API's lists and singles, feeds, archives, search. None of them is an article
# page, so neither the gateway's article cache nor nginx keeps them.
PROXIED_PATHS = (
    "/wp-json/wp/v2/posts",
    "/wp-json/wp/v2/posts?_embed",
    "/?rest_route=/wp/v2/posts",
    "/wp-json/wp/v2/categories",
    "/feed/",
    "/category/science/feed/",
    "/2026/11/",
    "/?s=harbour",
)


def set_rules() -> None:
    """Create (or keep) the level rules the bench's origin articles are classified by."""
    from masthead.gateway.models import LevelRule

    for kind, term, level, priority in RULES:
        LevelRule.objects.update_or_create(
            kind=kind, term=term, defaults={"level": level, "priority": priority}
        )


def catalogue() -> list[dict[str, Any]]:
    """The published origin articles: article id (10^12 + post id), public path, level."""
    from masthead.gateway.models import ORIGIN_ID_BASE, OriginArticle

    rows = OriginArticle.objects.filter(status="publish").order_by("origin_id")
    return [
        {"id": ORIGIN_ID_BASE + row.origin_id, "url": row.path, "level": row.level}
        for row in rows.only("origin_id", "path", "level")
    ]


def origin_population(
    native: Path,
    out: Path,
    native_articles: list[dict[str, Any]],
    origin_articles: list[dict[str, Any]],
    seed: int = 14,
) -> Path:
    """Write ``out``: ``native``'s requests, each check naming an origin article of the
    level its native article had (readers, cookies and addresses unchanged).

    Raises ValueError when the origin has no article of a level the population asks for.
    """
    level_of = {entry["id"]: entry["level"] for entry in native_articles}
    by_level: dict[str, list[int]] = {}
    for entry in origin_articles:
        by_level.setdefault(entry["level"], []).append(entry["id"])
    rng = random.Random(seed)
    lines = []
    for line in native.read_text().splitlines():
        fields = line.split("\t")
        body = json.loads(fields[4])
        level = level_of[body["article"]]
        if level not in by_level:
            raise ValueError(f"the origin has no {level} article (bench/gateway.py, RULES)")
        body["article"] = rng.choice(by_level[level])
        fields[4] = json.dumps(body)
        lines.append("\t".join(fields))
    out.write_text("\n".join(lines) + "\n")
    return out


def proxied_requests(path: Path) -> Path:
    """Write the uncached proxied pages' requests file (``PROXIED_PATHS``); return it."""
    return request_file(path, "GET", list(PROXIED_PATHS))


def main(argv: list[str]) -> int:
    """``rules`` or ``catalogue OUT``; 0 on success."""
    import django

    django.setup()
    if argv[:1] == ["rules"]:
        set_rules()
        return 0
    if argv[:1] == ["catalogue"] and len(argv) == 2:
        Path(argv[1]).write_text(json.dumps(catalogue(), indent=1))
        return 0
    print("usage: python -m bench.gateway rules | catalogue OUT.json", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
