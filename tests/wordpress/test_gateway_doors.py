"""Every door of WordPress, tried through the gateway (granian behind the nginx cache).

The native leak suite walks Django's URL resolver; a gateway has no resolver to walk, so
the doors are WordPress's, listed in ``DOORS``, plus every link the gateway's own pages
carry (``test_every_linked_page_carries_no_gated_text``).

How a door is judged (``leaked``):

- **text**: an answer leaks when it carries the opening words of any gated paragraph, or a
  walled post's invented word (seeded only in the gated part), once the request's own query
  is taken out of it (search pages repeat the query);
- **oracle**: a search for a walled post's invented word must not tell anything a search
  for a word nobody wrote does not: which walled posts it names (slug, id, or URL), and
  how many results it counts. Both are compared on the same door through the gateway.

Positive control: each door marked ``leaks_straight`` is asked of WordPress itself first and
must leak there (the door is real and the detector works); through the gateway it must
not. Doors WordPress itself keeps shut (``context=edit`` without a login, XML-RPC without a
password) are still tried: a gateway must not open them.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import quote, urljoin, urlsplit

import httpx
import pytest

from tests.wordpress.live_gateway import LiveGateway
from tests.wordpress.site import WordPressSite

pytestmark = pytest.mark.wordpress

NOBODY_WROTE = "quorblefinch"  # in no post: the search oracle's baseline


def plain(text: str) -> str:
    """Entities (twice, for feeds' escaped HTML) and JSON escapes decoded, quotes straight."""
    text = text.replace("\\/", "/").replace("\\u2019", "'").replace('\\"', '"')
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    text = html.unescape(html.unescape(text))
    for curly, straight in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"')):
        text = text.replace(curly, straight)
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class Door:
    """One way into WordPress: a request template and how its answer is judged."""

    name: str
    target: str  # path and query; {id} {path} {slug} {word} {url} {att} {author} filled in
    kind: str = "text"  # or "oracle"
    # Once for each walled post (the doors where posts differ: lead-in length, a more
    # break, an excerpt that runs into the gated part, the word); else for the first.
    per_post: bool = False
    leaks_straight: bool = False  # positive control: WordPress alone leaks through it
    method: str = "GET"
    body: str = ""


XMLRPC_GET_POST = (
    "<?xml version='1.0'?><methodCall><methodName>wp.getPost</methodName><params>"
    "<param><value><int>1</int></value></param><param><value><string></string></value></param>"
    "<param><value><string></string></value></param><param><value><int>{id}</int></value>"
    "</param></params></methodCall>"
)
XMLRPC_MULTICALL = (
    "<?xml version='1.0'?><methodCall><methodName>system.multicall</methodName><params><param>"
    "<value><array><data><value><struct><member><name>methodName</name><value><string>"
    "wp.getPost</string></value></member><member><name>params</name><value><array><data>"
    "<value><int>1</int></value><value><string>admin</string></value><value><string>x"
    "</string></value><value><int>{id}</int></value></data></array></value></member>"
    "</struct></value></data></array></value></param></params></methodCall>"
)
XMLRPC_RECENT = (
    "<?xml version='1.0'?><methodCall><methodName>metaWeblog.getRecentPosts</methodName>"
    "<params><param><value><int>1</int></value></param><param><value><string></string>"
    "</value></param><param><value><string></string></value></param><param><value><int>50"
    "</int></value></param></params></methodCall>"
)

DOORS: tuple[Door, ...] = (
    # The post page and its URL variants.
    Door("post page", "{path}", per_post=True, leaks_straight=True),
    Door("post page, no trailing slash", "{path_bare}", per_post=True, leaks_straight=True),
    Door("?p=ID", "/?p={id}", per_post=True, leaks_straight=True),
    Door("?page_id=ID", "/?page_id={id}"),
    Door("query junk", "{path}?utm_source=x&amp;junk=%00&s=", per_post=True, leaks_straight=True),
    Door("?preview=true", "/?p={id}&preview=true", leaks_straight=True),
    Door("?rest_route= single", "/?rest_route=/wp/v2/posts/{id}",
         leaks_straight=True),
    Door("?rest_route= list", "/?rest_route=/wp/v2/posts", leaks_straight=True),
    # The REST API.
    Door("REST list", "/wp-json/wp/v2/posts", leaks_straight=True),
    Door("REST per_page=100", "/wp-json/wp/v2/posts?per_page=100", leaks_straight=True),
    Door("REST single", "/wp-json/wp/v2/posts/{id}", per_post=True, leaks_straight=True),
    Door("REST _embed", "/wp-json/wp/v2/posts?_embed", leaks_straight=True),
    Door("REST single _embed", "/wp-json/wp/v2/posts/{id}?_embed=1",
         leaks_straight=True),
    Door("REST slug _fields=content", "/wp-json/wp/v2/posts?slug={slug}&_fields=content",
         per_post=True, leaks_straight=True),
    Door("REST context=edit", "/wp-json/wp/v2/posts/{id}?context=edit"),
    Door("REST context=embed", "/wp-json/wp/v2/posts?context=embed&per_page=100"),
    Door("REST pages", "/wp-json/wp/v2/pages?per_page=100"),
    Door("REST revisions", "/wp-json/wp/v2/posts/{id}/revisions"),
    Door("REST media", "/wp-json/wp/v2/media?per_page=100"),
    Door("REST index", "/wp-json/"),
    # Searches: the oracle.
    Door("REST /wp/v2/search", "/wp-json/wp/v2/search?search={word}", kind="oracle",
         per_post=True, leaks_straight=True),
    Door("REST posts?search=", "/wp-json/wp/v2/posts?search={word}", kind="oracle",
         per_post=True, leaks_straight=True),
    Door("REST posts?search= _fields=id", "/wp-json/wp/v2/posts?search={word}&_fields=id",
         kind="oracle", per_post=True, leaks_straight=True),
    Door("?rest_route= search", "/?rest_route=/wp/v2/search&search={word}", kind="oracle",
         leaks_straight=True),
    Door("?s=", "/?s={word}", kind="oracle", per_post=True, leaks_straight=True),
    Door("?s= search feed", "/?s={word}&feed=rss2", kind="oracle", per_post=True,
         leaks_straight=True),
    Door("/search/word/feed/", "/search/{word}/feed/rss2/", kind="oracle", per_post=True,
         leaks_straight=True),
    Door("/search/word/", "/search/{word}/", kind="oracle", per_post=True,
         leaks_straight=True),
    Door("REST search, double slash", "/wp-json//wp/v2/posts?search={word}", kind="oracle",
         ),
    Door("?rest_route= search, double slash", "/?rest_route=//wp/v2/search&search={word}",
         kind="oracle"),
    Door("REST search, trailing slash", "/wp-json/wp/v2/search/?search={word}&_fields=id",
         kind="oracle", leaks_straight=True),
    Door("REST search, encoded route", "/wp-json/wp/v2/%70osts?search={word}", kind="oracle",
         ),
    Door("REST search, HEAD", "/wp-json/wp/v2/posts?search={word}", kind="oracle",
         leaks_straight=True, method="HEAD"),
    Door("REST search, _method=GET", "/wp-json/wp/v2/posts?search={word}&_method=GET",
         kind="oracle", method="POST"),
    Door("REST search, _envelope", "/wp-json/wp/v2/posts?search={word}&_envelope=1",
         kind="oracle", leaks_straight=True),
    Door("?s= atom feed", "/?s={word}&feed=atom", kind="oracle",
         leaks_straight=True),
    Door("?s= uppercase", "/?s={upper_word}", kind="oracle", leaks_straight=True),
    Door("?s= embed", "/?s={word}&embed=1", kind="oracle"),
    Door("?name=slug", "/?name={slug}", leaks_straight=True),
    Door("index.php?p=ID", "/index.php?p={id}", leaks_straight=True),
    Door("/index.php/path", "/index.php{path}", leaks_straight=True),
    Door("?p=ID&feed=rss2&withcomments=1", "/?p={id}&feed=rss2&withcomments=1"),
    Door("REST single _method=GET", "/wp-json/wp/v2/posts/{id}?_method=GET",
         method="POST"),
    Door("REST batch", "/wp-json/batch/v1", method="POST",
         body='{{"requests":[{{"method":"GET","path":"/wp/v2/posts/{id}"}}]}}'),
    Door("search feed text", "/?s={first_word}&feed=rss2", leaks_straight=True),
    # Feeds.
    Door("/feed/", "/feed/", leaks_straight=True),
    Door("?feed=rss2", "/?feed=rss2", leaks_straight=True),
    Door("/feed/atom/", "/feed/atom/", leaks_straight=True),
    Door("/feed/rdf/", "/feed/rdf/", leaks_straight=True),
    Door("/feed/rss/", "/feed/rss/"),
    Door("category feed", "/category/{category}/feed/", per_post=True, leaks_straight=True),
    Door("tag feed", "/tag/subscriber/feed/", leaks_straight=True),
    Door("author feed", "/author/{author}/feed/", leaks_straight=True),
    Door("year feed", "/2026/feed/", leaks_straight=True),
    Door("month feed", "/2026/11/feed/", leaks_straight=True),
    Door("comments feed", "/comments/feed/"),
    Door("post comments feed", "{path}feed/"),
    # Listings (excerpts).
    Door("front page", "/"),
    Door("category archive", "/category/{category}/", per_post=True),
    Door("tag archive", "/tag/subscriber/"),
    Door("date archive", "/2026/11/"),
    # oEmbed and embeds.
    Door("oEmbed json", "/wp-json/oembed/1.0/embed?url={url}", per_post=True),
    Door("oEmbed xml", "/wp-json/oembed/1.0/embed?url={url}&format=xml"),
    Door("oEmbed, public URL", "/wp-json/oembed/1.0/embed?url={public_url}"),
    Door("/embed/", "{path}embed/", per_post=True),
    # Attachments and sitemaps.
    Door("attachment page", "/?attachment_id={att}", per_post=True),
    Door("sitemap index", "/wp-sitemap.xml"),
    Door("posts sitemap", "/wp-sitemap-posts-post-1.xml"),
    Door("taxonomy sitemap", "/wp-sitemap-taxonomies-post_tag-1.xml"),
    Door("users sitemap", "/wp-sitemap-users-1.xml"),
    # XML-RPC and admin-ajax.
    Door("xmlrpc wp.getPost", "/xmlrpc.php", method="POST", body=XMLRPC_GET_POST),
    Door("xmlrpc system.multicall", "/xmlrpc.php", method="POST",
         body=XMLRPC_MULTICALL),
    Door("xmlrpc getRecentPosts", "/xmlrpc.php", method="POST", body=XMLRPC_RECENT),
    Door("admin-ajax", "/wp-admin/admin-ajax.php?action=heartbeat"),
    Door("admin-ajax query-attachments", "/wp-admin/admin-ajax.php", method="POST",
         body="action=query-attachments&query[posts_per_page]=100"),
)  # fmt: skip


@cache
def author_slug(origin: str) -> str:
    """The seeded posts' author, as WordPress's public users endpoint names it."""
    users = httpx.get(origin + "/wp-json/wp/v2/users", timeout=30).json()
    return str(users[0]["slug"])


def fill(door: Door, site: WordPressSite, public: str, post: object | None) -> tuple[str, str]:
    """The door's path and body for ``post`` (any walled post when the door is not per post)."""
    post = post or site.walled[0]
    path = post.url.removeprefix(site.url)  # type: ignore[attr-defined]
    gated_images = [i for i in post.images.values() if i["gated"]]  # type: ignore[attr-defined]
    values = {
        "id": post.id,  # type: ignore[attr-defined]
        "path": path,
        "path_bare": path.rstrip("/"),
        "slug": post.slug,  # type: ignore[attr-defined]
        "word": post.oracle_word,  # type: ignore[attr-defined]
        "upper_word": post.oracle_word.upper(),  # type: ignore[attr-defined]
        "first_word": post.gated[0].split()[0],  # type: ignore[attr-defined]
        "category": post.category.lower(),  # type: ignore[attr-defined]
        "url": quote(post.url, safe=""),  # type: ignore[attr-defined]
        "public_url": quote(public + path, safe=""),
        "att": gated_images[0]["id"] if gated_images else post.id,  # type: ignore[attr-defined]
        "author": author_slug(site.url),
    }
    target = door.target.format(**values).replace("&amp;", "&")
    return target, door.body.format(**values)


def ask(base: str, door: Door, target: str, body: str, word: str | None = None) -> httpx.Response:
    """One request, following redirects on the same host (a reader's browser would)."""
    headers = {"content-type": "text/xml"} if target == "/xmlrpc.php" else {}
    if target.startswith("/wp-admin/admin-ajax.php") and door.method == "POST":
        headers = {"content-type": "application/x-www-form-urlencoded"}
    if target == "/wp-json/batch/v1":
        headers = {"content-type": "application/json"}
    if word is not None:
        for spelling in (word, word.upper()):
            target = target.replace(spelling, NOBODY_WROTE)
    return httpx.request(
        door.method, base + target, content=body.encode(), headers=headers, timeout=30,
        follow_redirects=True,
    )  # fmt: skip


def text_leaks(site: WordPressSite, answer: str, query: str) -> list[str]:
    """Gated paragraphs' openings and invented words found in ``answer`` (the query removed)."""
    text = plain(answer)
    for term in re.split(r"[=&/?+]", plain(query)):
        if len(term) > 3:
            text = text.replace(term, " ")
    found = []
    for post in site.walled:
        found += [p for p in post.gated if " ".join(p.split()[:8]) in plain(text)]
        if post.oracle_word.lower() in text.lower():
            found.append(post.oracle_word)
    return found


def named_posts(site: WordPressSite, answer: httpx.Response) -> set[str]:
    """Which walled posts a search answer names, and how many results it counts."""
    text = answer.text
    named = {
        post.slug
        for post in site.walled
        if post.slug in text or f'"id":{post.id}' in text or f"p={post.id}" in text
    }
    total = answer.headers.get("x-wp-total")
    if total:
        named.add(f"total={total}")
    items = text.count("<item>") + text.count('"id":') + text.count('class="wp-block-post ')
    named.add(f"items={items}")
    named.add(f"status={answer.status_code}")
    return named


def cases() -> list[tuple[Door, int]]:
    """Each door once, or once per walled post (by index into the seed's walled posts)."""
    return [(door, index) for door in DOORS for index in (range(3) if door.per_post else (-1,))]


@pytest.mark.parametrize(
    ("door", "index"), cases(), ids=[f"{d.name}-{i}" if i >= 0 else d.name for d, i in cases()]
)
def test_no_door_leaks_through_the_gateway(
    door: Door, index: int, wordpress: WordPressSite, live_gateway: LiveGateway
) -> None:
    post = wordpress.walled[index] if index >= 0 else None
    target, body = fill(door, wordpress, live_gateway.url, post)
    if door.kind == "oracle":
        word = (post or wordpress.walled[0]).oracle_word
        straight = named_posts(wordpress, ask(wordpress.url, door, target, body))
        straight_blank = named_posts(wordpress, ask(wordpress.url, door, target, body, word))
        if door.leaks_straight:
            assert straight != straight_blank, ("positive control", door.name, straight)
        answer = ask(live_gateway.url, door, target, body)
        assert answer.status_code < 500, (door.name, target, answer.status_code)
        through = named_posts(wordpress, answer)
        through_blank = named_posts(wordpress, ask(live_gateway.url, door, target, body, word))
        assert through == through_blank, (door.name, target, through, through_blank)
        return
    if door.leaks_straight:
        straight = ask(wordpress.url, door, target, body)
        assert text_leaks(wordpress, straight.text, target), ("positive control", door.name)
    through = ask(live_gateway.url, door, target, body)
    # An error page leaks nothing and proves nothing: the gateway must answer the door.
    assert through.status_code < 500, (door.name, target, through.status_code)
    leaked = text_leaks(wordpress, through.text, target)
    assert not leaked, (door.name, target, through.status_code, leaked[:3])
    assert wordpress.url not in through.text.replace("\\/", "/"), (door.name, "origin named")


def test_media_lists_no_gated_upload_that_answers(
    wordpress: WordPressSite, live_gateway: LiveGateway
) -> None:
    gated = {
        image["url"].removeprefix(wordpress.url)
        for post in wordpress.walled
        for image in post.images.values()
        if image["gated"]
    }
    straight = httpx.get(wordpress.url + "/wp-json/wp/v2/media?per_page=100", timeout=30).text
    assert all(path in straight.replace("\\/", "/") for path in gated), "positive control"
    listed = httpx.get(live_gateway.url + "/wp-json/wp/v2/media?per_page=100", timeout=30)
    text = listed.text.replace("\\/", "/")
    for path in gated:
        if path in text:
            served = httpx.get(live_gateway.url + path, timeout=30)
            assert served.status_code == 404, (path, served.status_code)
        # Every resized copy WordPress lists for it is refused as well.
        stem = path.rsplit(".", 1)[0]
        for copy in set(re.findall(re.escape(stem) + r"[-\w]*\.\w+", text)):
            assert httpx.get(live_gateway.url + copy, timeout=30).status_code == 404, copy


def same_host_links(base: str, page: str) -> set[str]:
    """Every link on ``page`` to ``base``'s host (fragments dropped)."""
    host = urlsplit(base).netloc
    found = set()
    for link in re.findall(r"""(?:href|src)=["']([^"'#]+)""", page):
        absolute = urljoin(base + "/", html.unescape(link))
        if urlsplit(absolute).netloc == host:
            found.add(absolute)
    return found


def test_every_linked_page_carries_no_gated_text(
    wordpress: WordPressSite, live_gateway: LiveGateway
) -> None:
    start = [live_gateway.url + "/"] + [
        live_gateway.url + post.url.removeprefix(wordpress.url) for post in wordpress.walled
    ]
    seen: set[str] = set()
    queue = list(start)
    leaks: list[tuple[str, list[str]]] = []
    while queue and len(seen) < 250:
        url = queue.pop(0)
        if url in seen or "/wp-admin" in url or "/accounts/logout" in url:
            continue
        seen.add(url)
        answer = httpx.get(url, timeout=30)
        assert answer.status_code < 500, (url, answer.status_code)
        found = text_leaks(wordpress, answer.text, urlsplit(url).query)
        if found:
            leaks.append((url, found[:2]))
        if "html" in answer.headers.get("content-type", ""):
            queue += sorted(same_host_links(live_gateway.url, answer.text) - seen)
    assert len(seen) > 30, sorted(seen)  # the crawl reached beyond the start pages
    assert not leaks, leaks
