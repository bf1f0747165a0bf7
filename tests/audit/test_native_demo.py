"""The audit against Masthead itself: the demo newsroom served by a live server leaks nothing.

``live_server`` runs the real app in a thread of this process; the audit reaches it over
HTTP exactly as it would reach a publisher's site, and knows nothing of Django.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test.testcases import _MediaFilesHandler
from django.utils import timezone

from masthead.audit import EXIT_CLEAN, EXIT_NOT_AUDITED, AuditConfig, run_audit
from masthead.audit.cli import main
from masthead.demo import logins
from masthead.demo.newsroom import load_newsroom

DEMO_SUBSCRIBER = "subscriber@example.com"
DEMO_PASSWORD = "masthead-demo"
# Doors the audit must have walked through against a native deployment.
NATIVE_DOORS = {
    "page", "javascript-off", "url-variant", "crawler", "forwarded-header", "referer", "feed",
    "sitemap", "robots", "cms-endpoint", "api", "check-replay", "check-cross-origin",
    "check-forged-cookie", "cookie-wiping", "search-oracle", "linked-page", "media",
}  # fmt: skip


@pytest.fixture
def demo_site(live_server: Any, transactional_db: None, monkeypatch: pytest.MonkeyPatch) -> str:
    # Django's live server answers MEDIA_URL itself, straight from MEDIA_ROOT, before the app
    # (and so before protected media): the audit's media door caught exactly that, twice,
    # the first time this test ran. Production serves /media/ through the app.
    monkeypatch.setattr(_MediaFilesHandler, "_should_handle", lambda self, path: False)
    now = timezone.now()
    load_newsroom(now)
    logins.ensure_logins(now)
    return str(live_server.url)


def test_the_native_demo_has_no_leak_through_any_door(demo_site: str) -> None:
    config = AuditConfig(demo_site, email=DEMO_SUBSCRIBER, password=DEMO_PASSWORD)
    report = run_audit(config)
    assert report.walled > 0, report.not_audited
    assert report.leaks == [], [(leak.door, leak.url, leak.evidence) for leak in report.leaks]
    assert not report.incomplete, report.notes
    assert report.exit_code == EXIT_CLEAN
    assert NATIVE_DOORS <= set(report.doors), sorted(report.doors)
    # The subscriber's answers carried the gated charts: the media door had files to try.
    assert any(article.gated_media for article in report.articles)
    # A bad password is told apart from a clean run, on the real login form too.
    out = io.StringIO()
    status = main([demo_site, "--email", DEMO_SUBSCRIBER, "--password", "wrong", "--quiet"], out)
    assert status == EXIT_NOT_AUDITED
    assert out.getvalue().splitlines()[-1].startswith("leaks=0 walled=0 requests=")
