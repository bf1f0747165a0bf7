"""Capture real WordPress responses as the firewall's test fixtures.

    eval "$(.venv/bin/python -m devservices --run-dir /tmp/wp start mariadb wordpress --print-env)"
    .venv/bin/python -m masthead.gateway.tests.capture_wordpress

Writes one file per door into ``fixtures/wordpress/`` (the body as WordPress sent it, with
the site's address replaced by ``http://origin.test``) and ``index.json`` (what each file
is: path, query, content type). The seeded text is our own (devservices/wordpress_seed.py).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import httpx

from devservices.wordpress_seed import load_seeded

HERE = Path(__file__).resolve().parent / "fixtures" / "wordpress"
ORIGIN = "http://origin.test"


def doors(seed: dict[str, int], words: dict[str, str]) -> list[tuple[str, str, str]]:
    """(name, path, query) of every door captured."""
    harbour, turbine, market = (
        seed["harbour-budget-vote"],
        seed["tidal-turbine-trial"],
        seed["night-market-returns"],
    )
    return [
        ("rest-posts", "/wp-json/wp/v2/posts", "per_page=100"),
        ("rest-post-single", f"/wp-json/wp/v2/posts/{harbour}", ""),
        ("rest-post-embed", f"/wp-json/wp/v2/posts/{turbine}", "_embed=1"),
        (
            "rest-fields-content",
            "/wp-json/wp/v2/posts",
            "slug=night-market-returns&_fields=id,content",
        ),
        ("rest-route-single", "/", f"rest_route=/wp/v2/posts/{market}"),
        ("rest-pages", "/wp-json/wp/v2/pages", ""),
        ("rest-search-posts", "/wp-json/wp/v2/posts", f"search={words['harbour-budget-vote']}"),
        (
            "rest-search-endpoint",
            "/wp-json/wp/v2/search",
            f"search={words['night-market-returns']}",
        ),
        ("rest-search-public", "/wp-json/wp/v2/search", "search=harbour"),
        ("rest-media", "/wp-json/wp/v2/media", ""),
        ("feed-rss2", "/feed/", ""),
        ("feed-query", "/", "feed=rss2"),
        ("feed-atom", "/feed/atom/", ""),
        ("feed-rdf", "/feed/rdf/", ""),
        ("feed-category", "/category/science/feed/", ""),
        ("feed-tag", "/tag/subscriber/feed/", ""),
        ("feed-author", "/author/admin/feed/", ""),
        ("feed-date", "/2026/11/feed/", ""),
        ("feed-search", "/", f"s={words['tidal-turbine-trial']}&feed=rss2"),
        (
            "oembed-json",
            "/wp-json/oembed/1.0/embed",
            f"url={ORIGIN_PLACEHOLDER}night-market-returns/",
        ),
        (
            "oembed-xml",
            "/wp-json/oembed/1.0/embed",
            f"url={ORIGIN_PLACEHOLDER}night-market-returns/&format=xml",
        ),
        ("embed", "/2026/11/07/night-market-returns/embed/", ""),
        ("search-page", "/", f"s={words['night-market-returns']}"),
        ("archive-category", "/category/culture/", ""),
        ("sitemap-index", "/wp-sitemap.xml", ""),
        ("sitemap-posts", "/wp-sitemap-posts-post-1.xml", ""),
        ("post-page-free", "/2026/11/09/library-opening-hours/", ""),
        ("post-page-walled", "/2026/11/07/night-market-returns/", ""),
    ]


ORIGIN_PLACEHOLDER = "SITE/2026/11/07/"  # + the slug


def main() -> None:
    """Fetch every door from MASTHEAD_TEST_WP_URL and save the fixtures."""
    site = os.environ["MASTHEAD_TEST_WP_URL"]
    posts = load_seeded(os.environ["MASTHEAD_TEST_WP_SEED"])
    ids = {post.slug: post.id for post in posts}
    oracle = {post.slug: post.oracle_word for post in posts if post.oracle_word}
    HERE.mkdir(parents=True, exist_ok=True)
    catalogue = {}
    with httpx.Client(base_url=site, timeout=30, headers={"Accept-Encoding": "identity"}) as client:
        for name, path, query in doors(ids, oracle):
            query = query.replace("SITE/", site + "/")
            response = client.get(path + ("?" + query if query else ""))
            response.raise_for_status()
            content_type = response.headers.get("content-type", "")
            body = response.text.replace(site, ORIGIN).replace(
                site.replace("/", "\\/"), ORIGIN.replace("/", "\\/")
            )
            body = re.sub(r"127\.0\.0\.1:\d+", "origin.test", body)
            extension = (
                "json" if "json" in content_type else "xml" if "xml" in content_type else "html"
            )
            (HERE / f"{name}.{extension}").write_text(body)
            catalogue[name] = {
                "file": f"{name}.{extension}",
                "path": path,
                "query": query.replace(site, ORIGIN),
                "content_type": content_type,
            }
        # XML-RPC as the admin (stock WordPress answers wp.getPost with the full content).
        call = (
            '<?xml version="1.0"?><methodCall><methodName>wp.getPost</methodName><params>'
            "<param><value><int>1</int></value></param>"
            f"<param><value><string>{os.environ['MASTHEAD_TEST_WP_ADMIN_USER']}</string></value></param>"
            f"<param><value><string>{os.environ['MASTHEAD_TEST_WP_ADMIN_PASSWORD']}</string></value></param>"
            f"<param><value><int>{ids['tidal-turbine-trial']}</int></value></param>"
            "</params></methodCall>"
        )
        response = client.post("/xmlrpc.php", content=call, headers={"Content-Type": "text/xml"})
        response.raise_for_status()
        body = re.sub(r"127\.0\.0\.1:\d+", "origin.test", response.text)
        (HERE / "xmlrpc-getpost.xml").write_text(body)
        catalogue["xmlrpc-getpost"] = {
            "file": "xmlrpc-getpost.xml",
            "path": "/xmlrpc.php",
            "query": "",
            "content_type": response.headers.get("content-type", ""),
        }
        # admin-ajax as anyone: stock WordPress's heartbeat (no article text in it).
        response = client.post(
            "/wp-admin/admin-ajax.php", data={"action": "heartbeat", "data[x]": "1"}
        )
        (HERE / "admin-ajax-heartbeat.json").write_text(response.text)
        catalogue["admin-ajax-heartbeat"] = {
            "file": "admin-ajax-heartbeat.json",
            "path": "/wp-admin/admin-ajax.php",
            "query": "",
            "content_type": response.headers.get("content-type", ""),
        }
    seeded = [{**post.__dict__, "url": post.url.replace(site, ORIGIN)} for post in posts]
    (HERE / "index.json").write_text(
        json.dumps({"doors": catalogue, "posts": seeded}, indent=1, ensure_ascii=False) + "\n"
    )
    print(f"captured {len(catalogue)} responses into {HERE}")


if __name__ == "__main__":
    main()
