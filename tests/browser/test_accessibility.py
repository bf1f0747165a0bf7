"""axe-core on every page a reader or an editor uses, in Debian's Chromium.

Reader pages and the Dashboard must have no critical or serious violation. The admin's
article form is checked too: what axe still finds there comes from Django's own admin
widgets, is listed in ``DJANGO_ADMIN_FINDINGS`` (and in docs/newsroom.md), and any
other serious finding fails the test.

axe-core is vendored for the tests only (``tests/browser/vendor/axe.min.js``, MPL-2.0)
and evaluated in each page through the DevTools protocol (an injected script tag would be
refused by the site's Content-Security-Policy); the site never serves it. Every finding
is printed (``-s``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from masthead.accounts.models import User
from masthead.ads.models import HouseAd
from tests.leak.fixtures import LeakWorld, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
AXE_VERSION = "4.14.1"
TIMEOUT = 15_000
BLOCKING = ("critical", "serious")
CHECK = re.compile(r"/api/access/$")

# What axe reports on the admin's article form that comes from Django's own widgets and
# templates (rule id -> why it is Django's). Kept short on purpose: a new entry needs a
# reason, and a finding not listed here fails the test.
DJANGO_ADMIN_FINDINGS: dict[str, str] = {
    "aria-input-field-name": "the autocomplete widget (autocomplete_fields, Django's bundled "
    "Select2) renders its combobox as a span with role=combobox and no name",
    "aria-prohibited-attr": "the two-box chooser (filter_horizontal, SelectFilter2.js) puts "
    "an aria-label on a plain span (its search icon) inside the filter's label",
}


@pytest.fixture
def world(settings: Any) -> LeakWorld:
    settings.PAYWALL_ANONYMOUS_ALLOWANCE = 3
    settings.PAYWALL_NETWORK_DAILY_ALLOWANCE = 10_000
    settings.PAYWALL_CHECK_RATE_LIMIT = 10_000
    HouseAd.objects.create(name="house", html="<p>The house creative.</p>", link="/pages/about/")
    world = build_world()
    editor = User.objects.create_superuser("leak-editor@example.com", "pw-editor-12345")
    world.users["editor"] = editor
    return world


def _axe(page: Any) -> list[dict[str, Any]]:
    """Run axe on the page as it is now; return its violations."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's Content-Security-Policy
        # (script-src 'self') does not govern: the page is checked under its real policy.
        page.evaluate(AXE.read_text(encoding="utf-8"))
    assert page.evaluate("axe.version") == AXE_VERSION
    result = page.evaluate("axe.run(document, { resultTypes: ['violations'] })")
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def _describe(violations: list[dict[str, Any]]) -> list[str]:
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:4])
        for v in violations
    ]


def _blocking(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v["impact"] in BLOCKING]


DESK = {"width": 1100, "height": 900}
PHONE = {"width": 390, "height": 844}


def _context(chromium: Any, base: str, user: Any = None, viewport: Any = None) -> Any:
    context = chromium.new_context(viewport=viewport or DESK)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies["sessionid"].value
        context.add_cookies([{"name": "sessionid", "value": cookie, "url": base}])
    return context


def _answered(page: Any) -> None:
    page.wait_for_function(
        "() => window.mastheadPaywall && window.mastheadPaywall.access", timeout=TIMEOUT
    )


def _offer(kind: str) -> Callable[[Any], None]:
    def wait(page: Any) -> None:
        page.locator(f'[data-masthead-offer="{kind}"]').wait_for(timeout=TIMEOUT)

    return wait


def _unlocked(page: Any) -> None:
    page.locator("[data-masthead-gated] p").first.wait_for(timeout=TIMEOUT)


def _loaded(page: Any) -> None:
    page.wait_for_load_state("networkidle")


def _held_check(page: Any) -> None:
    """The preview: lead-in and gate while the check has not answered."""
    page.locator("[data-masthead-checking]").wait_for(state="visible", timeout=TIMEOUT)


# (name, who, path or a function of the world, what to wait for)
READER_PAGES: list[tuple[str, str | None, Any, Callable[[Any], None]]] = [
    ("home", None, "/", _loaded),
    ("section", None, "/section/leak-news/", _loaded),
    ("search", None, "/search/?q=seekmetered", _loaded),
    ("article-preview", None, lambda w: w.articles["metered"].url, _held_check),
    ("article-unlocked", "subscriber", lambda w: w.articles["subscriber"].url, _unlocked),
    ("article-metered", None, lambda w: w.articles["metered"].url, _unlocked),
    (
        "article-registration-wall",
        None,
        lambda w: w.articles["registered"].url,
        _offer("registration"),
    ),
    (
        "article-subscription-wall",
        "registered",
        lambda w: w.articles["subscriber"].url,
        _offer("subscription"),
    ),
    (
        "article-plan-wall",
        "wrong_section",
        lambda w: w.articles["subscriber"].url,
        _offer("subscription"),
    ),
    (
        "article-gift",
        None,
        lambda w: f"{w.articles['subscriber'].url}?gift={w.open_gift}",
        _unlocked,
    ),
    ("article-free", None, lambda w: w.articles["free"].url, _answered),
    (
        "admin-preview-as-reader",
        "editor",
        lambda w: f"/admin/newsroom/article/{w.articles['subscriber'].article.pk}/preview/",
        _loaded,
    ),
    ("login", None, "/accounts/login/", _loaded),
    ("register", None, "/accounts/register/", _loaded),
    ("plans", None, lambda w: f"/subscribe/?next={w.articles['subscriber'].url}", _loaded),
    ("plan-chosen", "registered", "/subscribe/leak-all-access/", _loaded),
    ("account", "news_plan", "/accounts/", _loaded),
    ("account-gifts", "gifter", "/accounts/", _loaded),
    ("dashboard", "editor", "/admin/dashboard/", _loaded),
]


PHONE_CHECKED = ("home", "article-metered", "article-unlocked")


@pytest.mark.parametrize(
    ("name", "who", "where", "ready"), READER_PAGES, ids=[page[0] for page in READER_PAGES]
)
def test_axe_finds_nothing_serious(
    live_server: Any,
    chromium: Any,
    world: LeakWorld,
    name: str,
    who: str | None,
    where: Any,
    ready: Callable[[Any], None],
) -> None:
    base = live_server.url
    context = _context(chromium, base, world.users[who] if who else None)
    try:
        page = context.new_page()
        if name == "article-preview":
            page.route(CHECK, lambda route: None)  # held: the check never answers
        path = where(world) if callable(where) else where
        response = page.goto(base + path)
        assert response is not None and response.status == 200, path
        ready(page)
        violations = _axe(page)
        print(f"\n{name}: " + ("; ".join(_describe(violations)) or "no violations"))
        assert _describe(_blocking(violations)) == []
    finally:
        context.close()


PHONE_PAGES = [page for page in READER_PAGES if page[0] in PHONE_CHECKED]


@pytest.mark.parametrize(
    ("name", "who", "where", "ready"), PHONE_PAGES, ids=[page[0] for page in PHONE_PAGES]
)
def test_axe_finds_nothing_serious_on_a_phone(
    live_server: Any,
    chromium: Any,
    world: LeakWorld,
    name: str,
    who: str | None,
    where: Any,
    ready: Callable[[Any], None],
) -> None:
    """The phone layout has its own header rows and top slot: checked on its own."""
    base = live_server.url
    context = _context(chromium, base, world.users[who] if who else None, PHONE)
    try:
        page = context.new_page()
        path = where(world) if callable(where) else where
        page.goto(base + path)
        ready(page)
        violations = _axe(page)
        print(f"\n{name} (phone): " + ("; ".join(_describe(violations)) or "no violations"))
        assert _describe(_blocking(violations)) == []
    finally:
        context.close()


def test_axe_finds_nothing_serious_on_the_test_checkout(
    live_server: Any, chromium: Any, world: LeakWorld
) -> None:
    base = live_server.url
    context = _context(chromium, base, world.users["registered"])
    try:
        page = context.new_page()
        page.goto(base + "/subscribe/leak-all-access/")
        page.get_by_role("button", name="Continue to payment").click()
        page.wait_for_url("**/billing/test-checkout/**", timeout=TIMEOUT)
        violations = _axe(page)
        print("\ncheckout: " + ("; ".join(_describe(violations)) or "no violations"))
        assert _describe(_blocking(violations)) == []
    finally:
        context.close()


def test_the_admins_article_form_has_only_djangos_known_findings(
    live_server: Any, chromium: Any, world: LeakWorld
) -> None:
    base = live_server.url
    context = _context(chromium, base, world.users["editor"])
    try:
        page = context.new_page()
        article = world.articles["media"].article
        page.goto(f"{base}/admin/newsroom/article/{article.pk}/change/")
        _loaded(page)
        violations = _axe(page)
        print("\nadmin article form: " + ("; ".join(_describe(violations)) or "no violations"))
        unknown = [v for v in _blocking(violations) if v["id"] not in DJANGO_ADMIN_FINDINGS]
        assert _describe(unknown) == []
    finally:
        context.close()
