"""What the gateway needs from an origin CMS, and WordPress's answers.

An adapter knows three things about its CMS: which response is an article page (and the
post's id), how to list every post with its terms as a privileged client, and where the
body is. ``WordPressAdapter`` is the one shipped. Ghost is the next: its Content API
(``/ghost/api/content/posts/?include=tags&limit=all&filter=updated_at:>…``) gives ids,
tags, ``updated_at`` and ``html``, its pages carry the post id in
``<body class="post-template">`` plus the ``/p/<uuid>/`` shortlink, and its body is
``section.gh-content``; an adapter with those answers fits the same interface.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

import httpx

from masthead.gateway.splitting import BodyRule


@dataclass(frozen=True)
class OriginPost:
    """One post as the origin's API tells it (never shown to readers as such)."""

    origin_id: int
    link: str
    slug: str
    title: str
    status: str
    published_at: dt.datetime | None
    modified_at: dt.datetime | None
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    content_html: str
    excerpt_html: str = ""

    @property
    def path(self) -> str:
        """The post page's path at the origin (and at the gateway)."""
        return urlsplit(self.link).path or "/"


class OriginAdapter(Protocol):
    """One origin CMS, as the gateway sees it."""

    body_rule: BodyRule

    def post_id(self, headers: Mapping[str, str]) -> int | None:
        """Return the post id an article page's response names, or None."""
        ...

    def page_post_id(self, page: str) -> int | None:
        """Return the post id the page itself names (when the headers did not), or None."""
        ...

    def posts(self, client: httpx.Client) -> Iterator[OriginPost]:
        """Yield every post (all pages of the listing), with its terms."""
        ...

    def post(self, client: httpx.Client, origin_id: int) -> OriginPost | None:
        """Return one post, or None when the origin has none by that id."""
        ...


_POST_LINK = re.compile(r"<[^>]*/wp/v2/posts/(\d+)>")
_POST_ROUTE = re.compile(r"rest_route=/wp/v2/posts/(\d+)")
# Every theme that calls body_class() marks a single post's page so.
_BODY_POST = re.compile(
    r"<body[^>]*\bclass=[\"'][^\"']*\bsingle-post\b[^\"']*\bpostid-(\d+)|"
    r"<body[^>]*\bclass=[\"'][^\"']*\bpostid-(\d+)[^\"']*\bsingle-post\b"
)


def _when(value: object) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    parsed = dt.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


@dataclass
class WordPressAdapter:
    """WordPress through its REST API, read with an application password (or basic auth).

    ``context=edit`` needs the credentials; it gives the drafts' and private posts' states
    too, so a post that stops being public is known as such.
    """

    body_rule: BodyRule = field(default_factory=BodyRule)
    per_page: int = 100

    def post_id(self, headers: Mapping[str, str]) -> int | None:
        """Read the id from ``Link: <…/wp-json/wp/v2/posts/ID>; rel="alternate"``."""
        link = headers.get("link", "")
        found = _POST_LINK.search(link) or _POST_ROUTE.search(link)
        return int(found.group(1)) if found else None

    def page_post_id(self, page: str) -> int | None:
        """Read ``postid-ID`` from a single post's ``<body class>`` (a page without ``Link``)."""
        found = _BODY_POST.search(page[:200_000])
        if not found:
            return None
        return int(found.group(1) or found.group(2))

    def _terms(self, client: httpx.Client, kind: str) -> dict[int, str]:
        terms: dict[int, str] = {}
        for item in self._pages(client, f"/wp-json/wp/v2/{kind}", {"_fields": "id,slug"}):
            terms[int(str(item["id"]))] = str(item["slug"])
        return terms

    def _pages(
        self, client: httpx.Client, path: str, params: dict[str, str]
    ) -> Iterator[dict[str, object]]:
        page = 1
        while True:
            response = client.get(
                path, params={**params, "per_page": str(self.per_page), "page": str(page)}
            )
            if response.status_code == 400 and page > 1:
                return  # WordPress answers 400 past the last page
            response.raise_for_status()
            items = response.json()
            if not isinstance(items, list):
                raise ValueError(f"{path}: expected a list")
            yield from items
            total = int(response.headers.get("x-wp-totalpages", "1") or "1")
            if page >= total or not items:
                return
            page += 1

    def _post(
        self, item: Mapping[str, object], categories: dict[int, str], tags: dict[int, str]
    ) -> OriginPost:
        def rendered(key: str) -> str:
            value = item.get(key)
            return str(value.get("rendered", "")) if isinstance(value, dict) else ""

        def ids(key: str) -> list[int]:
            value = item.get(key)
            return [int(str(x)) for x in value] if isinstance(value, list) else []

        return OriginPost(
            origin_id=int(str(item["id"])),
            link=str(item.get("link", "")),
            slug=str(item.get("slug", "")),
            title=rendered("title"),
            status=str(item.get("status", "publish")),
            published_at=_when(item.get("date_gmt")),
            modified_at=_when(item.get("modified_gmt")),
            categories=tuple(categories.get(i, str(i)) for i in ids("categories")),
            tags=tuple(tags.get(i, str(i)) for i in ids("tags")),
            content_html=rendered("content"),
            excerpt_html=rendered("excerpt"),
        )

    _FIELDS = "id,link,slug,title,status,date_gmt,modified_gmt,categories,tags,content,excerpt"

    def posts(self, client: httpx.Client) -> Iterator[OriginPost]:
        """Every post in every status the credentials may see, page by page."""
        categories = self._terms(client, "categories")
        tags = self._terms(client, "tags")
        params = {"context": "edit", "status": "any", "_fields": self._FIELDS}
        for item in self._pages(client, "/wp-json/wp/v2/posts", params):
            yield self._post(item, categories, tags)

    def post(self, client: httpx.Client, origin_id: int) -> OriginPost | None:
        """One post by id, with its terms' slugs (two more small requests)."""
        response = client.get(
            f"/wp-json/wp/v2/posts/{origin_id}",
            params={"context": "edit", "_fields": self._FIELDS},
        )
        if response.status_code == 404:
            return None
        response.raise_for_status()
        item = response.json()
        categories = self._some_terms(client, "categories", item.get("categories"))
        tags = self._some_terms(client, "tags", item.get("tags"))
        return self._post(item, categories, tags)

    def _some_terms(self, client: httpx.Client, kind: str, wanted: object) -> dict[int, str]:
        if not isinstance(wanted, list) or not wanted:
            return {}
        response = client.get(
            f"/wp-json/wp/v2/{kind}",
            params={
                "include": ",".join(str(x) for x in wanted),
                "_fields": "id,slug",
                "per_page": "100",
            },
        )
        response.raise_for_status()
        return {int(item["id"]): str(item["slug"]) for item in response.json()}
