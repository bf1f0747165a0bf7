"""The kinds of reader the leak suite sends at every route.

Each kind turns a fresh Django test client into that reader and names the extra request
headers it sends. None of them is entitled to gated text on a page: pages are identical
for every reader, and gated text leaves the server only through a granted access check
or a page for a *verified* crawler, which no kind here is (docs/design.md, "The leak
invariant").
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.test import Client

# An address outside every trusted proxy and every crawler range.
UNTRUSTED_PEER = "203.0.113.9"
# Inside Google's published crawler range: what a spoofer writes into X-Forwarded-For.
GOOGLEBOT_ADDRESS = "66.249.66.1"

GOOGLEBOT_UA = (
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Googlebot/2.1; "
    "+http://www.google.com/bot.html) Chrome/125.0.6422.60 Safari/537.36"
)
BINGBOT_UA = "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"
FACEBOOK_UA = "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"
BROWSER_UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/125.0.0.0 Safari/537.36"
)

Sessions = dict[str, str]


@dataclass(frozen=True)
class ReaderKind:
    """One way of asking: headers sent, cookies set, the account logged in (if any)."""

    name: str
    headers: dict[str, str] = field(default_factory=dict)
    remote_addr: str = UNTRUSTED_PEER
    account: str = ""
    cookies: Callable[[Sessions], dict[str, str]] | None = None

    def client(self, sessions: Sessions) -> Client:
        """Return a fresh test client set up as this reader.

        ``sessions`` maps an account name to the value of a logged-in session cookie.
        """
        client = Client(REMOTE_ADDR=self.remote_addr, headers=self.headers)
        if self.account:
            client.cookies[settings.SESSION_COOKIE_NAME] = sessions[self.account]
        for name, value in (self.cookies(sessions) if self.cookies else {}).items():
            client.cookies[name] = value
        return client


def _visitor(value: str) -> Callable[[Sessions], dict[str, str]]:
    return lambda sessions: {settings.PAYWALL_VISITOR_COOKIE: value}


def _tampered_session(sessions: Sessions) -> dict[str, str]:
    real = sessions["subscriber"]
    flipped = real[:-1] + ("a" if real[-1] != "a" else "b")
    return {settings.SESSION_COOKIE_NAME: flipped}


def _wrong_key_visitor() -> str:
    return signing.TimestampSigner(key="not-the-site-key", salt="access.visitor").sign(
        "leak-suite-visitor"
    )


def _forged_reader_pass(sessions: Sessions) -> dict[str, str]:
    """A reader pass claiming every level, signed with a key that is not the site's.

    Sent with the registered reader's real session; with passes off (the suite's SQL
    meter) the cookie is ignored, and ``test_reader_pass.py`` tries it with passes on.
    """
    claim = {
        "v": 1,
        "u": 1,
        "g": "forged",
        "x": 4102444800000,  # 2100
        "n": None,
        "c": 1,
        "s": "0" * 32,
        "t": [[1, None, [["subscriber", "*"], ["registered", "*"], ["metered", "*"]]]],
    }
    signer = signing.TimestampSigner(key="not-the-site-key", salt="masthead.access.reader_pass")
    return {"masthead_pass": signer.sign_object(claim, compress=True)}


BROWSER_HEADERS = {"User-Agent": BROWSER_UA, "Accept": "text/html,application/xhtml+xml"}

READERS: tuple[ReaderKind, ...] = (
    ReaderKind("anonymous", remote_addr="127.0.0.1"),
    ReaderKind("javascript_off", headers=BROWSER_HEADERS),
    ReaderKind("accepts_json", headers={"Accept": "application/json"}),
    ReaderKind("googlebot_ua", headers={"User-Agent": GOOGLEBOT_UA}),
    ReaderKind("bingbot_ua", headers={"User-Agent": BINGBOT_UA}),
    ReaderKind("facebookexternalhit_ua", headers={"User-Agent": FACEBOOK_UA}),
    ReaderKind(
        "forged_x_forwarded_for",
        headers={"User-Agent": GOOGLEBOT_UA, "X-Forwarded-For": GOOGLEBOT_ADDRESS},
    ),
    ReaderKind("google_referer", headers={**BROWSER_HEADERS, "Referer": "https://www.google.com/"}),
    ReaderKind(
        "facebook_referer", headers={**BROWSER_HEADERS, "Referer": "https://m.facebook.com/"}
    ),
    ReaderKind("random_visitor_cookie", cookies=_visitor(secrets.token_hex(20))),
    ReaderKind("unsigned_visitor_cookie", cookies=_visitor("visitor-1")),
    ReaderKind("wrong_key_visitor_cookie", cookies=_visitor(_wrong_key_visitor())),
    ReaderKind("tampered_session_cookie", cookies=_tampered_session),
    ReaderKind("forged_reader_pass", account="registered", cookies=_forged_reader_pass),
    ReaderKind("registered", account="registered"),
    ReaderKind("lapsed_subscriber", account="lapsed"),
    ReaderKind("wrong_section_subscriber", account="wrong_section"),
    ReaderKind("news_plan_subscriber", account="news_plan"),
    ReaderKind("plan_ended_a_second_ago", account="plan_ended"),
    ReaderKind("grace_ended_a_second_ago", account="past_due_over"),
    ReaderKind("deactivated_subscriber", account="deactivated"),
    ReaderKind("staff_without_permissions", account="bare_staff"),
    # Entitled to everything, yet pages must stay identical for every reader.
    ReaderKind("subscriber", account="subscriber"),
)

READERS_BY_NAME = {reader.name: reader for reader in READERS}

# A cross-section for requests where the reader cannot matter (a query string a GET does
# not act on, the admin turning every non-staff reader away the same way).
FEW_READERS = (
    "anonymous",
    "subscriber",
    "googlebot_ua",
    "tampered_session_cookie",
    "staff_without_permissions",
)
