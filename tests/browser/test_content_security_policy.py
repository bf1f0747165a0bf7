"""Every reader page and the admin work under the Content-Security-Policy, in Chromium.

Each test listens for the ``securitypolicyviolation`` events of every page it opens and for
Chromium's console reports of a refused resource, and fails on any of them: an inline
script or style, a handler attribute, an image, video or fetch from elsewhere. A control
test first proves the listener hears a violation when there is one.

The checkout test runs the real Stripe provider against a faked Stripe API: the form POST
is answered with a 303 to ``https://checkout.stripe.com/...`` (and the portal's to
``https://billing.stripe.com/...``), which ``form-action`` must allow; ``page.route``
answers for Stripe, so nothing leaves the machine. With Stripe's origins taken out of the
policy the same navigation is blocked: the test can tell.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from masthead.accounts.models import User
from masthead.billing.models import Plan, Subscription
from masthead.billing.providers.stripe.client import StripeProvider
from masthead.billing.tests.doubles import RecordingStripeHTTP
from masthead.newsroom.models import Article, Block, Video
from tests.leak.fixtures import PASSWORD, LeakWorld, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT = 15_000
DEMO_MEDIA = Path(__file__).resolve().parents[2] / "masthead" / "demo" / "media"
CHECKOUT_URL = "https://checkout.stripe.com/c/pay/cs_test_csp"
PORTAL_URL = "https://billing.stripe.com/p/session/test_csp"
LISTEN = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.mastheadCspViolation({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
    page: document.location.href,
  });
}, true);
"""


class Watch:
    """The CSP violations and console reports heard in one browser context."""

    def __init__(self, context: Any) -> None:
        self.context = context
        self.heard: list[str] = []
        context.expose_function("mastheadCspViolation", self._violation)
        context.add_init_script(LISTEN)
        context.on("page", self._watch_page)

    def _violation(self, report: dict[str, Any]) -> None:
        self.heard.append(f"violation {report}")

    def _watch_page(self, page: Any) -> None:
        page.on("console", self._console)

    def _console(self, message: Any) -> None:
        text = str(message.text)
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.heard.append(f"console {message.type}: {text}")

    def page(self) -> Any:
        return self.context.new_page()

    def assert_clean(self) -> None:
        assert self.heard == [], "\n".join(self.heard)


@pytest.fixture
def watch(chromium: Any) -> Iterator[Watch]:
    context = chromium.new_context(viewport={"width": 1280, "height": 1800})
    yield Watch(context)
    context.close()


def open_page(page: Any, url: str, status: int = 200) -> Any:
    """Open ``url``, check it came with the policy, and let late reports arrive."""
    response = page.goto(url)
    assert response is not None and response.status == status, url
    assert "script-src 'self'" in (response.headers.get("content-security-policy") or ""), url
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(150)
    return response


def settled(page: Any) -> str:
    """Wait for the access check's outcome on an article: ``unlocked`` or ``wall``."""
    page.wait_for_function(
        """() => {
            const gated = document.querySelector('[data-masthead-gated]');
            const gate = document.querySelector('[data-masthead-gate]');
            return (gated && gated.textContent.includes('GATEDMARK'))
                || (gate && gate.hasAttribute('data-masthead-offer'));
        }""",
        timeout=TIMEOUT,
    )
    gated = page.locator("[data-masthead-gated]").text_content() or ""
    return "unlocked" if "GATEDMARK" in gated else "wall"


def log_in(page: Any, base: str, email: str, password: str = PASSWORD) -> None:
    open_page(page, f"{base}/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def _media_copy(name: str, relative: str) -> str:
    target = Path(settings.MEDIA_ROOT) / "csp-test" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(DEMO_MEDIA / relative, target)
    return f"csp-test/{name}"


@pytest.fixture
def world(settings: Any) -> LeakWorld:
    settings.PAYWALL_ANONYMOUS_ALLOWANCE = 3
    settings.PAYWALL_NETWORK_DAILY_ALLOWANCE = 10_000
    settings.PAYWALL_CHECK_RATE_LIMIT = 10_000
    world = build_world(with_passwords=True)
    # A free story with a real lead image, a video file with its poster and an image block,
    # so pictures and video load from the site under img-src and media-src.
    story = world.articles["free"].article
    story.lead_image = _media_copy("lead.jpg", "images/bridge.jpg")
    story.lead_image_alt = "The bridge"
    video = Video.objects.create(
        title="Signal test",
        file=_media_copy("signal.webm", "video/signal-test.webm"),
        poster=_media_copy("poster.jpg", "video/signal-test-poster.jpg"),
        transcript="Narrator: a test signal.",
    )
    story.lead_video = video
    story.save()
    Block.objects.create(
        article=story,
        position=1000,
        kind=Block.Kind.IMAGE,
        image=_media_copy("block.jpg", "images/mill.jpg"),
        alt="The mill",
    )
    return world


def test_the_listener_hears_a_violation(watch: Watch, live_server: Any, world: LeakWorld) -> None:
    page = watch.page()
    open_page(page, live_server.url + "/")
    page.evaluate(
        """() => {
            document.body.insertAdjacentHTML('beforeend', '<p style="color: red">inline</p>');
            const script = document.createElement('script');
            script.textContent = 'window.ranInline = true';
            document.body.append(script);
        }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("window.ranInline === undefined")
    heard = "\n".join(watch.heard)
    assert "style-src" in heard and "script-src" in heard, heard


def test_reader_pages_raise_no_violation(watch: Watch, live_server: Any, world: LeakWorld) -> None:
    base = live_server.url
    page = watch.page()
    free = world.articles["free"]
    for url in (
        "/",
        world.sections["news"].get_absolute_url(),
        world.authors[0].get_absolute_url(),
        world.pages[0].get_absolute_url(),
        "/search/?q=ledger",
        "/subscribe/",
        "/accounts/register/",
    ):
        open_page(page, base + url)
    open_page(page, base + "/no-such-page/", status=404)
    # The free story: its lead image, poster and image block load, and the video plays.
    open_page(page, base + free.url)
    assert page.evaluate("document.querySelector('.lead-figure img').naturalWidth") > 0
    page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; v.play(); }")
    page.wait_for_function("() => document.querySelector('video').readyState >= 2", timeout=TIMEOUT)
    # A metered story: the preview, then the access check unlocks it (a first free read).
    open_page(page, base + world.articles["metered"].url)
    assert settled(page) == "unlocked"
    # A subscriber story: the wall.
    open_page(page, base + world.articles["subscriber"].url)
    assert settled(page) == "wall"
    # A gift link opens the subscriber story without a subscription.
    open_page(page, f"{base}{world.articles['subscriber'].url}?gift={world.open_gift}")
    assert settled(page) == "unlocked"
    # Registering at the wall, then the account page.
    open_page(page, base + "/accounts/register/")
    page.fill("input[name=email]", "csp-newcomer@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password_again]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    open_page(page, base + "/accounts/")
    watch.assert_clean()


def test_a_subscriber_reads_gifts_and_manages_their_account(
    watch: Watch, live_server: Any, world: LeakWorld
) -> None:
    base = live_server.url
    page = watch.page()
    log_in(page, base, "leak-subscriber@example.com")
    open_page(page, base + world.articles["subscriber"].url)
    assert settled(page) == "unlocked"
    # The gift button (gifts.js) makes a link with a fetch to /gifts/.
    gift = page.locator("[data-masthead-gift] button").first
    gift.wait_for(timeout=TIMEOUT)
    gift.click()
    page.wait_for_selector("[data-masthead-gift] input", timeout=TIMEOUT)
    for url in ("/accounts/", "/accounts/email/", "/accounts/password/", "/accounts/delete/"):
        open_page(page, base + url)
    watch.assert_clean()


def _fake_stripe(monkeypatch: pytest.MonkeyPatch) -> RecordingStripeHTTP:
    """Make billing use the real Stripe provider against a scripted Stripe API."""
    http = RecordingStripeHTTP(
        {
            "/v1/checkout/sessions": (
                200,
                {"id": "cs_test_csp", "object": "checkout.session", "url": CHECKOUT_URL},
            ),
            "/v1/billing_portal/sessions": (
                200,
                {"id": "bps_test_csp", "object": "billing_portal.session", "url": PORTAL_URL},
            ),
        }
    )
    provider = StripeProvider("sk_test_masthead_csp", http_client=http)
    monkeypatch.setattr("masthead.billing.views.get_provider", lambda name=None: provider)
    return http


def _stripe_pages(context: Any, base: str) -> list[str]:
    """Answer for Stripe inside the browser; return the URLs Chromium asked it for.

    Playwright cannot route the next hop of a redirect that the network stack follows, so
    the app's own answer to the checkout and portal POSTs (its 303, unchanged) is fetched
    by Playwright and handed to Chromium, which follows it itself, checking it against
    ``form-action``, to a Stripe URL the route below then answers.
    """
    asked: list[str] = []

    def through_playwright(route: Any) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        route.fulfill(response=route.fetch(max_redirects=0))

    def answer(route: Any) -> None:
        asked.append(route.request.url)
        route.fulfill(
            status=200,
            content_type="text/html",
            body="<!doctype html><title>Stripe (fake)</title><h1>Fake Stripe page</h1>",
        )

    context.route(f"{base}/subscribe/**", through_playwright)
    context.route(f"{base}/billing/portal/", through_playwright)
    context.route("https://checkout.stripe.com/**", answer)
    context.route("https://billing.stripe.com/**", answer)
    return asked


def _customer(world: LeakWorld) -> User:
    reader = User.objects.create_user("csp-customer@example.com", PASSWORD)
    Subscription.objects.create(
        user=reader,
        plan=Plan.objects.get(slug="leak-news-plan"),
        provider=Subscription.Provider.STRIPE,
        provider_customer_id="cus_test_csp",
        provider_subscription_id="sub_test_csp",
        status=Subscription.Status.ACTIVE,
        current_period_end=timezone.now() + dt.timedelta(days=20),
    )
    return reader


def test_checkout_and_portal_redirect_to_stripe_under_form_action(
    watch: Watch, live_server: Any, world: LeakWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = live_server.url
    http = _fake_stripe(monkeypatch)
    asked = _stripe_pages(watch.context, base)
    page = watch.page()
    log_in(page, base, "leak-registered@example.com")
    open_page(page, f"{base}/subscribe/leak-all-access/")
    # Clicked, then waited for: wrapped in expect_navigation, the Stripe route is skipped.
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url(CHECKOUT_URL, timeout=TIMEOUT)
    assert page.url == CHECKOUT_URL
    assert page.locator("h1").inner_text() == "Fake Stripe page"
    assert [r["path"] for r in http.requests] == ["/v1/checkout/sessions"]

    _customer(world)
    page.context.clear_cookies()
    log_in(page, base, "csp-customer@example.com")
    open_page(page, f"{base}/accounts/")
    page.get_by_role("button", name="Manage card and invoices").click()
    page.wait_for_url(PORTAL_URL, timeout=TIMEOUT)
    assert page.locator("h1").inner_text() == "Fake Stripe page"
    assert asked == [CHECKOUT_URL, PORTAL_URL]
    watch.assert_clean()


def test_without_stripe_in_form_action_chromium_blocks_the_checkout(
    watch: Watch,
    live_server: Any,
    world: LeakWorld,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
) -> None:
    """The control: the checkout test would notice a policy that forgot Stripe."""
    base = live_server.url
    _fake_stripe(monkeypatch)
    asked = _stripe_pages(watch.context, base)
    policy = dict(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"] = {**policy["DIRECTIVES"], "form-action": ["'self'"]}
    settings.CONTENT_SECURITY_POLICY = policy
    page = watch.page()
    log_in(page, base, "leak-registered@example.com")
    open_page(page, f"{base}/subscribe/leak-all-access/")
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_timeout(1500)
    assert asked == []
    assert not page.url.startswith("https://checkout.stripe.com")
    assert any("form-action" in line for line in watch.heard), watch.heard


def _admin(page: Any, base: str) -> None:
    User.objects.create_superuser("csp-boss@example.com", "pw-csp-boss-12345")
    open_page(page, base + "/admin/login/")
    page.fill("#id_username", "csp-boss@example.com")
    page.fill("#id_password", "pw-csp-boss-12345")
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(base + "/admin/")


def test_the_admin_raises_no_violation(watch: Watch, live_server: Any, world: LeakWorld) -> None:
    base = live_server.url
    page = watch.page()
    _admin(page, base)
    open_page(page, base + "/admin/")
    for url in (
        "/admin/newsroom/article/",
        "/admin/newsroom/article/add/",
        "/admin/newsroom/video/add/",
        "/admin/ads/housead/add/",
        "/admin/billing/plan/",
        "/admin/accounts/user/",
    ):
        open_page(page, base + url)
    story = world.articles["media"].article
    open_page(page, f"{base}/admin/newsroom/article/{story.pk}/change/")
    # The widgets: the calendar and clock, the video autocomplete, a kind change, a drag.
    page.click("#calendarlink0")
    page.wait_for_selector(".calendarbox", state="visible")
    page.click(".calendarbox .calendarnav-next")
    page.click(".calendarbox .calendar-cancel a")
    page.click("#clocklink0")
    page.click(".clockbox .calendar-cancel a")
    page.locator(".field-lead_video .select2-selection").click()
    page.wait_for_selector(".select2-results__option", timeout=TIMEOUT)
    page.keyboard.press("Escape")
    kind = page.locator(".masthead-blocks select[name$='-kind']").first
    before = kind.input_value()
    kind.select_option("image")
    kind.select_option(before)
    page.locator(".masthead-blocks .add-row a").click()
    heads = page.locator(".masthead-blocks .inline-related:not(.empty-form) > h3")
    heads.nth(2).drag_to(heads.nth(0), target_position={"x": 20, "y": 2})
    page.click("input[name='_continue']")
    page.wait_for_load_state("networkidle")
    assert page.locator(".errornote").count() == 0, page.locator(".errorlist").all_inner_texts()
    # Preview as reader, and the Dashboard with its charts.
    open_page(page, f"{base}/admin/newsroom/article/{story.pk}/preview/")
    open_page(page, f"{base}/admin/dashboard/")
    assert page.locator(".dashboard-figure svg").count() >= 5
    assert Article.objects.filter(pk=story.pk).exists()
    watch.assert_clean()
