"""The gateway: one ASGI app that is Masthead on its own paths and the origin on the rest.

Masthead's paths (``MASTHEAD_PREFIXES``) go to Django's ASGI handler. Everything else is
fetched from the origin (``httpx.AsyncClient``), and on the way back:

- hop-by-hop headers are dropped, the origin's address becomes the public host's;
- an article page the index knows as walled (the adapter reads the post id from the
  response) becomes its **preview page**: the origin's HTML with the part after the cut
  removed and the gate and page script put in. It is the same for everyone and public;
  the rest goes out only through ``POST /api/access/``. The last good preview is kept, so
  an origin that is down or slow still gets readers the preview, never the full text;
- a walled page that cannot be cut loses its whole body (nothing gated is released) and
  is reported (``index.report_unsplittable``);
- every response passes the leak firewall (``filtering.filter_response``);
- the origin's admin, login and ``?preview=true`` answer only to ``GATEWAY_ADMIN_NETWORKS``
  and are never cacheable; ``Set-Cookie`` goes out only on responses that are not.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import time
import weakref
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import httpx
from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest
from django.http.request import split_domain_port, validate_host
from django.template.loader import render_to_string
from django.utils import timezone

from masthead.core.network import client_address
from masthead.gateway import filtering, index, media
from masthead.gateway.excerpts import cut_excerpts
from masthead.gateway.filtering import ProxiedResponse
from masthead.gateway.links import rewrite
from masthead.gateway.models import OriginArticle
from masthead.gateway.splitting import Unsplittable, find_split
from masthead.newsroom import paywall_cache

logger = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
# Django's handler and others type their arguments slightly differently; any callable will do.
ASGIApp = Callable[..., Awaitable[None]]

# Served by Masthead on the public host (docs/gateway.md); the origin never sees them.
MASTHEAD_PREFIXES = (
    "/accounts/",
    "/subscribe/",
    "/api/",
    "/billing/",
    "/gifts/",
    "/ads/",
    "/admin/",
    "/static/",
    "/media/",
    "/healthz",
)
# The origin's own admin and login: only from GATEWAY_ADMIN_NETWORKS, never cached.
ORIGIN_PRIVATE_PREFIXES = ("/wp-admin", "/wp-login.php")
HOP_BY_HOP = frozenset(
    "connection keep-alive proxy-authenticate proxy-authorization proxy-connection te "
    "trailer transfer-encoding upgrade".split()
)
# Never forwarded to the origin: its answer must not depend on them (a 304 would skip the
# preview), and the origin chooses its own encoding with httpx.
DROPPED_REQUEST = HOP_BY_HOP | {
    "host",
    "cookie",
    "if-none-match",
    "if-modified-since",
    "if-match",
    "if-range",
    # A partial answer (206) would skip the article cut: always ask for the whole body.
    "range",
    "accept-encoding",
    "content-length",
    "x-forwarded-for",
    "x-forwarded-proto",
    "x-forwarded-host",
    "x-real-ip",
    "forwarded",
}
DROPPED_RESPONSE = HOP_BY_HOP | {"content-length", "content-encoding", "set-cookie"}
# The origin's cookies are the only ones it receives: never Masthead's session.
ORIGIN_COOKIE_PREFIXES = ("wordpress", "wp-", "wp_", "comment_author")
# Cookies of a reader the origin personalises for: their answers are private.
ORIGIN_LOGIN_COOKIES = ("wordpress_logged_in", "wp-postpass", "comment_author")
TEXT_TYPES = ("text/", "application/json", "application/xml", "application/javascript")
TEXT_SUFFIXES = ("+json", "+xml")
PRIVATE = "private, no-store"
# How long a worker reuses the excerpt cuts it read (a sync's change shows within this).
CUTS_SECONDS = 2.0
MAX_REQUEST_BODY = 20 * 1024 * 1024
PREVIEW_HEAD = (
    '<link rel="stylesheet" href="/static/gateway/gate.css">'
    '<script src="/static/masthead/paywall.js" defer></script>'
)


def is_masthead_path(path: str) -> bool:
    """True for the paths Masthead itself serves."""
    return path.startswith(MASTHEAD_PREFIXES) or path.rstrip("/") in {
        prefix.rstrip("/") for prefix in MASTHEAD_PREFIXES
    }


def is_origin_private(path: str, query: str) -> bool:
    """True for the origin's admin, login and previews (any ``preview`` parameter)."""
    if path.startswith(ORIGIN_PRIVATE_PREFIXES):
        return True
    names = {name.lower() for name, _ in parse_qsl(query, keep_blank_values=True)}
    return bool(names & {"preview", "preview_id", "preview_nonce"})


def in_networks(address: str, networks: list[str]) -> bool:
    """True when ``address`` is in one of ``networks`` (CIDR strings)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(parsed in ipaddress.ip_network(cidr, strict=False) for cidr in networks)


def is_text(content_type: str) -> bool:
    """True for the types whose links are rewritten (and which the firewall reads)."""
    return content_type.startswith(TEXT_TYPES) or content_type.endswith(TEXT_SUFFIXES)


@dataclass(frozen=True)
class Incoming:
    """What the proxy needs of one request."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    cookies: dict[str, str]
    client: str
    public: str  # scheme://host readers used

    @property
    def target(self) -> str:
        """The path and query as sent to the origin."""
        return self.path + (f"?{self.query}" if self.query else "")

    @property
    def personalised(self) -> bool:
        """True when the origin would answer this reader differently (logged in there)."""
        return any(name.startswith(ORIGIN_LOGIN_COOKIES) for name in self.cookies)


def _incoming(scope: Scope) -> Incoming | None:
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope.get("headers", []):
        name = raw_name.decode("latin-1").lower()
        value = raw_value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    cookies: dict[str, str] = {}
    for part in headers.get("cookie", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name:
            cookies[name] = value
    meta = HttpRequest()
    peer = (scope.get("client") or ("", 0))[0]
    meta.META["REMOTE_ADDR"] = peer
    if "x-forwarded-for" in headers:
        meta.META["HTTP_X_FORWARDED_FOR"] = headers["x-forwarded-for"]
    client = client_address(meta)
    public = settings.GATEWAY_PUBLIC_URL
    if not public:
        host = headers.get("host", "")
        domain, _port = split_domain_port(host)
        if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
            return None
        scheme = str(scope.get("scheme") or "http")
        if in_networks(peer, list(settings.TRUSTED_PROXIES)):
            forwarded = headers.get("x-forwarded-proto", "").split(",")[0].strip()
            scheme = forwarded if forwarded in {"http", "https"} else scheme
        public = f"{scheme}://{host}"
    return Incoming(
        method=scope["method"].upper(),
        path=scope["path"],
        query=scope.get("query_string", b"").decode("latin-1"),
        headers=headers,
        cookies=cookies,
        client=client,
        public=public,
    )


@dataclass(frozen=True)
class ArticleState:
    """What the index says of the post a page shows, read once per request."""

    article: OriginArticle | None
    gate_html: str
    fresh_preview: bool  # the stored preview page is of this version and recent


def _gate_html(article_id: int, path: str) -> str:
    from masthead.newsroom.models import Publication

    return render_to_string(
        "gateway/gate.html",
        {"article_id": article_id, "next_param": path, "publication": Publication.current()},
    )


def _article_state(origin_id: int, path: str) -> ArticleState:
    """The post's record, brought up to date when older than ``GATEWAY_RECHECK_SECONDS``.

    A post unknown to the index and unreachable at the origin's API comes back as None:
    the caller serves it with the body removed (it cannot tell whether it is walled).
    """
    article = OriginArticle.objects.filter(origin_id=origin_id).first()
    now = timezone.now()
    stale = (
        article is None
        or article.synced_at is None
        or ((now - article.synced_at).total_seconds() >= settings.GATEWAY_RECHECK_SECONDS)
    )
    if stale:
        try:
            article = index.sync_one(origin_id)
        except Exception:
            logger.warning("gateway_recheck_failed post=%s", origin_id, exc_info=True)
    if article is None:
        return ArticleState(None, _gate_html(0, path), False)
    fresh = bool(article.preview_page and article.preview_version == article.version and not stale)
    return ArticleState(article, _gate_html(article.article_id, path), fresh)


def _known_by_path(path: str) -> OriginArticle | None:
    """A published walled article whose page is at ``path`` (either slash form)."""
    variants = {path, path.rstrip("/") + "/", path.rstrip("/") or "/"}
    return (
        OriginArticle.objects.filter(path__in=variants, status="publish")
        .exclude(level="free")
        .first()
    )


def _store_preview(article: OriginArticle, page: str, gated_html: str, problem: str) -> None:
    gated_media = set(article.media.filter(gated=True).values_list("name", flat=True))
    gated_html = media.protect(gated_html, gated_media)
    OriginArticle.objects.filter(pk=article.pk).update(
        preview_page=page,
        preview_version=article.version,
        gated_html=gated_html,
        split_problem=problem,
    )
    if (gated_html, problem) != (article.gated_html, article.split_problem):
        # What the access check releases changed: its cached copy must go.
        paywall_cache.new_generation()


def build_preview(page: str, article_id: int, gate_html: str) -> tuple[str, str, str]:
    """Return ``(preview page, gated html, problem)`` for a walled article's page.

    The preview keeps the origin's HTML up to the cut and after the body; the gate, an
    empty slot for the rest and the page script come in. When the page cannot be cut the
    whole body goes (``problem`` says why) and nothing is gated.
    """
    rule = index.body_rule()
    opening = f'<article class="masthead-article masthead-origin" data-article-id="{article_id}">'
    try:
        split = find_split(page, rule)
    except Unsplittable as why:
        problem = str(why)
        try:
            # The container may be there with no place to cut: keep the page, drop the body.
            whole = find_split(page, type(rule)(rule.container, "", 1))
            start, end = whole.inner_start, whole.inner_end
        except Unsplittable:
            start = end = -1
        if start < 0:
            body = page.lower().find("<body")
            body_end = page.find(">", body) + 1 if body >= 0 else 0
            page = page[:body_end] + "<main>" + opening + gate_html + "</article></main>"
            return _with_head(page + "</body></html>"), "", problem
        page = page[:start] + opening + gate_html + "</article>" + page[end:]
        return _with_head(page), "", problem
    gated = page[split.cut : split.inner_end]
    preview = (
        page[: split.container_start]
        + opening
        + page[split.container_start : split.cut]
        + gate_html
        + page[split.inner_end : split.container_end]
        + "</article>"
        + page[split.container_end :]
    )
    return _with_head(preview), rewrite(gated, settings.GATEWAY_ORIGIN_URL, "").strip(), ""


def _with_head(page: str) -> str:
    at = page.lower().find("</head>")
    return page[:at] + PREVIEW_HEAD + page[at:] if at >= 0 else PREVIEW_HEAD + page


class Gateway:
    """The ASGI app (``masthead.gateway.asgi:application``)."""

    def __init__(self, django_app: ASGIApp, transport: httpx.AsyncBaseTransport | None = None):
        """``transport`` replaces the network (tests)."""
        self.django = django_app
        self.transport = transport
        # One client per event loop (granian's workers each run one; tests run many).
        self._cuts: tuple[float, list[tuple[str, str]]] = (-1.0, [])
        self._protected: set[str] = set()
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
            weakref.WeakKeyDictionary()
        )

    def client(self) -> httpx.AsyncClient:
        """The origin client of the running event loop (one per worker loop)."""
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = httpx.AsyncClient(
                base_url=settings.GATEWAY_ORIGIN_URL,
                timeout=settings.GATEWAY_ORIGIN_TIMEOUT,
                follow_redirects=False,
                transport=self.transport,
                limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
            )
            self._clients[loop] = client
        return client

    async def excerpt_cuts(self) -> list[tuple[str, str]]:
        """The walled posts' excerpt cuts, read at most every ``CUTS_SECONDS``."""
        loaded, cuts = self._cuts
        now = time.monotonic()
        if loaded < 0 or now - loaded >= CUTS_SECONDS:
            cuts, self._protected = await sync_to_async(_load_index_view)()
            self._cuts = (now, cuts)
        return cuts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection."""
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        if is_masthead_path(scope["path"]) or not settings.GATEWAY_ORIGIN_URL:
            await self.django(scope, receive, send)
            return
        incoming = _incoming(scope)
        if incoming is None:
            await _send(send, _plain(400, "Bad Request: unknown host.\n"), head=False)
            return
        try:
            body = await _read_body(receive)
        except RequestTooLarge:
            await _send(send, _plain(413, "Request body too large.\n"), head=False)
            return
        response = await self.proxy(incoming, body)
        # Every answer for an origin path passes the firewall, in a thread: it may read the
        # database (its index, its events) and scanning is CPU work.
        response = await sync_to_async(filtering.filter_response)(
            incoming.path, incoming.query, response
        )
        await _send(send, response, head=incoming.method == "HEAD")

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                client = self._clients.pop(asyncio.get_running_loop(), None)
                if client is not None:
                    await client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def proxy(self, incoming: Incoming, body: bytes) -> ProxiedResponse:
        """Answer one request for an origin path."""
        private = is_origin_private(incoming.path, incoming.query)
        cuts = await self.excerpt_cuts()
        if media.is_unusual_upload_path(incoming.path):
            # The origin's web server would fold "//", "/./" and "/../" into an upload's
            # address that the check below never saw: refuse rather than pass it on.
            return _plain(404, "Not Found\n")
        if incoming.path.startswith(media.UPLOADS):
            name = media.base_name(incoming.path.removeprefix(media.UPLOADS))
            if name in self._protected:
                # Only gated parts show it: it goes out by signed /media/ URL only.
                return _plain(404, "Not Found\n")
        if private and not in_networks(incoming.client, list(settings.GATEWAY_ADMIN_NETWORKS)):
            return _plain(403, "Forbidden: the origin's admin and previews are not public.\n")
        reading = incoming.method in {"GET", "HEAD"}
        if reading and not private:
            known = await sync_to_async(_known_by_path)(incoming.path)
            if known is not None and known.preview_page and await sync_to_async(_is_fresh)(known):
                return self._preview_response(known.preview_page, incoming, cuts)
        try:
            origin = await self._fetch(incoming, body)
        except httpx.HTTPError as error:
            logger.warning("gateway_origin_failed path=%s error=%r", incoming.path, error)
            return await self._origin_down(incoming, cuts)
        if origin.status_code >= 500 and reading:
            fallback = await self._origin_down(incoming, cuts)
            if fallback.status == 200:
                return fallback
        adapter = index.adapter()
        post_id = adapter.post_id(origin.headers)
        content_type = origin.headers.get("content-type", "").split(";")[0].strip().lower()
        if post_id is None and content_type == "text/html" and origin.status_code == 200:
            # A page that names its post only in <body class> (a plugin dropped the Link
            # header, an alternative template): still the post's page.
            post_id = adapter.page_post_id(origin.text)
        if (
            reading
            and not private
            and post_id is not None
            and origin.status_code == 200
            and content_type == "text/html"
        ):
            return await self._article(incoming, origin, post_id, cuts)
        return self._passed_on(incoming, origin, private, cuts)

    async def _fetch(self, incoming: Incoming, body: bytes) -> httpx.Response:
        headers = {
            name: value for name, value in incoming.headers.items() if name not in DROPPED_REQUEST
        }
        cookies = "; ".join(
            f"{name}={value}"
            for name, value in incoming.cookies.items()
            if name.startswith(ORIGIN_COOKIE_PREFIXES)
        )
        if cookies:
            headers["cookie"] = cookies
        headers["x-forwarded-for"] = incoming.client
        headers["x-forwarded-proto"] = incoming.public.split(":", 1)[0]
        method = "GET" if incoming.method == "HEAD" else incoming.method
        return await self.client().request(
            method, incoming.target, headers=headers, content=body or None
        )

    async def _origin_down(
        self, incoming: Incoming, cuts: list[tuple[str, str]]
    ) -> ProxiedResponse:
        known = await sync_to_async(_known_by_path)(incoming.path)
        if known is not None and known.preview_page:
            return self._preview_response(known.preview_page, incoming, cuts, max_age=10)
        return _plain(502, "The site is not answering; try again in a moment.\n")

    async def _article(
        self,
        incoming: Incoming,
        origin: httpx.Response,
        post_id: int,
        cuts: list[tuple[str, str]],
    ) -> ProxiedResponse:
        state = await sync_to_async(_article_state)(post_id, incoming.path)
        article = state.article
        if article is not None and article.status == "publish" and not article.is_walled:
            return self._passed_on(incoming, origin, False, cuts)
        page = origin.text
        article_id = article.article_id if article is not None else 0
        preview, gated, problem = build_preview(page, article_id, state.gate_html)
        if article is None:
            problem = problem or "the post is not in the index and its level is unknown"
            await sync_to_async(index.report_unsplittable)(None, post_id, problem)
        elif _is_canonical(article, incoming) and not incoming.personalised:
            # A reader logged in at the origin (or holding a post password) gets the page
            # WordPress made for them: never the stored preview everyone is served.
            await sync_to_async(_store_preview)(article, preview, gated, problem)
            if problem:
                await sync_to_async(index.report_unsplittable)(article, post_id, problem)
        # Any other URL WordPress answers with the post (its /embed/ view, a query a
        # plugin renders differently) gets its own cut, fail closed, and is never stored:
        # a stranger's request must not replace the preview page or the gated part the
        # access check releases (found by the audit: /embed/ emptied both).
        return self._preview_response(preview, incoming, cuts, private=incoming.personalised)

    def _preview_response(
        self,
        page: str,
        incoming: Incoming,
        cuts: list[tuple[str, str]],
        max_age: int | None = None,
        *,
        private: bool = False,
    ) -> ProxiedResponse:
        text = cut_excerpts(rewrite(page, settings.GATEWAY_ORIGIN_URL, incoming.public), cuts)
        seconds = settings.GATEWAY_PAGE_MAX_AGE if max_age is None else max_age
        caching = PRIVATE if private else f"public, max-age={seconds}"
        response = ProxiedResponse(
            200,
            (
                ("content-type", "text/html; charset=utf-8"),
                ("cache-control", caching),
                ("x-masthead-gateway", "preview"),
            ),
            text.encode("utf-8"),
        )
        return response

    def _passed_on(
        self,
        incoming: Incoming,
        origin: httpx.Response,
        private: bool,
        cuts: list[tuple[str, str]],
    ) -> ProxiedResponse:
        cacheable = (
            not private
            and incoming.method in {"GET", "HEAD"}
            and not incoming.personalised
            and origin.status_code in {200, 203, 204, 206, 300, 301, 404, 410}
        )
        origin_cache = origin.headers.get("cache-control", "").lower()
        if cacheable and ("private" in origin_cache or "no-store" in origin_cache):
            cacheable = False
        headers: list[tuple[str, str]] = []
        for name, value in origin.headers.multi_items():
            lowered = name.lower()
            if lowered in DROPPED_RESPONSE or lowered == "cache-control":
                continue
            if lowered in {"location", "link", "content-location", "refresh"}:
                value = rewrite(value, settings.GATEWAY_ORIGIN_URL, incoming.public)
            headers.append((lowered, value))
        if cacheable:
            headers.append(("cache-control", f"public, max-age={settings.GATEWAY_PAGE_MAX_AGE}"))
        else:
            headers.append(("cache-control", PRIVATE))
            # Only a response no cache keeps may carry the origin's cookies.
            headers += [("set-cookie", value) for value in origin.headers.get_list("set-cookie")]
        content = origin.content
        content_type = origin.headers.get("content-type", "").split(";")[0].strip().lower()
        if is_text(content_type):
            text = content.decode("utf-8", errors="surrogateescape")
            text = cut_excerpts(rewrite(text, settings.GATEWAY_ORIGIN_URL, incoming.public), cuts)
            content = text.encode("utf-8", errors="surrogateescape")
        response = ProxiedResponse(origin.status_code, tuple(headers), content)
        return response


def _is_canonical(article: OriginArticle, incoming: Incoming) -> bool:
    """Whether the request is for the post's own page (either slash form, no query)."""
    return not incoming.query and incoming.path.rstrip("/") == article.path.rstrip("/")


def _is_fresh(article: OriginArticle) -> bool:
    """The stored preview is of the current version and recent enough to skip the origin."""
    if article.preview_version != article.version or article.synced_at is None:
        return False
    age = (timezone.now() - article.synced_at).total_seconds()
    return age < min(settings.GATEWAY_ORIGIN_CACHE_SECONDS, settings.GATEWAY_RECHECK_SECONDS)


def _load_index_view() -> tuple[list[tuple[str, str]], set[str]]:
    cuts = list(
        OriginArticle.objects.filter(status="publish")
        .exclude(excerpt_needle="")
        .values_list("excerpt_needle", "excerpt_cut")
    )
    return cuts, media.protected_names()


def _plain(status: int, text: str) -> ProxiedResponse:
    return ProxiedResponse(
        status,
        (("content-type", "text/plain; charset=utf-8"), ("cache-control", PRIVATE)),
        text.encode(),
    )


class RequestTooLarge(Exception):
    """The request's body is over ``MAX_REQUEST_BODY``."""


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_REQUEST_BODY:
            raise RequestTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _send(send: Send, response: ProxiedResponse, head: bool) -> None:
    headers = [
        (name.encode("latin-1"), value.encode("latin-1")) for name, value in response.headers
    ]
    headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head else response.body})
