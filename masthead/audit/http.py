"""The audit's HTTP client: one shared request budget, same host only, a curl line per request."""

from __future__ import annotations

import shlex
import time
from dataclasses import dataclass, field, replace
from urllib.parse import urljoin, urlsplit

import httpx

USER_AGENT = "masthead-leak-audit/1 (+https://github.com/masthead; a publisher's own audit)"
MAX_BODY_BYTES = 4_000_000
MAX_REDIRECTS = 5


class BudgetSpent(Exception):
    """The run's request budget or time limit is used up."""


@dataclass
class Budget:
    """How many requests the whole run may still send, and until when."""

    max_requests: int
    deadline: float
    delay: float = 0.0
    used: int = 0
    # Answers that stayed 429 after one patient retry: the doors behind them were not tried.
    throttled: int = 0

    def wait(self, seconds: float) -> bool:
        """Sleep ``seconds`` (at most 60) unless that passes the deadline; True when slept."""
        seconds = min(max(seconds, 1.0), 60.0)
        if time.monotonic() + seconds > self.deadline:
            return False
        time.sleep(seconds)
        return True

    def take(self) -> None:
        """Count one request, or raise ``BudgetSpent``; sleep the politeness delay first."""
        if self.used >= self.max_requests or time.monotonic() > self.deadline:
            raise BudgetSpent
        if self.delay > 0 and self.used:
            time.sleep(self.delay)
        self.used += 1


@dataclass(frozen=True)
class Exchange:
    """One request as sent (what a curl line needs) and its answer."""

    method: str
    url: str
    headers: dict[str, str]
    body: str | None
    status: int
    response_headers: dict[str, str] = field(default_factory=dict)
    content: bytes = b""
    error: str = ""
    # The address first asked for, when redirects were followed to ``url``.
    requested: str = ""

    @property
    def text(self) -> str:
        """The body decoded as text (UTF-8, undecodable bytes replaced)."""
        return self.content.decode("utf-8", "replace")

    @property
    def content_type(self) -> str:
        """The answer's media type, lowercased, without parameters."""
        return self.response_headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def ok(self) -> bool:
        """True for a 2xx answer."""
        return 200 <= self.status < 300

    def curl(self) -> str:
        """Return a shell line that sends the same request again."""
        parts = ["curl", "-sS", "-i"]
        if self.requested and self.requested != self.url:
            parts.append("-L")
        if self.method != "GET":
            parts += ["-X", self.method]
        for name, value in self.headers.items():
            parts += ["-H", f"{name}: {value}"]
        if self.body is not None:
            parts += ["--data-binary", self.body]
        parts.append(self.requested or self.url)
        return " ".join(shlex.quote(part) for part in parts)


def origin_of(url: str) -> str:
    """Return ``scheme://host[:port]`` of ``url``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class Session:
    """A reader: its own cookie jar, sharing the run's budget and host list."""

    def __init__(self, budget: Budget, hosts: frozenset[str], timeout: float) -> None:
        self.budget = budget
        self.hosts = hosts
        self.timeout = timeout
        self.client = httpx.Client(
            timeout=timeout, follow_redirects=False, headers={"User-Agent": USER_AGENT}
        )

    def fresh(self) -> Session:
        """Return a new reader with an empty cookie jar (a stranger)."""
        return Session(self.budget, self.hosts, self.timeout)

    def close(self) -> None:
        """Close the connections."""
        self.client.close()

    def allowed(self, url: str) -> bool:
        """True when ``url`` is on one of the audited hosts (the audit never leaves them)."""
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and parts.netloc in self.hosts

    def cookie_header(self) -> str:
        """This reader's cookies as one header value (for curl lines)."""
        return "; ".join(f"{c.name}={c.value}" for c in self.client.cookies.jar)

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        body: str | None = None,
        follow: bool = True,
    ) -> Exchange:
        """Send one request (following same-host redirects for GET); never raises on HTTP."""
        headers = dict(headers or {})
        exchange = self._send(method, url, headers, body)
        if exchange.status == 429:
            # A rate limit is not a denial: wait as asked, once, then count it if it stays.
            if self.budget.wait(_retry_after(exchange)):
                exchange = self._send(method, url, headers, body)
            if exchange.status == 429:
                self.budget.throttled += 1
        hops = 0
        while (
            follow
            and method == "GET"
            and exchange.status in (301, 302, 303, 307, 308)
            and hops < MAX_REDIRECTS
        ):
            target = urljoin(exchange.url, exchange.response_headers.get("location", ""))
            if not self.allowed(target) or target == exchange.url:
                break
            hops += 1
            exchange = replace(self._send(method, target, headers, body), requested=url)
        return exchange

    def _send(self, method: str, url: str, headers: dict[str, str], body: str | None) -> Exchange:
        if not self.allowed(url):
            return Exchange(method, url, headers, body, 0, error="not an audited host")
        self.budget.take()
        shown = dict(headers)
        if self.client.cookies.jar and "Cookie" not in shown:
            # The curl line must carry what the jar sent, or it would not reproduce the answer.
            shown["Cookie"] = self.cookie_header()
        try:
            with self.client.stream(
                method, url, headers=headers, content=body.encode() if body else None
            ) as response:
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > MAX_BODY_BYTES:
                        break
                return Exchange(
                    method,
                    url,
                    shown,
                    body,
                    response.status_code,
                    {k.lower(): v for k, v in response.headers.items()},
                    b"".join(chunks),
                )
        except httpx.HTTPError as exc:
            return Exchange(method, url, shown, body, 0, error=f"{type(exc).__name__}: {exc}")


def _retry_after(exchange: Exchange) -> float:
    try:
        return float(exchange.response_headers.get("retry-after", "5"))
    except ValueError:
        return 5.0
