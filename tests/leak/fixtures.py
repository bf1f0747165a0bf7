"""Fixture content for the leak suite: articles whose every gated block carries a marker.

Each article has a short key (``metered``, ``media``, ...). Blocks before the paywall cut
carry ``LEADMARK-<key>-<n>``; every block after it carries ``GATEDMARK-<key>-<n>`` at the
start and ``GATEDMARK-<key>-<n>z`` at the end of its text, and the same tokens sit in gated
image captions, credits and alt text, pull-quote attributions and the title, caption,
credit and transcript of a gated video. A response leaks when it holds a ``GATEDMARK`` of
an article the reader is not entitled to (see ``oracle.py``).

Gated blocks also carry a plain search word, ``hush<key><n>``, so a search for gated text
can be tried without the query itself (echoed in the results page) looking like a leak.
The lead-in carries ``seek<key>`` for the positive search control.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from masthead.accounts.models import User
from masthead.billing.models import AccessGrant
from masthead.newsroom.models import Article, Author, Block, Page, Publication, Section, Video

PASSWORD = "leak-suite-password-42"
PUBLISHED = dt.datetime(2025, 2, 18, 15, 0, tzinfo=dt.UTC)
IMAGE_NAME = "images/leak-suite-fixture.png"

FREE_KEYS = ("free",)
# Not live: nobody may see any of its text, subscribers included.
NEVER_KEYS = ("scheduled", "draft")


def gated_marker(key: str, number: int) -> str:
    """Return the marker that opens gated block ``number`` of article ``key``."""
    return f"GATEDMARK-{key}-{number}"


def lead_marker(key: str, number: int) -> str:
    """Return the marker of lead-in block ``number`` of article ``key``."""
    return f"LEADMARK-{key}-{number}"


def hush_word(key: str, number: int) -> str:
    """Return the plain search word hidden in gated block ``number`` of ``key``."""
    return f"hush{key}{number}"


def seek_word(key: str) -> str:
    """Return the plain search word in the lead-in of article ``key``."""
    return f"seek{key}"


@dataclass
class FixtureArticle:
    """One fixture article and the markers its gated part holds."""

    key: str
    article: Article
    level: str  # the effective level (a blank row's section default)
    gated_markers: list[str] = field(default_factory=list)
    lead_markers: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        """Return the article's canonical URL."""
        return self.article.get_absolute_url()


@dataclass
class LeakWorld:
    """Everything the leak suite built: articles by key and the reader accounts."""

    articles: dict[str, FixtureArticle]
    users: dict[str, User]
    sections: dict[str, Section]
    authors: list[Author]
    pages: list[Page]
    # Genuine tokens that must open nothing for the article keyed (set once gifts exist).
    bad_gifts: dict[str, list[str]] = field(default_factory=dict)
    # A genuine, open gift token of the "subscriber" article.
    open_gift: str = ""

    def gated_markers(self, keys: Iterable[str] | None = None) -> list[str]:
        """Return the gated markers of the articles ``keys`` (every article when None)."""
        chosen = list(self.articles) if keys is None else keys
        return [marker for key in chosen for marker in self.articles[key].gated_markers]

    @property
    def live(self) -> dict[str, FixtureArticle]:
        """Return the articles that are published and live now."""
        return {k: a for k, a in self.articles.items() if k not in NEVER_KEYS}

    @property
    def walled(self) -> dict[str, FixtureArticle]:
        """Return the live articles that are not free."""
        return {k: a for k, a in self.live.items() if k not in FREE_KEYS}


def _paragraph(key: str, number: int, gated: bool) -> str:
    if not gated:
        return (
            f"{lead_marker(key, number)} The lead-in of the {key} story sets the scene "
            f"in plain words, {seek_word(key)}, before any wall comes down."
        )
    return (
        f"{gated_marker(key, number)} Behind the wall, the {key} story reveals what the "
        f"records showed, {hush_word(key, number)}, and who signed them "
        f"{gated_marker(key, number)}z."
    )


def _ensure_image() -> str:
    """Write the small fixture PNG under MEDIA_ROOT once; return its storage name."""
    from PIL import Image

    path = Path(settings.MEDIA_ROOT) / IMAGE_NAME
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (8, 6), (120, 40, 40)).save(path, "PNG")
    return IMAGE_NAME


def add_paragraphs(fixture: FixtureArticle, start: int, count: int, gated: bool) -> int:
    """Add ``count`` marked paragraphs from position ``start``; return the next position."""
    article = fixture.article
    for number in range(start, start + count):
        Block.objects.create(
            article=article,
            position=number,
            kind=Block.Kind.PARAGRAPH,
            text=_paragraph(fixture.key, number, gated),
        )
        markers = fixture.gated_markers if gated else fixture.lead_markers
        markers.append(
            gated_marker(fixture.key, number) if gated else lead_marker(fixture.key, number)
        )
    return start + count


def _add_rich_blocks(fixture: FixtureArticle, position: int) -> int:
    """Add a gated subheading, image, video and pull quote, each carrying markers."""
    key, article = fixture.key, fixture.article

    def mark(label: str) -> str:
        token = f"GATEDMARK-{key}-{label}"
        fixture.gated_markers.append(token)
        return token

    Block.objects.create(
        article=article,
        position=position,
        kind=Block.Kind.SUBHEADING,
        text=f"{mark('subhead')} What the ledger said",
    )
    Block.objects.create(
        article=article,
        position=position + 1,
        kind=Block.Kind.IMAGE,
        image=_ensure_image(),
        alt=f"{mark('alt')} a ledger page",
        caption=f"{mark('caption')} The ledger, page 12.",
        credit=f"{mark('credit')} Photo by the archive",
    )
    video = Video.objects.create(
        title=f"{mark('video-title')} Inside the archive",
        url="https://video.example.com/a.mp4",
        caption=f"{mark('video-caption')} The archive at night.",
        credit=f"{mark('video-credit')} Video by the desk",
        transcript=f"{mark('transcript')} Narrator: the boxes were sealed in 1998.",
    )
    Block.objects.create(article=article, position=position + 2, kind=Block.Kind.VIDEO, video=video)
    Block.objects.create(
        article=article,
        position=position + 3,
        kind=Block.Kind.PULL_QUOTE,
        text=f"{mark('quote')} Nobody asked for the ledger until now.",
        attribution=f"{mark('attribution')} a clerk",
    )
    return position + 4


def new_article(
    key: str,
    section: Section,
    author: Author,
    level: str,
    *,
    status: str = "published",
    published_at: dt.datetime | None = PUBLISHED,
    lead_in: int | None = 2,
) -> FixtureArticle:
    """Create an article ``leak-<key>`` (no blocks yet) by the fixture author."""
    article = Article.objects.create(
        headline=f"The {key} story",
        summary=f"A summary of the {key} story, public by design.",
        slug=f"leak-{key}",
        section=section,
        status=status,
        published_at=published_at,
        access_level=level,
        lead_in_paragraphs=lead_in,
        lead_image_caption=f"Lead picture of the {key} story",
    )
    article.authors.add(author)
    return FixtureArticle(key=key, article=article, level=level)


def _standard_body(fixture: FixtureArticle, lead: int = 2, gated: int = 4) -> None:
    after_lead = add_paragraphs(fixture, 1, lead, gated=False)
    add_paragraphs(fixture, after_lead, gated, gated=True)


def _build_articles(sections: dict[str, Section], author: Author) -> dict[str, FixtureArticle]:
    news, vault = sections["news"], sections["vault"]
    articles: dict[str, FixtureArticle] = {}
    for key, level in (
        ("free", "free"),
        ("metered", "metered"),
        ("metered2", "metered"),
        ("registered", "registered"),
        ("subscriber", "subscriber"),
    ):
        articles[key] = new_article(key, news, author, level)
        _standard_body(articles[key])
    # Blank level: inherits the vault section's default, subscriber.
    articles["inherited"] = new_article("inherited", vault, author, "")
    articles["inherited"].level = "subscriber"  # what it inherits; the row stays blank
    _standard_body(articles["inherited"])
    # A hand-placed break after one paragraph, although the article asks for five.
    brk = articles["break"] = new_article("break", news, author, "subscriber", lead_in=5)
    position = add_paragraphs(brk, 1, 1, gated=False)
    Block.objects.create(article=brk.article, position=position, kind=Block.Kind.PAYWALL_BREAK)
    add_paragraphs(brk, position + 1, 4, gated=True)
    media = articles["media"] = new_article("media", news, author, "subscriber")
    position = add_paragraphs(media, 1, 2, gated=False)
    position = add_paragraphs(media, position, 1, gated=True)
    position = _add_rich_blocks(media, position)
    add_paragraphs(media, position, 2, gated=True)
    # No summary and no lead-in: whatever a channel falls back to must not be the body.
    bare = articles["bare"] = new_article("bare", news, author, "subscriber", lead_in=0)
    bare.article.summary = ""
    bare.article.lead_image_caption = ""
    bare.article.save()
    add_paragraphs(bare, 1, 3, gated=True)
    _add_short_story(articles, news, author)
    future = timezone.now() + dt.timedelta(days=30)
    articles["scheduled"] = new_article(
        "scheduled", news, author, "free", status="scheduled", published_at=future
    )
    add_paragraphs(articles["scheduled"], 1, 4, gated=True)
    articles["draft"] = new_article(
        "draft", news, author, "free", status="draft", published_at=None
    )
    add_paragraphs(articles["draft"], 1, 4, gated=True)
    return articles


def _add_short_story(articles: dict[str, FixtureArticle], section: Section, author: Author) -> None:
    """Add ``short``: one paragraph of two sentences, too short for a whole-paragraph cut.

    Its first sentence is the preview (``LEADMARK``); its second is gated and carries
    the ``GATEDMARK`` tokens, so a sentence on the wrong side of the cut shows as a leak.
    """
    short = articles["short"] = new_article("short", section, author, "subscriber")
    Block.objects.create(
        article=short.article,
        position=1,
        kind=Block.Kind.PARAGRAPH,
        text=(
            f"{lead_marker('short', 1)} The short story opens in plain words, "
            f"{seek_word('short')}, before any wall comes down. "
            f"{gated_marker('short', 2)} Behind the wall it says who signed the records, "
            f"{hush_word('short', 2)}, and when {gated_marker('short', 2)}z."
        ),
    )
    short.lead_markers.append(lead_marker("short", 1))
    short.gated_markers.append(gated_marker("short", 2))


def _build_users(
    sections: dict[str, Section], now: dt.datetime, with_passwords: bool
) -> dict[str, User]:
    users: dict[str, User] = {}
    # Hashing a password costs tens of milliseconds; only browser tests log in by one.
    password = PASSWORD if with_passwords else None
    # "gifter" sends the fixture gift links, so the subscriber's own allowance stays whole.
    for name in ("registered", "subscriber", "lapsed", "wrong_section", "gifter"):
        users[name] = User.objects.create_user(f"leak-{name}@example.com", password)
    AccessGrant.objects.create(
        user=users["gifter"], starts_at=now - dt.timedelta(days=30), note="leak suite: gifts"
    )
    AccessGrant.objects.create(
        user=users["subscriber"], starts_at=now - dt.timedelta(days=30), note="leak suite: entitled"
    )
    AccessGrant.objects.create(
        user=users["lapsed"],
        starts_at=now - dt.timedelta(days=30),
        ends_at=now - dt.timedelta(seconds=1),
        note="leak suite: lapsed",
    )
    narrow = AccessGrant.objects.create(
        user=users["wrong_section"],
        starts_at=now - dt.timedelta(days=30),
        note="leak suite: sports only",
    )
    narrow.sections.add(sections["sports"])
    return users


def build_world(now: dt.datetime | None = None, *, with_passwords: bool = False) -> LeakWorld:
    """Create the fixture articles, sections and readers; return them by key.

    ``now`` dates the grants (the lapsed subscriber's ended one second before it).
    ``with_passwords`` gives every account the password ``PASSWORD`` (else none, which
    is faster; tests log in with ``force_login``).
    """
    moment = now or timezone.now()
    Publication.current()
    sections = {
        "news": Section.objects.create(
            name="Leak News", slug="leak-news", default_access_level="metered"
        ),
        "vault": Section.objects.create(
            name="Leak Vault", slug="leak-vault", default_access_level="subscriber"
        ),
        "sports": Section.objects.create(
            name="Leak Sports", slug="leak-sports", default_access_level="metered"
        ),
    }
    author = Author.objects.create(name="Lee Kerr", slug="leak-lee-kerr", role="Staff reporter")
    articles = _build_articles(sections, author)
    page = Page.objects.create(
        slug="leak-about",
        title="About the leak suite",
        body="LEADMARK-page-1 A standing page, public by design.",
    )
    world = LeakWorld(
        articles, _build_users(sections, moment, with_passwords), sections, [author], [page]
    )
    # These modules build on this one.
    from .accounts import add_plan_readers
    from .gifts import add_gifts

    add_plan_readers(world, moment, PASSWORD if with_passwords else None)
    add_gifts(world, moment)
    return world


def standard_article(world: LeakWorld, key: str, level: str) -> FixtureArticle:
    """Add an article ``key`` at ``level`` with two lead-in and four gated paragraphs."""
    fixture = new_article(key, world.sections["news"], world.authors[0], level)
    _standard_body(fixture)
    return fixture
