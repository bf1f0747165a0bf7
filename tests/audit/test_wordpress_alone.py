"""The audit against stock WordPress, with no paywall in front: the doors it leaks through.

WordPress has no subscriber view to learn from, so the audit learns from a file
(``--learn-file``), written here from the text the test WordPress was seeded with: each
walled post's gated paragraphs, its gated images (with their bytes' digest) and its
invented word. The lead engineer's gateway test learns from the gateway instead
(``--learn-from``) and probes the same WordPress.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
from pathlib import Path

import httpx
import pytest

from masthead.audit import EXIT_LEAKS
from masthead.audit.cli import main
from tests.wordpress.site import WordPressSite

pytestmark = pytest.mark.wordpress

# Doors stock WordPress leaks through (measured: the post page, ?preview=true, the REST API,
# every full feed, uploads with no check, REST search that names posts by a gated word).
WORDPRESS_DOORS = {"page", "url-variant", "feed", "cms-endpoint", "search-oracle", "media"}


def _learned(site: WordPressSite) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for post in site.walled:
        media = []
        for image in post.images.values():
            if image["gated"]:
                body = httpx.get(image["url"], timeout=30).content
                media.append(f"{image['url']}#sha256={hashlib.sha256(body).hexdigest()}")
        rows.append(
            {
                "url": post.url,
                "title": post.slug,
                "gated_html": "".join(f"<p>{html.escape(p)}</p>" for p in post.gated),
                "gated_media": media,
                "search_words": [post.oracle_word],
            }
        )
    return rows


def test_wordpress_alone_leaks_through_its_known_doors(
    wordpress: WordPressSite, tmp_path: Path
) -> None:
    learned = tmp_path / "learned.json"
    learned.write_text(json.dumps(_learned(wordpress)))
    report_file = tmp_path / "report.json"
    out = io.StringIO()
    status = main(
        [wordpress.url, "--learn-file", str(learned), "--json", str(report_file), "--quiet"], out
    )
    report = json.loads(report_file.read_text())
    assert status == EXIT_LEAKS
    assert report["walled"] == len(wordpress.walled) == 3
    found = {leak["door"] for leak in report["leaks"]}
    assert WORDPRESS_DOORS <= found, sorted(found)
    # Every walled post leaks through its own page, the first door a reader tries.
    paged = {leak["article"] for leak in report["leaks"] if leak["door"] == "page"}
    assert paged == {post.url for post in wordpress.walled}
    assert out.getvalue().splitlines()[-1] == (
        f"leaks={len(report['leaks'])} walled=3 requests={report['requests']}"
    )
