"""A small WordPress-shaped origin for fast tests (and the demo when WordPress is absent).

It answers like Debian's WordPress 6.1 with Twenty Twenty-Three in the ways the gateway
relies on: post pages with the body in ``div.entry-content.wp-block-post-content``
(paragraphs as direct children, ``<span id="more-ID">`` for ``<!--more-->``), the post
id in a ``Link: <…/wp-json/wp/v2/posts/ID>`` header, every link absolute to its own
address, ``?p=ID`` and slash-less paths redirected to the permalink, the REST API
(posts in ``context=edit`` with basic auth, categories, tags, paginated with
``X-WP-TotalPages``), a full-text feed, ``/wp-admin/`` and ``/wp-login.php``. Like the
real one it gives the full text to anyone at ``?preview=true`` and in its feed.

Standard library only. ``python -m masthead.gateway.fake_origin --port 8201`` runs it.
"""

from __future__ import annotations

import argparse
import base64
import html
import json
import struct
import threading
import time
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

CATEGORIES = {1: "news", 2: "opinion", 3: "culture"}
TAGS = {10: "subscriber", 11: "local"}
USER, PASSWORD = "gateway", "origin-app-password"


def _png() -> bytes:
    """A 1x1 PNG, so the protected-media service sees a real image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x20\x40\x60")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


PNG = _png()


@dataclass
class Post:
    """One post of the fake origin."""

    id: int
    slug: str
    title: str
    paragraphs: list[str]
    categories: list[int] = field(default_factory=lambda: [1])
    tags: list[int] = field(default_factory=list)
    more_after: int | None = None  # a <!--more--> after this many paragraphs
    modified: str = "2026-12-01T10:00:00"
    date: str = "2026-12-01T09:00:00"
    splittable: bool = True  # False: the body sits in a container the gateway does not know
    status: str = "publish"
    gated_image: str = ""  # an upload shown after the fourth paragraph (in the gated part)

    @property
    def path(self) -> str:
        """The permalink's path."""
        return f"/2026/12/01/{self.slug}/"

    def content(self, origin: str) -> str:
        """The rendered body, as the REST API's ``content.rendered`` gives it."""
        parts = []
        for index, text in enumerate(self.paragraphs):
            if self.more_after is not None and index == self.more_after:
                parts.append(f'<span id="more-{self.id}"></span>')
            parts.append(f"<p>{html.escape(text)}</p>")
        if self.gated_image:
            stem, _dot, extension = self.gated_image.rpartition(".")
            parts.insert(
                4,
                f'<figure class="wp-block-image"><img src="{origin}/wp-content/uploads/'
                f'{stem}-1024x768.{extension}" srcset="{origin}/wp-content/uploads/{stem}'
                f'-300x225.{extension} 300w" sizes="(max-width: 1024px) 100vw" alt=""></figure>',
            )
        parts.insert(1, f'<p><a href="{origin}/about/">About us</a></p>')
        return "\n".join(parts)


def demo_posts() -> list[Post]:
    """The posts every test starts from."""
    words = "Alder Falls council budget river bridge library school harbour".split()

    def paragraphs(key: str, count: int) -> list[str]:
        # Words of each post's own (a place name, the key, a number): no two posts share a
        # run of words, which the firewall would rightly take for another post's text.
        return [
            f"{key} paragraph {n}: "
            + " ".join(f"{words[i % len(words)]}{key}{(n * 13 + i * 7) % 101}" for i in range(12))
            + f" {key}-secret-{n}."
            for n in range(1, count + 1)
        ]

    return [
        Post(101, "free-story", "A free story", paragraphs("free", 5), categories=[3]),
        Post(
            102,
            "walled-story",
            "A walled story",
            paragraphs("walled", 6),
            tags=[10],
            gated_image="2026/12/secret-chart.png",
        ),
        Post(
            103,
            "more-story",
            "A story with a more tag",
            paragraphs("more", 6),
            tags=[10],
            more_after=3,
        ),
        Post(104, "metered-story", "A metered story", paragraphs("metered", 5), categories=[1]),
        Post(
            105,
            "odd-story",
            "An unsplittable story",
            paragraphs("odd", 4),
            tags=[10],
            splittable=False,
        ),
    ]


class FakeOrigin:
    """The server, its posts (change them in a test) and switches for failure modes."""

    def __init__(self, port: int = 0) -> None:
        """Bind on 127.0.0.1 (``port`` 0: any free one); call ``start``."""
        self.posts: dict[int, Post] = {post.id: post for post in demo_posts()}
        self.failing = False  # answer 500 to everything
        self.delay = 0.0  # seconds to wait before answering a page (a slow origin)
        self.requests: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread: threading.Thread | None = None

    def start(self) -> FakeOrigin:
        """Serve in a background thread."""
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.server.shutdown()
        self.server.server_close()

    def by_path(self, path: str) -> Post | None:
        """The published post whose permalink is ``path``."""
        return next((p for p in self.posts.values() if p.path == path), None)

    def page(self, post: Post) -> str:
        """The post page, Twenty Twenty-Three's shape."""
        origin = self.url
        body_class = (
            "entry-content wp-block-post-content" if post.splittable else "post-body-custom"
        )
        terms = " ".join(
            f'<a href="{origin}/category/{CATEGORIES[c]}/" rel="tag">{CATEGORIES[c]}</a>'
            for c in post.categories
        )
        return f"""<!DOCTYPE html>
<html lang="en-US"><head><meta charset="UTF-8">
<title>{html.escape(post.title)} &#8211; Alder Falls</title>
<link rel="alternate" type="application/rss+xml" href="{origin}/feed/">
<link rel="https://api.w.org/" href="{origin}/wp-json/">
<link rel="stylesheet" href="{origin}/wp-content/themes/twentytwentythree/style.css">
</head>
<body class="post-template-default single single-post postid-{post.id}">
<div class="wp-site-blocks"><header><a href="{origin}/">Alder Falls</a></header>
<main class="wp-block-group">
<h1 class="wp-block-post-title">{html.escape(post.title)}</h1>
<div class="{body_class}">
{post.content(origin)}
</div>
<div class="taxonomy-category wp-block-post-terms">{terms}</div>
</main>
<footer><a href="{origin}/wp-login.php">Log in</a></footer></div>
</body></html>"""

    def excerpt(self, post: Post) -> str:
        """WordPress's automatic excerpt: the body's first 55 words."""
        return html.escape(" ".join(" ".join(post.paragraphs).split()[:55]), quote=False)

    def rest_post(self, post: Post, edit: bool) -> dict[str, object]:
        """A post as ``/wp/v2/posts`` gives it."""
        excerpt_words = self.excerpt(post)
        item: dict[str, object] = {
            "id": post.id,
            "slug": post.slug,
            "link": self.url + post.path,
            "status": post.status,
            "date_gmt": post.date,
            "modified_gmt": post.modified,
            "categories": post.categories,
            "tags": post.tags,
            "title": {"rendered": html.escape(post.title)},
            "content": {"rendered": post.content(self.url)},
            "excerpt": {"rendered": f"<p>{excerpt_words} [&hellip;]</p>"},
        }
        if edit:
            item["content"] = {"rendered": post.content(self.url), "raw": "…"}
        return item

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        origin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return

            def _send(
                self,
                status: int,
                body: str,
                content_type: str = "text/html; charset=UTF-8",
                headers: dict[str, str] | None = None,
            ) -> None:
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            def _authorised(self) -> bool:
                expected = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
                return self.headers.get("Authorization", "") == f"Basic {expected}"

            def do_HEAD(self) -> None:
                self.do_GET()

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0") or 0)
                self.rfile.read(length)
                self.do_GET()

            def do_GET(self) -> None:
                origin.requests.append(self.path)
                if origin.delay and not self.path.startswith("/wp-json/"):
                    time.sleep(origin.delay)
                if origin.failing:
                    self._send(500, "<h1>Error establishing a database connection</h1>")
                    return
                url = urlsplit(self.path)
                query = parse_qs(url.query)
                path = url.path
                if path.startswith("/wp-content/uploads/"):
                    self.send_response(200)
                    self.send_header("Content-Type", "image/png")
                    self.send_header("Content-Length", str(len(PNG)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(PNG)
                    return
                if path.startswith("/wp-json/"):
                    self._rest(path, query)
                    return
                if path.startswith("/wp-admin") or path == "/wp-login.php":
                    self._send(
                        200,
                        "<h1>Dashboard</h1>",
                        headers={
                            "Set-Cookie": "wordpress_test_cookie=WP%20Cookie%20check; path=/",
                            "Cache-Control": "no-cache, must-revalidate, max-age=0",
                        },
                    )
                    return
                if path == "/plugin-export.php":
                    # A plugin's endpoint nobody listed: every post's full text.
                    dump = "".join(p.content(origin.url) for p in origin.posts.values())
                    self._send(200, f"<html><body>{dump}</body></html>")
                    return
                if path == "/feed/":
                    items = "".join(
                        f"<item><title>{html.escape(p.title)}</title><link>{origin.url}{p.path}"
                        f"</link><content:encoded><![CDATA[{p.content(origin.url)}]]>"
                        "</content:encoded></item>"
                        for p in origin.posts.values()
                        if p.status == "publish"
                    )
                    self._send(
                        200,
                        f"<rss><channel>{items}</channel></rss>",
                        "application/rss+xml; charset=UTF-8",
                    )
                    return
                if path == "/" and "p" in query:
                    post = origin.posts.get(int(query["p"][0]))
                    if post is not None and post.status == "publish":
                        self._send(301, "", headers={"Location": origin.url + post.path})
                        return
                if path.endswith("/amp/") and origin.by_path(path.removesuffix("amp/")):
                    # An alternative template that sends no Link header.
                    amp = origin.by_path(path.removesuffix("amp/"))
                    assert amp is not None
                    self._send(200, origin.page(amp))
                    return
                post = origin.by_path(path) or origin.by_path(path + "/")
                if post is not None and post.status == "publish":
                    if not path.endswith("/"):
                        self._send(301, "", headers={"Location": origin.url + post.path})
                        return
                    self._send(
                        200,
                        origin.page(post),
                        headers={
                            "Link": f"<{origin.url}/wp-json/wp/v2/posts/{post.id}>; "
                            'rel="alternate"; type="application/json", '
                            f"<{origin.url}/?p={post.id}>; rel=shortlink",
                        },
                    )
                    return
                if path == "/":
                    links = "".join(
                        f'<li><a href="{origin.url}{p.path}">{html.escape(p.title)}</a>'
                        '<p class="wp-block-post-excerpt__excerpt">'
                        f"{origin.excerpt(p)} [&hellip;]</p></li>"
                        for p in origin.posts.values()
                    )
                    self._send(200, f"<html><head></head><body><ul>{links}</ul></body></html>")
                    return
                self._send(404, "<h1>Not found</h1>")

            def _rest(self, path: str, query: dict[str, list[str]]) -> None:
                edit = query.get("context", [""])[0] == "edit"
                if edit and not self._authorised():
                    self._send(
                        401, json.dumps({"code": "rest_forbidden_context"}), "application/json"
                    )
                    return
                parts = path.rstrip("/").split("/")
                per_page = int(query.get("per_page", ["10"])[0])
                page = int(query.get("page", ["1"])[0])
                if parts[-1] in {"categories", "tags"}:
                    table = CATEGORIES if parts[-1] == "categories" else TAGS
                    wanted = query.get("include", [""])[0]
                    ids = [int(x) for x in wanted.split(",") if x] or list(table)
                    self._send(
                        200,
                        json.dumps([{"id": i, "slug": table[i]} for i in ids]),
                        "application/json",
                    )
                    return
                if parts[-1] == "posts":
                    everything = [
                        p
                        for p in sorted(origin.posts.values(), key=lambda p: p.id)
                        if edit or p.status == "publish"
                    ]
                    pages = max(1, -(-len(everything) // per_page))
                    if page > pages:
                        self._send(
                            400,
                            json.dumps({"code": "rest_post_invalid_page_number"}),
                            "application/json",
                        )
                        return
                    chunk = everything[(page - 1) * per_page : page * per_page]
                    self._send(
                        200,
                        json.dumps([origin.rest_post(p, edit) for p in chunk]),
                        "application/json",
                        {"X-WP-Total": str(len(everything)), "X-WP-TotalPages": str(pages)},
                    )
                    return
                if parts[-2] == "posts" and parts[-1].isdigit():
                    post = origin.posts.get(int(parts[-1]))
                    if post is None or (post.status != "publish" and not edit):
                        self._send(
                            404, json.dumps({"code": "rest_post_invalid_id"}), "application/json"
                        )
                        return
                    self._send(200, json.dumps(origin.rest_post(post, edit)), "application/json")
                    return
                self._send(404, json.dumps({"code": "rest_no_route"}), "application/json")

        return Handler


def main() -> None:
    """Run the fake origin in the foreground."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8201)
    port = parser.parse_args().port
    origin = FakeOrigin(port)
    print(f"fake origin on {origin.url} (REST user {USER})", flush=True)
    origin.server.serve_forever()


if __name__ == "__main__":
    main()
