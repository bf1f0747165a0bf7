"""The demo newsroom, as people first meet it: no gated *sentence* leaves for the public.

The marker oracle needs fixture text; this one works on any content. For every live
walled demo story it takes the sentences of the gated part (as the access check would
send them) and looks for each one in what the public channels return, after undoing
escaping and tags. Sentences that also appear in the story's public part are skipped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from masthead.accounts.models import User
from masthead.billing.models import AccessGrant
from masthead.demo.newsroom import load_newsroom
from masthead.newsroom import paywall
from masthead.newsroom.models import Article, Author, Section

from .access import answer_of, check_access
from .readers import READERS_BY_NAME

_TAG = re.compile(r"<[^>]+>")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
MIN_SENTENCE = 40


def normalised(text: str) -> str:
    """Return ``text`` unescaped (twice: feeds escape HTML inside XML), untagged, one-spaced."""
    once = html.unescape(_TAG.sub(" ", html.unescape(text)))
    return " ".join(_TAG.sub(" ", once).split())


def sentences(fragment: str) -> set[str]:
    """Return the sentences of an HTML fragment long enough to be unmistakable."""
    return {s for s in _SENTENCE_END.split(normalised(fragment)) if len(s) >= MIN_SENTENCE}


@pytest.fixture(scope="module")
def demo_loaded(
    django_db_setup: None, django_db_blocker: object
) -> Iterator[dict[Article, set[str]]]:
    """Load the demo newsroom for this module; the dict is filled by ``demo``."""
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        with transaction.atomic():
            load_newsroom(timezone.now())
            yield {}
            transaction.set_rollback(True)


@pytest.fixture
def demo(demo_loaded: dict[Article, set[str]], db: None) -> dict[Article, set[str]]:
    """Return each walled demo story's gated sentences (computed once per module).

    Computed inside a test, not at module set-up, so that the test-wide settings (the
    root conftest's unhashed static files) apply to the pages rendered for it.
    """
    if not demo_loaded:
        demo_loaded.update(_gated_sentences())
    return demo_loaded


def _gated_sentences() -> dict[Article, set[str]]:
    found: dict[Article, set[str]] = {}
    client = Client()
    for story in Article.objects.live(timezone.now()).select_related("section"):
        if story.effective_access_level() == "free":
            continue
        public = normalised(client.get(story.get_absolute_url()).content.decode())
        hidden = sentences(paywall.gated_html(story.pk, ad_free=True))
        found[story] = {s for s in hidden if s not in public}
    return found


def _public_urls(demo: dict[Article, set[str]]) -> list[str]:
    urls = ["/", "/feeds/rss/", "/feeds/atom/", "/sitemap.xml", "/news-sitemap.xml"]
    for section in Section.objects.all():
        base = section.get_absolute_url()
        urls += [base, f"{base}rss/", f"{base}atom/"]
    for author in Author.objects.all():
        urls += [author.get_absolute_url(), f"{author.get_absolute_url()}rss/"]
    for story, hidden in demo.items():
        urls.append(story.get_absolute_url())
        urls.append("/oembed/?url=" + quote(f"http://testserver{story.get_absolute_url()}"))
        if hidden:
            longest = max(min(hidden).split(), key=len).strip(".,;:!?\"'()")
            urls.append(f"/search/?q={quote(longest)}")
    return urls


def test_it_has_demo_stories_with_gated_sentences(demo: dict[Article, set[str]]) -> None:
    assert sum(1 for hidden in demo.values() if hidden) >= 5


@pytest.mark.parametrize("reader_name", ["anonymous", "googlebot_ua", "subscriber"])
def test_it_sends_no_gated_demo_sentence_through_any_public_channel(
    reader_name: str, demo: dict[Article, set[str]]
) -> None:
    every = {(story.slug, s) for story, hidden in demo.items() for s in hidden}
    reader = READERS_BY_NAME[reader_name]
    sessions = {}
    if reader.account:
        # The subscriber is the demo's own, entitled to everything: pages still show none.
        client = Client()
        client.force_login(_demo_subscriber())
        sessions[reader.account] = client.cookies["sessionid"].value
    leaks = []
    for url in _public_urls(demo):
        text = normalised(reader.client(sessions).get(url).content.decode())
        leaks += [f"{slug}: {s[:60]!r} in {url}" for slug, s in every if s in text]
    assert leaks == [], "\n".join(leaks)


def test_it_gives_the_demo_subscriber_the_gated_sentences(
    demo: dict[Article, set[str]],
) -> None:
    # The control: the same sentences do arrive through a granted access check.
    client = Client()
    client.force_login(_demo_subscriber())
    for story, hidden in list(demo.items())[:5]:
        answer = answer_of(check_access(client, story.pk))
        assert answer.get("granted") is True, story.slug
        assert hidden <= sentences(str(answer.get("html"))), story.slug


def _demo_subscriber() -> User:
    user, _ = User.objects.get_or_create(email="leak-demo-subscriber@example.com")
    AccessGrant.objects.get_or_create(user=user, note="leak suite: demo subscriber")
    return user
