"""Time to full text: Chromium opens an article as a subscriber; when does the rest arrive?

Measured in the page, from navigation start (``performance.now()`` is zero there) to the
moment ``.masthead-gated`` first holds text, by a MutationObserver installed before any page
script runs. The baseline is the same browser loading a static copy of the page from nginx
(navigation start to DOMContentLoaded): the floor for anything a page can show.
"""

from __future__ import annotations

import html
import statistics
from dataclasses import dataclass
from typing import Any

from devservices import chromium

_OBSERVER = """
window.__mastheadFullText = null;
new MutationObserver(function () {
  if (window.__mastheadFullText !== null) return;
  var gated = document.querySelector('.masthead-gated');
  if (gated && gated.textContent.trim().length > 0) {
    window.__mastheadFullText = performance.now();
  }
}).observe(document, {childList: true, subtree: true, characterData: true});
"""

# When the page script sent the access check, and how long the answer took (ms).
_CHECK_TIMING = """
(() => {
  const entry = performance.getEntriesByType('resource')
    .find((e) => e.name.includes('/api/access/'));
  return entry ? [entry.startTime, entry.responseEnd - entry.startTime] : null;
})()
"""


def _probe(sentence: str) -> str:
    # The catalogue's sentence comes from HTML: unescape it and compare its start only.
    return " ".join(html.unescape(sentence).split())[:25]


@dataclass(frozen=True)
class Timing:
    """Medians in milliseconds, and whether every page showed its gated sentence."""

    full_text_ms: float
    static_ms: float
    all_unlocked: bool
    check_sent_ms: float
    check_ms: float


def measure(
    base_url: str,
    session_cookie: str,
    articles: list[dict[str, Any]],
    static_path: str,
    runs: int = 15,
) -> Timing:
    """Return the medians over ``runs`` navigations (after two warm-ups)."""
    from playwright.sync_api import sync_playwright

    name, _, value = session_cookie.partition("=")
    full, static, unlocked = [], [], True
    sent: list[float] = []
    took: list[float] = []
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        # The site's CSP (script-src 'self') forbids eval, which wait_for_function's
        # string expression needs: the harness, not the page, is let through.
        context = browser.new_context(bypass_csp=True)
        context.add_cookies([{"name": name, "value": value, "url": base_url}])
        context.add_init_script(script=_OBSERVER)
        page = context.new_page()
        for n in range(runs + 2):
            entry = articles[n % len(articles)]
            page.goto(base_url + entry["url"], wait_until="domcontentloaded")
            page.wait_for_function("window.__mastheadFullText !== null", timeout=10_000)
            elapsed = page.evaluate("window.__mastheadFullText")
            check = page.evaluate(_CHECK_TIMING)
            shown = " ".join(page.inner_text(".masthead-gated").split())
            unlocked &= _probe(entry["gated_sentence"]) in shown
            page.goto(base_url + static_path, wait_until="domcontentloaded")
            floor = page.evaluate(
                "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"
            )
            if n >= 2:
                full.append(float(elapsed))
                static.append(float(floor))
                if check:
                    sent.append(float(check[0]))
                    took.append(float(check[1]))
        browser.close()
    return Timing(
        statistics.median(full),
        statistics.median(static),
        unlocked,
        statistics.median(sent) if sent else 0.0,
        statistics.median(took) if took else 0.0,
    )
