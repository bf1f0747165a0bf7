"""The audit itself: learn the gated text as a subscriber, then read as strangers everywhere.

``run_audit(config)`` is the whole run; the command line (``cli.py``) and
``manage.py leak_audit`` only parse arguments and print. It needs no Django, no database
and no settings: a publisher runs it from any machine with the package installed.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

from masthead.audit import markup, text
from masthead.audit.config import AuditConfig
from masthead.audit.http import Budget, BudgetSpent, Exchange, Session, origin_of
from masthead.audit.report import Article, Leak, Report

# (requests done, requests planned so far, what is being tried)
ProgressHook = Callable[[int, int, str], None]

CHECK_PATH = "/api/access/"
LOGIN_PATH = "/accounts/login/"
ME_PATH = "/api/me/"
SCHEMA_PATH = "/api/schema/"
FOREIGN_ORIGIN = "https://leak-audit.invalid"
# Denials that mean "walled for a stranger", against those that only mean "meter spent".
METER_REASONS = {"meter_exhausted", "network_exhausted", "confirmation_required"}
GOOGLEBOT_UA = (
    "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36 "
    "(compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
)
CRAWLER_UAS = {
    "Googlebot": GOOGLEBOT_UA,
    "Google-InspectionTool": "Mozilla/5.0 (compatible; Google-InspectionTool/1.0;)",
    "Bingbot": "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "facebookexternalhit": "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Twitterbot": "Twitterbot/1.0",
}
# An address in Googlebot's published range: what a forged forwarding header names.
CRAWLER_ADDRESS = "66.249.66.1"
FORWARDING = {
    "X-Forwarded-For": {"X-Forwarded-For": CRAWLER_ADDRESS, "User-Agent": GOOGLEBOT_UA},
    "X-Real-IP": {"X-Real-IP": CRAWLER_ADDRESS, "User-Agent": GOOGLEBOT_UA},
    "Forwarded and CDN client headers": {
        "Forwarded": f"for={CRAWLER_ADDRESS};proto=https",
        "True-Client-IP": CRAWLER_ADDRESS,
        "CF-Connecting-IP": CRAWLER_ADDRESS,
        "X-Client-IP": CRAWLER_ADDRESS,
        "Fastly-Client-IP": CRAWLER_ADDRESS,
        "User-Agent": GOOGLEBOT_UA,
    },
}
REFERERS = ("https://www.google.com/", "https://l.facebook.com/", "https://t.co/")
FORGED_COOKIES = {
    "masthead_visitor": "forged",
    "subscriber": "1",
    "is_subscriber": "true",
    "paywall": "off",
    "reader_pass": "1",
    "access": "granted",
    "wordpress_logged_in_audit": "admin%7C9999999999%7Cforged",
}
SITEMAP_PATHS = ("/sitemap.xml", "/news-sitemap.xml", "/wp-sitemap.xml", "/sitemap_index.xml")
FEED_PATHS = (
    "/feed/", "/feed/atom/", "/feed/rdf/", "/feed/rss/", "/feed/rss2/", "/?feed=rss2",
    "/?feed=atom", "/comments/feed/", "/feeds/rss/", "/feeds/atom/", "/rss.xml", "/atom.xml",
    "/index.xml",
)  # fmt: skip
CMS_LISTS = (
    "/wp-json/wp/v2/posts?per_page=100",
    "/wp-json/wp/v2/posts?per_page=100&_embed",
    "/wp-json/wp/v2/posts?per_page=100&_fields=id,link,content,excerpt",
    "/wp-json/wp/v2/posts?per_page=100&context=embed",
    "/wp-json/wp/v2/pages?per_page=100",
    "/?rest_route=/wp/v2/posts&per_page=100",
    "/?rest_route=/wp/v2/posts&per_page=100&_embed",
    "/wp-json/wp/v2/media?per_page=100",
    "/?rest_route=/wp/v2/media&per_page=100",
    "/wp-json/wp/v2/revisions",
    "/wp-json/",
    "/ghost/api/content/posts/?limit=all",
    "/jsonfeed/",
    "/feed.json",
)
CMS_SINGLES = (
    "/wp-json/wp/v2/posts/{id}",
    "/wp-json/wp/v2/posts/{id}?_embed",
    "/wp-json/wp/v2/posts/{id}?_fields=content",
    "/wp-json/wp/v2/posts/{id}?context=edit",
    "/wp-json/wp/v2/posts/{id}/revisions",
    "/?rest_route=/wp/v2/posts/{id}",
    "/?rest_route=/wp/v2/posts/{id}&_embed",
    "/?p={id}",
    "/?p={id}&preview=true",
    "/?page_id={id}",
    "/?p={id}&feed=rss2",
    "/?p={id}&withcomments=1&feed=rss2",
)
SEARCH_TEMPLATES = (
    "/search/?q={q}",
    "/?s={q}",
    "/?s={q}&feed=rss2",
    "/search/{q}/feed/rss2/",
    "/wp-json/wp/v2/search?search={q}",
    "/wp-json/wp/v2/posts?search={q}&_fields=id,link",
    "/?rest_route=/wp/v2/search&search={q}",
)
NONCE_WORD = "zqxjvkwordnotfound"
SKIPPED_PREFIXES = (
    "/accounts/", "/admin/", "/wp-admin/", "/wp-login.php", "/static/", "/wp-content/",
    "/wp-includes/", "/billing/", "/subscribe/", "/gifts/", "/ads/", "/logout",
)  # fmt: skip
_WP_POST_LINK = re.compile(r"/wp/v2/posts/(\d+)")
_WP_SHORTLINK = re.compile(r"[?&]p=(\d+)")
_MEDIA_IN_TEXT = re.compile(
    r"https?:\\?/\\?/[^\s\"'<>]+?\.(?:jpe?g|png|gif|webp|avif|mp4|webm|pdf)", re.I
)


@dataclass
class Site:
    """What discovery found on one deployment."""

    base: str
    robots: Exchange | None = None
    sitemaps: dict[str, Exchange] = field(default_factory=dict)
    feeds: dict[str, Exchange] = field(default_factory=dict)
    pages: list[str] = field(default_factory=list)
    home: Exchange | None = None
    search_forms: list[str] = field(default_factory=list)


@dataclass
class Probe:
    """One request a stranger sends, and the door it tries."""

    door: str
    detail: str
    url: str
    article: str = ""
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None
    visible_only: bool = False


class Auditor:
    """One run. Use ``run_audit``; this class only holds the run's state."""

    def __init__(self, config: AuditConfig, progress: ProgressHook | None) -> None:
        self.config = config
        self.target = config.url.rstrip("/")
        self.learn = config.learn_url.rstrip("/")
        hosts = frozenset({urlsplit(self.target).netloc, urlsplit(self.learn).netloc})
        budget = Budget(config.max_requests, time.monotonic() + config.max_seconds, config.delay)
        self.stranger = Session(budget, hosts, config.timeout)
        self.budget = budget
        self.report = Report(self.target, self.learn)
        self.passages = text.Passages(config.shingle)
        self.progress = progress
        self.planned = 0
        self.metered_ids: list[str] = []
        self.subscriber: Session | None = None
        self.media_seen: set[str] = set()
        self.scanned: set[tuple[str, str, str]] = set()

    # -- plumbing ------------------------------------------------------------------------

    def _tick(self, description: str) -> None:
        self.report.requests = self.budget.used
        if self.progress is not None:
            self.progress(self.budget.used, max(self.planned, self.budget.used), description)

    def _get(self, session: Session, url: str, headers: dict[str, str] | None = None) -> Exchange:
        exchange = session.request("GET", url, headers=headers)
        self._tick(f"GET {urlsplit(url).path}")
        return exchange

    def _post_json(
        self, session: Session, url: str, payload: Any, headers: dict[str, str] | None = None
    ) -> Exchange:
        sent = {"Content-Type": "application/json", "Accept": "application/json"}
        sent.update(headers or {})
        exchange = session.request("POST", url, headers=sent, body=json.dumps(payload))
        self._tick(f"POST {urlsplit(url).path}")
        return exchange

    def on_target(self, url: str) -> str:
        """Return ``url`` moved from the learning deployment to the audited one."""
        parts = urlsplit(url)
        target = urlsplit(self.target)
        return urlunsplit((target.scheme, target.netloc, parts.path, parts.query, ""))

    # -- discovery -----------------------------------------------------------------------

    def discover(self, base: str) -> Site:
        """Find the site's sitemaps, feeds and pages through robots, sitemaps, feeds, links."""
        site = Site(base)
        site.robots = self._get(self.stranger, base + "/robots.txt")
        site.home = self._get(self.stranger, base + "/")
        pending = [base + path for path in SITEMAP_PATHS]
        if site.robots.ok:
            pending = [u for u in markup.robots_sitemaps(site.robots.text)] + pending
        pages: list[str] = []
        while pending and len(site.sitemaps) < 25:
            url = pending.pop(0)
            if url in site.sitemaps or not self.stranger.allowed(url):
                continue
            answer = self._get(self.stranger, url)
            if not answer.ok or "<" not in answer.text[:200]:
                continue
            site.sitemaps[url] = answer
            for link in markup.xml_links(answer.text, url):
                if "sitemap" in link.lower() and (
                    link.endswith(".xml") or "sitemap" in urlsplit(link).path
                ):
                    pending.append(link)
                else:
                    pages.append(link)
        feeds = [base + path for path in FEED_PATHS]
        if site.home.ok:
            page = markup.read_page(site.home.text, site.home.url)
            feeds = [u for kind, u in page.alternates if "xml" in kind or "json" in kind] + feeds
            pages.extend(page.links)
            site.search_forms = _search_forms(page.forms)
        for url in feeds:
            if url in site.feeds or not self.stranger.allowed(url):
                continue
            answer = self._get(self.stranger, url)
            if answer.ok and (
                "xml" in answer.content_type
                or "json" in answer.content_type
                or "<rss" in answer.text[:500]
            ):
                site.feeds[url] = answer
                pages.extend(markup.xml_links(answer.text, url))
        site.pages = _unique(p for p in pages if self._is_candidate(p))
        return site

    def _is_candidate(self, url: str) -> bool:
        parts = urlsplit(url)
        path = parts.path or "/"
        return (
            self.stranger.allowed(url)
            and not markup.is_media_url(url)
            and not path.startswith(SKIPPED_PREFIXES)
            and not path.endswith(
                (".xml", ".txt", ".css", ".js", ".json", "/feed/", "/rss/", "/atom/")
            )
            and "feed" not in dict(parse_qsl(parts.query))
        )

    # -- learning ------------------------------------------------------------------------

    def log_in(self) -> Session | None:
        """Log in as the subscriber through the site's login form; None when it fails."""
        session = self.stranger.fresh()
        form_page = self._get(session, self.learn + LOGIN_PATH)
        if not form_page.ok:
            self.report.not_audited = (
                f"the login page answered {form_page.status} {form_page.error}"
            )
            return None
        forms = [
            f
            for f in markup.read_page(form_page.text, form_page.url).forms
            if "password" in f.types.values()
        ]
        if not forms:
            self.report.not_audited = "the login page has no form with a password field"
            return None
        form = forms[0]
        fields = dict(form.fields)
        for name, kind in form.types.items():
            if kind == "password":
                fields[name] = self.config.password
            elif kind in ("email", "text") or any(
                k in name.lower() for k in ("email", "user", "login")
            ):
                fields[name] = self.config.email
        answer = session.request(
            "POST",
            form.action,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": form_page.url,
                "Origin": origin_of(form_page.url),
            },
            body=urlencode(fields),
            follow=False,
        )
        self._tick("logging in")
        if answer.status not in (301, 302, 303):
            self.report.not_audited = (
                f"logging in as {self.config.email} failed (HTTP {answer.status})"
            )
            return None
        me = self._get(session, self.learn + ME_PATH)
        if me.ok and "json" in me.content_type:
            try:
                authenticated = bool(json.loads(me.text).get("authenticated"))
            except (ValueError, AttributeError):
                authenticated = True
            if not authenticated:
                self.report.not_audited = f"logging in as {self.config.email} did not stick"
                return None
        return session

    def check(
        self, session: Session, base: str, article_id: str, headers: dict[str, str] | None = None
    ) -> Exchange:
        """Ask the access check about ``article_id`` as ``session``, from the site's own origin."""
        sent = {"Origin": base, "Sec-Fetch-Site": "same-origin"}
        sent.update(headers or {})
        return self._post_json(
            session, base + CHECK_PATH, {"article": int(article_id), "gift": None}, sent
        )

    def learn_articles(self, site: Site, subscriber: Session) -> None:
        """Classify the site's articles through the check; learn each walled one's gated text."""
        examined = 0
        public_all: set[str] = set()
        if site.home is not None and site.home.ok:
            public_all |= text.shingles_of_texts(
                [text.visible(site.home.text)], self.config.shingle
            )
        for url in site.pages:
            if (
                len(self.report.articles) >= self.config.max_articles
                or examined >= 3 * self.config.max_articles
            ):
                break
            examined += 1
            page = self._get(self.stranger, url)
            if not page.ok or "html" not in page.content_type:
                continue
            parsed = markup.read_page(page.text, page.url)
            shown = text.shingles_of_texts([text.visible(page.text)], self.config.shingle)
            if parsed.article_id is None:
                public_all |= shown
                continue
            self.stranger.client.cookies.clear()
            stranger = self.check(self.stranger, self.learn, parsed.article_id)
            self.stranger.client.cookies.clear()
            verdict = _json(stranger)
            if verdict.get("granted") or verdict.get("reason") in METER_REASONS:
                # Open to a stranger (free, or metered within the allowance): all it shows
                # is public, and metered ones serve the cookie-wiping door.
                if verdict.get("reason") in METER_REASONS | {"metered"}:
                    self.metered_ids.append(parsed.article_id)
                public_all |= shown
                opened = verdict.get("html")
                if isinstance(opened, str):
                    public_all |= text.shingles_of_texts([text.plain(opened)], self.config.shingle)
                continue
            answer = self.check(subscriber, self.learn, parsed.article_id)
            granted = _json(answer)
            gated_html = granted.get("html") if granted.get("granted") else None
            if not isinstance(gated_html, str) or not gated_html.strip():
                continue
            public_text = text.visible(page.text)
            public = text.shingles_of_texts([public_text], self.config.shingle)
            article = Article(page.url, parsed.article_id, _title(page.text), gated_html)
            self._learn_media(article, parsed.media, subscriber)
            article.search_words = text.rare_words(text.plain(gated_html), public_text)
            gated = text.shingles(text.words(text.plain(gated_html)), self.config.shingle)
            overlap = gated & public
            if gated and len(overlap) > len(gated) // 3:
                # Most of the gated text is on the public page: that page leaks; keep the
                # text secret so that every door that repeats it is found too.
                self.report.add(
                    Leak.of(
                        "page",
                        "the article page as a stranger",
                        page.url,
                        page,
                        next(iter(overlap)),
                    )
                )
                overlap = set()
            self.passages.add(page.url, text.plain(gated_html), overlap)
            public_all |= public - gated
            self.report.articles.append(article)
        # Shingles two walled articles share are boilerplate, not secrets.
        counts: dict[str, int] = {}
        for shingle, owners in self.passages.owner.items():
            counts[shingle] = len(owners)
        self.passages.forget({s for s, n in counts.items() if n > 1} | public_all)
        self.report.walled = len(self.report.articles)

    def _learn_media(self, article: Article, public_media: list[str], subscriber: Session) -> None:
        gated = markup.read_page(article.gated_html, article.url).media
        public = {_bare(u) for u in public_media}
        for url in _unique(gated):
            if (
                _bare(url) in public
                or not self.stranger.allowed(url)
                or len(article.gated_media) >= 4
            ):
                continue
            answer = self._get(subscriber, url)
            if answer.ok and answer.content:
                digest = hashlib.sha256(answer.content).hexdigest()
                article.gated_media.append(f"{url}#sha256={digest}")

    def load_learned(self, rows: list[dict[str, Any]]) -> None:
        """Take walled articles from a file instead of logging in (``--learn-file``)."""
        for row in rows:
            url = str(row["url"])
            gated_html = str(row.get("gated_html") or row.get("gated_text") or "")
            article = Article(url, row.get("id"), str(row.get("title", "")), gated_html)
            article.gated_media = [str(m) for m in row.get("gated_media", [])]
            article.search_words = [str(w) for w in row.get("search_words", [])] or text.rare_words(
                text.plain(gated_html), ""
            )
            self.passages.add(url, text.plain(gated_html), set())
            self.report.articles.append(article)
        self.report.walled = len(self.report.articles)

    # -- probing -------------------------------------------------------------------------

    def run_probes(self, probes: list[Probe]) -> list[Exchange]:
        """Send each probe as a stranger (an empty cookie jar) and judge its answer."""
        self.planned += len(probes)
        answers = []
        for probe in probes:
            self.stranger.client.cookies.clear()
            exchange = self.stranger.request(
                probe.method, probe.url, headers=probe.headers, body=probe.body
            )
            self.report.tried(probe.door)
            self._tick(f"{probe.door}: {probe.detail}")
            self.judge(probe, exchange)
            answers.append(exchange)
        return answers

    def judge(self, probe: Probe, exchange: Exchange, readings: list[str] | None = None) -> bool:
        """Record a leak when ``exchange`` carries gated text; True when it did."""
        if exchange.status == 0 or not exchange.content:
            return False
        self._collect_media(exchange)
        if readings is None:
            if probe.visible_only:
                readings = [text.visible(exchange.text)]
            else:
                readings = text.decodings(exchange.text, exchange.content_type)
            readings.append(
                " ".join(
                    v
                    for k, v in exchange.response_headers.items()
                    if k in ("location", "link", "set-cookie")
                )
            )
        hits = self.passages.scan(readings)
        if not hits:
            return False
        article, shingles = max(hits.items(), key=lambda item: len(item[1]))
        self.report.add(
            Leak.of(
                probe.door,
                probe.detail,
                probe.article or article,
                exchange,
                f'{len(shingles)} gated passages, e.g. "{shingles[0]}"',
            )
        )
        return True

    def _collect_media(self, exchange: Exchange) -> None:
        if "html" in exchange.content_type:
            self.media_seen.update(markup.read_page(exchange.text, exchange.url).media)
        elif "json" in exchange.content_type or "xml" in exchange.content_type:
            self.media_seen.update(
                m.replace("\\/", "/") for m in _MEDIA_IN_TEXT.findall(exchange.text)
            )

    def probe_pages(self) -> dict[str, Exchange]:
        """The article pages as a stranger: rendered text, raw HTML, reader mode."""
        pages: dict[str, Exchange] = {}
        self.planned += len(self.report.articles)
        for article in self.report.articles:
            url = self.on_target(article.url)
            self.stranger.client.cookies.clear()
            page = self._get(self.stranger, url)
            self.report.tried("page")
            pages[article.url] = page
            link = page.response_headers.get("link", "")
            found = _WP_POST_LINK.search(link) or _WP_SHORTLINK.search(link)
            if found:
                article.wordpress_id = found.group(1)
            probe = Probe(
                "page", "the article page as a stranger", url, article.url, visible_only=True
            )
            if self.judge(probe, page):
                continue
            self.report.tried("javascript-off")
            raw = Probe(
                "javascript-off",
                "the raw HTML: scripts, hidden elements, encoded text",
                url,
                article.url,
            )
            if self.judge(raw, page):
                continue
            extracted = _reader_mode(page.text, url) if self.config.reader_mode else None
            if extracted is not None:
                self.report.tried("reader-mode")
                mode = Probe(
                    "reader-mode", "reader-mode extraction (trafilatura)", url, article.url
                )
                self.judge(mode, page, readings=[extracted])
        return pages

    def variant_probes(self) -> list[Probe]:
        """URL variants, crawlers, forged forwarding headers and referers on every article."""
        probes: list[Probe] = []
        for article in self.report.articles:
            url = self.on_target(article.url)
            for detail, variant in _variants(url, article.wordpress_id or article.article_id):
                probes.append(Probe("url-variant", detail, variant, article.url))
            for name, agent in CRAWLER_UAS.items():
                probes.append(
                    Probe(
                        "crawler",
                        f"User-Agent {name}, unverified address",
                        url,
                        article.url,
                        headers={"User-Agent": agent},
                    )
                )
            for name, headers in FORWARDING.items():
                probes.append(
                    Probe(
                        "forwarded-header",
                        f"{name} naming a crawler address",
                        url,
                        article.url,
                        headers=dict(headers),
                    )
                )
            for referer in REFERERS:
                probes.append(
                    Probe(
                        "referer",
                        f"Referer {referer}",
                        url,
                        article.url,
                        headers={"Referer": referer},
                    )
                )
        return probes

    def channel_probes(self, site: Site, pages: dict[str, Exchange]) -> list[Probe]:
        """Feeds, sitemaps, robots, known CMS endpoints and Masthead's API."""
        base = self.target
        probes: list[Probe] = []
        # Already fetched during discovery: judge those answers without asking again.
        for url, answer in site.sitemaps.items():
            self.report.tried("sitemap")
            self.judge(Probe("sitemap", "a sitemap", url), answer)
        for url, answer in site.feeds.items():
            self.report.tried("feed")
            self.judge(Probe("feed", "a feed", url), answer)
        if site.robots is not None:
            self.report.tried("robots")
            self.judge(Probe("robots", "robots.txt", site.robots.url), site.robots)
        feeds: list[str] = []
        for article in self.report.articles:
            page = pages.get(article.url)
            url = self.on_target(article.url)
            path = urlsplit(url).path
            date = re.match(r"^/(\d{4})/(\d{2})/", path)
            if date:
                feeds += [
                    f"{base}/{date.group(1)}/{date.group(2)}/feed/",
                    f"{base}/{date.group(1)}/feed/",
                ]
            feeds.append(url.rstrip("/") + "/feed/")
            if page is not None and page.ok:
                parsed = markup.read_page(page.text, page.url)
                feeds += [u for kind, u in parsed.alternates if "xml" in kind or "json" in kind]
                for link in parsed.links:
                    lpath = urlsplit(link).path
                    if self.stranger.allowed(link) and re.match(
                        r"^/(category|tag|author|section|topics?)/", lpath
                    ):
                        feeds += [
                            link.rstrip("/") + "/feed/",
                            link.rstrip("/") + "/rss/",
                            link.rstrip("/") + "/atom/",
                        ]
            # oEmbed and embeds of the article.
            probes.append(
                Probe(
                    "cms-endpoint",
                    "oEmbed",
                    f"{base}/oembed/?url={quote(url, safe='')}",
                    article.url,
                )
            )
            probes.append(
                Probe(
                    "cms-endpoint",
                    "WordPress oEmbed",
                    f"{base}/wp-json/oembed/1.0/embed?url={quote(url, safe='')}",
                    article.url,
                )
            )
            probes.append(
                Probe("cms-endpoint", "the /embed/ view", url.rstrip("/") + "/embed/", article.url)
            )
            if article.wordpress_id:
                for template in CMS_SINGLES:
                    probes.append(
                        Probe(
                            "cms-endpoint",
                            template.split("?")[0] if "wp-json" in template else template,
                            base + template.format(id=article.wordpress_id),
                            article.url,
                        )
                    )
        known = set(site.feeds)
        for url in _unique(feeds):
            if url not in known and self.stranger.allowed(url):
                probes.append(Probe("feed", "a category, tag, author, date or article feed", url))
        for path in CMS_LISTS:
            probes.append(
                Probe(
                    "cms-endpoint",
                    path.split("?")[0] + (" ?" + path.split("?")[1] if "?" in path else ""),
                    base + path,
                )
            )
        probes.append(
            Probe(
                "cms-endpoint",
                "xmlrpc.php wp.getPosts",
                base + "/xmlrpc.php",
                method="POST",
                headers={"Content-Type": "text/xml"},
                body=_XMLRPC,
            )
        )
        probes.append(
            Probe(
                "cms-endpoint",
                "admin-ajax.php",
                base + "/wp-admin/admin-ajax.php",
                method="POST",
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                body="action=query-attachments&query%5Bposts_per_page%5D=100",
            )
        )
        for extra in self.config.extra_paths:
            probes.append(
                Probe("extra", "a path given with --path", urljoin(base + "/", extra.lstrip("/")))
            )
        return probes

    def api_probes(self) -> list[Probe]:
        """Every operation of the OpenAPI schema, as a stranger (Masthead's /api/)."""
        answer = self._get(self.stranger, self.target + SCHEMA_PATH)
        self.report.tried("api")
        self.judge(Probe("api", "the OpenAPI schema", answer.url), answer)
        schema = _json(answer)
        paths = schema.get("paths") if isinstance(schema.get("paths"), dict) else {}
        probes: list[Probe] = []
        assert isinstance(paths, dict)
        for path, operations in paths.items():
            if "{" in path or not isinstance(operations, dict):
                continue
            url = self.target + path
            for method in operations:
                if method.lower() == "get":
                    probes.append(Probe("api", f"GET {path}", url))
                elif method.lower() == "post":
                    wants_article = "article" in json.dumps(operations[method])
                    for article in self.report.articles if wants_article else []:
                        if article.article_id:
                            probes.append(
                                self._check_probe("api", f"POST {path} as a stranger", url, article)
                            )
                    if not wants_article:
                        probes.append(
                            Probe(
                                "api",
                                f"POST {path}",
                                url,
                                method="POST",
                                headers={"Content-Type": "application/json", "Origin": self.target},
                                body="{}",
                            )
                        )
        return probes

    def _check_probe(
        self,
        door: str,
        detail: str,
        url: str,
        article: Article,
        headers: dict[str, str] | None = None,
    ) -> Probe:
        sent = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Origin": self.target,
            "Sec-Fetch-Site": "same-origin",
        }
        sent.update(headers or {})
        body = json.dumps({"article": int(article.article_id or 0), "gift": None})
        return Probe(door, detail, url, article.url, "POST", sent, body)

    def check_probes(self, subscriber: Session | None) -> list[Probe]:
        """The access check replayed, cross-origin, with forged cookies, with crawler claims."""
        probes: list[Probe] = []
        url = self.target + CHECK_PATH
        kept = ""
        if subscriber is not None:
            # The subscriber's cookies that are not the login itself (a visitor id, a pass).
            kept = "; ".join(
                f"{c.name}={c.value}"
                for c in subscriber.client.cookies.jar
                if not any(k in c.name.lower() for k in ("session", "csrf", "logged_in"))
            )
        forged = "; ".join(f"{k}={v}" for k, v in FORGED_COOKIES.items())
        for article in self.report.articles:
            if not article.article_id:
                continue
            probes.append(
                self._check_probe(
                    "check-replay",
                    "the subscriber's check request, without their login",
                    url,
                    article,
                )
            )
            if kept:
                probes.append(
                    self._check_probe(
                        "check-replay",
                        "the subscriber's non-login cookies replayed",
                        url,
                        article,
                        {"Cookie": kept},
                    )
                )
            probes.append(
                self._check_probe(
                    "check-cross-origin",
                    "Origin of another site",
                    url,
                    article,
                    {"Origin": FOREIGN_ORIGIN, "Sec-Fetch-Site": "cross-site"},
                )
            )
            probes.append(
                self._check_probe(
                    "check-cross-origin",
                    "no Origin header",
                    url,
                    article,
                    {"Origin": "", "Sec-Fetch-Site": ""},
                )
            )
            probes.append(
                self._check_probe(
                    "check-forged-cookie",
                    "forged reader-pass cookies",
                    url,
                    article,
                    {"Cookie": forged},
                )
            )
            probes.append(
                self._check_probe(
                    "forwarded-header",
                    "the check with X-Forwarded-For of a crawler",
                    url,
                    article,
                    dict(FORWARDING["X-Forwarded-For"]),
                )
            )
            probes.append(
                Probe(
                    "check-replay",
                    "the check as a GET with the article in the query (a cacheable answer)",
                    f"{url}?article={article.article_id}",
                    article.url,
                    headers={"Origin": self.target},
                )
            )
            probes.append(
                Probe(
                    "check-forged-cookie",
                    "the page with forged reader-pass cookies",
                    self.on_target(article.url),
                    article.url,
                    headers={"Cookie": forged},
                )
            )
        for probe in probes:
            # An empty header value means "leave it out" (httpx would send it empty).
            probe.headers = {k: v for k, v in probe.headers.items() if v}
        return probes

    def cross_origin_with_login(self, subscriber: Session) -> None:
        """The check from another site with the subscriber's cookies: readable only through CORS."""
        for article in self.report.articles[:3]:
            if not article.article_id:
                continue
            answer = self.check(
                subscriber,
                self.target,
                article.article_id,
                {"Origin": FOREIGN_ORIGIN, "Sec-Fetch-Site": "cross-site"},
            )
            self.report.tried("check-cross-origin")
            allowed = answer.response_headers.get("access-control-allow-origin", "")
            if allowed in (FOREIGN_ORIGIN, "*"):
                self.judge(
                    Probe(
                        "check-cross-origin",
                        f"another site reads the subscriber's answer (CORS {allowed})",
                        answer.url,
                        article.url,
                    ),
                    answer,
                )

    def cookie_wiping(self) -> None:
        """Spend the meter as one stranger, then wipe the cookies and ask again."""
        jar = self.stranger.fresh()
        try:
            granted = 0
            for _ in range(30):
                if not self.metered_ids:
                    break
                answer = self.check(
                    jar, self.target, self.metered_ids[granted % len(self.metered_ids)]
                )
                if not _json(answer).get("granted"):
                    break
                granted += 1
            jar.client.cookies.clear()
            if self.metered_ids:
                again = _json(self.check(jar, self.target, self.metered_ids[0]))
                if granted and again.get("granted"):
                    self.report.notes.append(
                        f"the meter restarts with a fresh cookie jar after {granted} reads "
                        "(metered articles only; bounded by any per-network allowance)"
                    )
            probes = []
            for article in self.report.articles:
                if article.article_id:
                    probes.append(
                        self._check_probe(
                            "cookie-wiping",
                            "the check after the meter ran out, cookies wiped",
                            self.target + CHECK_PATH,
                            article,
                        )
                    )
            self.planned += len(probes)
            for probe in probes:
                jar.client.cookies.clear()
                exchange = jar.request(
                    probe.method, probe.url, headers=probe.headers, body=probe.body
                )
                self.report.tried(probe.door)
                self._tick(f"{probe.door}: {probe.detail}")
                self.judge(probe, exchange)
        finally:
            jar.close()

    def search_oracle(self, site: Site) -> None:
        """Search for words only a walled article's gated part has: finding it is a leak."""
        templates = _unique([*site.search_forms, *SEARCH_TEMPLATES])
        for template in templates:
            baseline = self._get(self.stranger, self.target + template.format(q=NONCE_WORD))
            self.report.tried("search-oracle")
            if not baseline.ok:
                continue
            self.judge(Probe("search-oracle", "a search result page", baseline.url), baseline)
            before = _unslash(baseline.text)
            for article in self.report.articles:
                marks = _marks(self.on_target(article.url), article.wordpress_id)
                if any(mark in before for mark in marks):
                    continue
                for word in article.search_words[:1]:
                    self.stranger.client.cookies.clear()
                    answer = self._get(self.stranger, self.target + template.format(q=quote(word)))
                    self.report.tried("search-oracle")
                    door = "feed" if "feed" in template else "search-oracle"
                    detail = f"a search for \u201c{word}\u201d, a word only the gated part has"
                    if self.judge(Probe(door, detail, answer.url, article.url), answer):
                        continue
                    body = _unslash(answer.text)
                    found = next((mark for mark in marks if mark in body), None)
                    if answer.ok and found:
                        self.report.add(
                            Leak.of(
                                "search-oracle",
                                detail,
                                article.url,
                                answer,
                                f"the results name the article ({found})",
                            )
                        )

    def media_probes(self) -> None:
        """Fetch each gated-only media file by its bare URL (and its namesakes) as a stranger."""
        for article in self.report.articles:
            for entry in article.gated_media:
                url, _, digest = entry.partition("#sha256=")
                name = urlsplit(url).path.rsplit("/", 1)[-1]
                candidates = [_bare(self.on_target(url))]
                candidates += [
                    m
                    for m in self.media_seen
                    if urlsplit(m).path.rsplit("/", 1)[-1] == name and self.stranger.allowed(m)
                ]
                for candidate in _unique(candidates)[:4]:
                    self.stranger.client.cookies.clear()
                    answer = self._get(self.stranger, candidate)
                    self.report.tried("media")
                    if (
                        answer.ok
                        and digest
                        and hashlib.sha256(answer.content).hexdigest() == digest
                    ):
                        self.report.add(
                            Leak.of(
                                "media",
                                "a gated-only media file fetched by URL",
                                article.url,
                                answer,
                                f"the file's bytes ({len(answer.content)} bytes, "
                                f"sha256 {digest[:16]}…)",
                            )
                        )

    def linked_pages(self, site: Site, pages: dict[str, Exchange], limit: int = 60) -> list[Probe]:
        """Every other page the site links to (fronts, sections, authors, archives)."""
        seen = {self.on_target(a.url) for a in self.report.articles}
        links: list[str] = []
        sources = [site.home, *pages.values()]
        for answer in sources:
            if answer is not None and answer.ok and "html" in answer.content_type:
                links += markup.read_page(answer.text, answer.url).links
        links += site.pages
        chosen = [u for u in _unique(links) if u not in seen and self._is_candidate(u)]
        return [Probe("linked-page", "a page the site links to", u) for u in chosen[:limit]]


def _search_forms(forms: list[markup.Form]) -> list[str]:
    templates = []
    for form in forms:
        if form.method != "get":
            continue
        for name, kind in form.types.items():
            if kind in ("search", "text") and name in ("q", "s", "search", "query", "keywords"):
                path = urlsplit(form.action).path or "/"
                templates.append(f"{path}?{name}={{q}}")
    return templates


def _variants(url: str, post_id: str | None) -> list[tuple[str, str]]:
    parts = urlsplit(url)
    path = parts.path or "/"
    slashed = path[:-1] if path.endswith("/") and len(path) > 1 else path + "/"
    join = "&" if parts.query else "?"
    found = [
        ("tracking and junk query", f"{url}{join}utm_source=audit&fbclid=x&junk=1"),
        (
            "trailing slash toggled",
            urlunsplit((parts.scheme, parts.netloc, slashed, parts.query, "")),
        ),
        (
            "upper-case path",
            urlunsplit((parts.scheme, parts.netloc, path.upper(), parts.query, "")),
        ),
        ("?preview=true", f"{url}{join}preview=true"),
        ("?amp", f"{url}{join}amp"),
        ("?amp=1", f"{url}{join}amp=1"),
        ("amp/ view", url.rstrip("/") + "/amp/"),
        ("?print=1", f"{url}{join}print=1"),
        ("print/ view", url.rstrip("/") + "/print/"),
        ("?format=json", f"{url}{join}format=json"),
        ("?output=1", f"{url}{join}output=1"),
        ("?share=1 (cache key junk)", f"{url}{join}share=1"),
    ]
    if post_id:
        found.append(("?p=ID", f"{parts.scheme}://{parts.netloc}/?p={post_id}"))
    return found


def _reader_mode(markup_text: str, url: str) -> str | None:
    try:
        import trafilatura  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError:  # optional: the audit runs without it
        return None
    result = trafilatura.extract(markup_text, url=url, include_comments=False)
    return result if isinstance(result, str) else None


def _json(exchange: Exchange) -> dict[str, Any]:
    try:
        value = json.loads(exchange.text) if exchange.content else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _title(markup_text: str) -> str:
    found = re.search(r"<title[^>]*>(.*?)</title>", markup_text, re.S | re.I)
    return text.plain(found.group(1))[:200] if found else ""


def _bare(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _unslash(body: str) -> str:
    return body.replace("\\/", "/")


def _marks(url: str, post_id: str | None) -> list[str]:
    path = urlsplit(url).path
    marks = [path] if len(path) > 1 else []
    if post_id:
        marks += [f'"id":{post_id},', f'"id": {post_id},', f"?p={post_id}"]
    return marks


_XMLRPC = (
    '<?xml version="1.0"?><methodCall><methodName>wp.getPosts</methodName><params>'
    "<param><value><int>1</int></value></param><param><value><string></string></value></param>"
    "<param><value><string></string></value></param></params></methodCall>"
)


def run_audit(config: AuditConfig, progress: ProgressHook | None = None) -> Report:
    """Run one audit and return its report (``report.exit_code`` is the command's status)."""
    auditor = Auditor(config, progress)
    report = auditor.report
    subscriber: Session | None = None
    try:
        if config.learn_file is not None:
            rows = json.loads(config.learn_file.read_text(encoding="utf-8"))
            auditor.load_learned(rows if isinstance(rows, list) else rows.get("learned", []))
            site = auditor.discover(auditor.target)
        else:
            learn_site = auditor.discover(auditor.learn)
            if learn_site.home is None or learn_site.home.status == 0:
                reason = learn_site.home.error if learn_site.home else ""
                report.not_audited = f"could not reach {auditor.learn}: {reason}"
                return report
            subscriber = auditor.log_in()
            if subscriber is None:
                return report
            auditor.learn_articles(learn_site, subscriber)
            site = (
                learn_site if auditor.learn == auditor.target else auditor.discover(auditor.target)
            )
        if config.save_learned is not None:
            config.save_learned.write_text(json.dumps(_learned(report), indent=2), encoding="utf-8")
        if report.walled == 0:
            report.not_audited = (
                report.not_audited or "found no walled article the subscriber can read"
            )
            return report
        pages = auditor.probe_pages()
        auditor.run_probes(auditor.variant_probes())
        auditor.run_probes(auditor.channel_probes(site, pages))
        auditor.run_probes(auditor.api_probes())
        auditor.run_probes(auditor.check_probes(subscriber))
        if subscriber is not None:
            auditor.cross_origin_with_login(subscriber)
        auditor.cookie_wiping()
        auditor.search_oracle(site)
        auditor.run_probes(auditor.linked_pages(site, pages))
        auditor.media_probes()
    except BudgetSpent:
        report.incomplete = True
        report.notes.append(
            f"stopped early: the budget of {config.max_requests} requests or "
            f"{config.max_seconds:.0f} s ran out before every door was tried"
        )
    finally:
        report.requests = auditor.budget.used
        if auditor.budget.throttled:
            report.incomplete = True
            report.notes.append(
                f"{auditor.budget.throttled} answers stayed 429 (rate limited): the doors behind "
                "them were not really tried; run again with --delay"
            )
        auditor.stranger.close()
        if subscriber is not None:
            subscriber.close()
    return report


def _learned(report: Report) -> list[dict[str, Any]]:
    return [
        {
            "url": a.url,
            "id": a.article_id,
            "title": a.title,
            "gated_html": a.gated_html,
            "gated_media": a.gated_media,
            "search_words": a.search_words,
        }
        for a in report.articles
    ]
