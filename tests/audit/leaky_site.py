"""A small paywalled site that leaks on purpose, one door per planted leak (a WSGI app).

It speaks Masthead's protocol where the audit needs it (the login form with a CSRF token,
``POST /api/access/`` answering a subscriber with the gated HTML, ``data-article-id`` on
the article element), and its canonical article pages are clean. Each entry of ``PLANTED``
opens one door, so a test can ask the audit to find every one of them.
"""

from __future__ import annotations

import html
import json
import random
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

EMAIL = "subscriber@example.com"
PASSWORD = "leaky-pass"
GOOGLEBOT_ADDRESS_PREFIX = "66.249."
# A chart that only the gated part of article 1 shows.
SECRET_IMAGE = b"\x89PNG\r\n\x1a\n" + b"secret-chart-bytes-" * 40

# Door -> which article leaks through it (the audit must name the door).
PLANTED = {
    "feed": 1,
    "cms-endpoint": 2,
    "url-variant": 3,
    "crawler": 1,
    "forwarded-header": 2,
    "javascript-off": 3,
    "search-oracle": 2,
    "media": 1,
    "check-forged-cookie": 3,
    "api": 1,
}

_WORDS = (
    "harbor council budget ferry tenant ledger quarry orchard pension culvert turbine "
    "granary warrant subpoena audit zoning levee reservoir transit depot freight clinic "
    "archive senate bond meadow lantern courier bridge summit parish verdict campus mill"
).split()


@dataclass(frozen=True)
class Story:
    """One article: a public lead-in and a gated rest."""

    id: int
    slug: str
    title: str
    lead: str
    gated: list[str]
    secret_word: str

    @property
    def path(self) -> str:
        return f"/2026/12/0{self.id}/{self.slug}/"

    @property
    def gated_html(self) -> str:
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in self.gated)
        if self.id == 1:
            paragraphs += '<figure><img src="/uploads/secret-chart.png" alt="chart"></figure>'
        return paragraphs


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(n)).capitalize() + "."


def _stories() -> dict[int, Story]:
    rng = random.Random(14)
    stories = {}
    for number, (slug, title) in enumerate(
        [
            ("ferry-deal", "The ferry deal"),
            ("quarry-vote", "The quarry vote"),
            ("levee-report", "The levee report"),
            ("free-fair", "The county fair"),
        ],
        start=1,
    ):
        secret = f"zephyrine{slug.split('-')[0]}"
        gated = [" ".join(_sentence(rng, 12) for _ in range(3)) for _ in range(3)]
        gated[1] = gated[1] + f" The word {secret} appears only here."
        stories[number] = Story(number, slug, title, _sentence(rng, 14), gated, secret)
    return stories


STORIES = _stories()
FREE_ID = 4


def _page(title: str, body: str) -> bytes:
    return (
        f"<!doctype html><html><head><title>{html.escape(title)}</title>"
        '<link rel="alternate" type="application/rss+xml" href="/feed/"></head>'
        f"<body><nav><a href='/'>Home</a> <a href='/about/'>About</a></nav>{body}"
        "<form action='/search/' method='get'><input type='search' name='q'></form>"
        "</body></html>"
    ).encode()


def _article_page(story: Story, full: bool = False, state: bool = False) -> bytes:
    rest = story.gated_html if full or story.id == FREE_ID else ""
    script = ""
    if state:
        # The classic client-side paywall: the whole text in the page, for a script.
        script = f"<script>window.__STATE__ = {json.dumps({'body': story.gated_html})};</script>"
    return _page(
        story.title,
        f'<article data-article-id="{story.id}"><h1>{html.escape(story.title)}</h1>'
        f"<p>{html.escape(story.lead)}</p><div class='gated'>{rest}</div>"
        f"<section class='gate'>Subscribe to read on.</section></article>{script}",
    )


class LeakySite:
    """The WSGI app; one instance per test server (it keeps the logged-in sessions)."""

    def __init__(self) -> None:
        self.sessions: set[str] = set()
        self.csrf: set[str] = set()

    def __call__(self, environ: dict[str, Any], start: Callable[..., Any]) -> Iterable[bytes]:
        status, headers, body = self.route(environ)
        start(status, [*headers, ("Content-Length", str(len(body)))])
        return [body]

    def _logged_in(self, environ: dict[str, Any]) -> bool:
        cookie = SimpleCookie(environ.get("HTTP_COOKIE", ""))
        return "session" in cookie and cookie["session"].value in self.sessions

    def route(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        path = environ.get("PATH_INFO", "/")
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        method = environ["REQUEST_METHOD"]
        agent = environ.get("HTTP_USER_AGENT", "")
        html_type = [("Content-Type", "text/html; charset=utf-8")]
        json_type = [("Content-Type", "application/json")]
        xml_type = [("Content-Type", "application/rss+xml")]
        if path == "/robots.txt":
            return "200 OK", [("Content-Type", "text/plain")], b"Sitemap: /sitemap.xml\n"
        if path == "/sitemap.xml":
            host = environ["HTTP_HOST"]
            locs = "".join(f"<url><loc>http://{host}{s.path}</loc></url>" for s in STORIES.values())
            return (
                "200 OK",
                [("Content-Type", "application/xml")],
                (f'<?xml version="1.0"?><urlset>{locs}</urlset>').encode(),
            )
        if path == "/":
            links = "".join(f"<li><a href='{s.path}'>{s.title}</a></li>" for s in STORIES.values())
            return "200 OK", html_type, _page("Home", f"<ul>{links}</ul>")
        if path == "/about/":
            return "200 OK", html_type, _page("About", "<p>A small paper.</p>")
        if path == "/accounts/login/":
            return self.login(environ, method)
        if path == "/api/me/":
            return (
                "200 OK",
                json_type,
                json.dumps({"authenticated": self._logged_in(environ)}).encode(),
            )
        if path == "/api/access/" and method == "POST":
            return self.check(environ)
        if path == "/api/schema/":
            schema = {
                "openapi": "3.0.0",
                "paths": {
                    "/api/export/": {"get": {}},
                    "/api/access/": {"post": {"requestBody": {"article": 1}}},
                },
            }
            return "200 OK", json_type, json.dumps(schema).encode()
        if path == "/api/export/":  # planted: api
            return "200 OK", json_type, json.dumps([{"body": STORIES[1].gated_html}]).encode()
        if path == "/feed/":  # planted: feed
            item = STORIES[1]
            return (
                "200 OK",
                xml_type,
                (
                    f"<rss><channel><item><link>{item.path}</link><description>"
                    f"{html.escape(item.gated_html)}</description></item></channel></rss>"
                ).encode(),
            )
        if path == "/wp-json/wp/v2/posts":  # planted: cms-endpoint
            posts = [{"id": 2, "content": {"rendered": STORIES[2].gated_html}}]
            return "200 OK", json_type, json.dumps(posts).encode()
        if path == "/search/":  # planted: search-oracle (names, never shows, the article)
            word = (query.get("q") or [""])[0].lower()
            found = [
                s
                for s in STORIES.values()
                if s.id == 2 and word and word in " ".join(s.gated).lower()
            ]
            items = "".join(f"<li><a href='{s.path}'>{s.title}</a></li>" for s in found)
            return "200 OK", html_type, _page("Search", f"<ol>{items}</ol>")
        if path == "/uploads/secret-chart.png":  # planted: media
            return "200 OK", [("Content-Type", "image/png")], SECRET_IMAGE
        for story in STORIES.values():
            if path != story.path:
                continue
            if story.id == 1 and "bingbot" in agent.lower():  # planted: crawler
                return "200 OK", html_type, _article_page(story, full=True)
            forwarded = environ.get("HTTP_X_FORWARDED_FOR", "")
            if story.id == 2 and forwarded.startswith(GOOGLEBOT_ADDRESS_PREFIX):  # planted
                return "200 OK", html_type, _article_page(story, full=True)
            if story.id == 3 and "amp" in query:  # planted: url-variant
                return "200 OK", html_type, _article_page(story, full=True)
            # planted: javascript-off (the text rides in a script for the browser)
            return "200 OK", html_type, _article_page(story, state=story.id == 3)
        return "404 Not Found", html_type, _page("Not found", "<p>Nothing here.</p>")

    def login(
        self, environ: dict[str, Any], method: str
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        if method == "POST":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            form = parse_qs(environ["wsgi.input"].read(size).decode())
            token = (form.get("csrfmiddlewaretoken") or [""])[0]
            if (
                token in self.csrf
                and (form.get("email") or [""])[0] == EMAIL
                and (form.get("password") or [""])[0] == PASSWORD
            ):
                session = secrets.token_hex(8)
                self.sessions.add(session)
                return (
                    "302 Found",
                    [("Location", "/"), ("Set-Cookie", f"session={session}; Path=/")],
                    b"",
                )
        token = secrets.token_hex(8)
        self.csrf.add(token)
        form_html = (
            "<form method='post'>"
            f"<input type='hidden' name='csrfmiddlewaretoken' value='{token}'>"
            "<input type='email' name='email'><input type='password' name='password'>"
            "<button>Log in</button></form>"
        )
        return "200 OK", [("Content-Type", "text/html")], _page("Log in", form_html)

    def check(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        size = int(environ.get("CONTENT_LENGTH") or 0)
        try:
            article = int(json.loads(environ["wsgi.input"].read(size) or b"{}").get("article"))
        except (ValueError, TypeError, AttributeError):
            return "400 Bad Request", [("Content-Type", "application/json")], b"{}"
        story = STORIES.get(article)
        if story is None:
            return "404 Not Found", [("Content-Type", "application/json")], b"{}"
        cookie = environ.get("HTTP_COOKIE", "")
        granted = (
            story.id == FREE_ID
            or self._logged_in(environ)
            or (story.id == 3 and "reader_pass=1" in cookie)  # planted: check-forged-cookie
        )
        answer = {
            "granted": granted,
            "reason": "free"
            if story.id == FREE_ID
            else ("subscriber" if granted else "subscription_required"),
            "html": story.gated_html if granted else None,
        }
        return "200 OK", [("Content-Type", "application/json")], json.dumps(answer).encode()


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serving() -> Iterator[str]:
    """Serve a fresh ``LeakySite`` on a free port of 127.0.0.1; yield its base URL."""
    server = make_server(
        "127.0.0.1", 0, LeakySite(), server_class=_ThreadingServer, handler_class=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
