"""Which search engines Masthead recognises, and how each one proves who it is.

The User-Agent never proves anything: it only selects which engine's proof to ask for
(reverse DNS inside the engine's crawler domains, or its published address ranges). A
User-Agent that names no engine costs nothing: no lookup is made.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class Engine:
    """A search engine's crawler and the evidence that identifies it.

    ``user_agent_tokens`` select the engine (case-insensitive substrings);
    ``domains`` are the reverse-DNS suffixes its crawlers use; ``range_files`` name the
    JSON files of its published crawler prefixes; ``excluded_range_files`` list
    addresses that act for users (fetchers), which are never crawlers even when they
    also appear in a crawler range.
    """

    name: str
    user_agent_tokens: tuple[str, ...]
    domains: tuple[str, ...]
    range_files: tuple[str, ...] = ()
    excluded_range_files: tuple[str, ...] = ()


GOOGLE = Engine(
    name="google",
    user_agent_tokens=("googlebot",),
    # Only googlebot.com: google.com also names the proxies of user-triggered fetchers
    # and testing tools, which fetch any page for anyone who asks.
    domains=("googlebot.com",),
    range_files=("google-common-crawlers.json",),
    excluded_range_files=(
        "google-user-triggered-fetchers.json",
        "google-user-triggered-fetchers-google.json",
        "google-user-triggered-agents.json",
    ),
)

BING = Engine(
    name="bing",
    user_agent_tokens=("bingbot",),
    domains=("search.msn.com",),
    range_files=("bingbot.json",),
)

DEFAULT_ENGINES = (GOOGLE, BING)

# Fetchers that act on behalf of a person (previews, read-aloud, site verification,
# testing tools such as the Rich Results Test): anyone can point them at any URL and
# read what they fetched, so they are never crawlers, whatever address they come from.
USER_TRIGGERED_TOKENS = (
    "google-inspectiontool",
    "googleother",
    "feedfetcher-google",
    "google-read-aloud",
    "google-site-verification",
    "googleproducer",
    "google-cws",
    "google-gemininotebook",
    "google-notebooklm",
    "google-pinpoint",
    "google-structured-data-testing-tool",
    "google-safety",
    "apis-google",
    "duplexweb-google",
    "bingpreview",
    "microsoftpreview",
)


def _engine_from_setting(name: str, raw: Mapping[str, Any]) -> Engine:
    return Engine(
        name=name,
        user_agent_tokens=tuple(str(t).lower() for t in raw["user_agent_tokens"]),
        domains=tuple(str(d).lower().strip(".") for d in raw["domains"]),
        range_files=tuple(str(f) for f in raw.get("range_files", ())),
        excluded_range_files=tuple(str(f) for f in raw.get("excluded_range_files", ())),
    )


def configured_engines() -> tuple[Engine, ...]:
    """Return the engines from ``CRAWLERS_ENGINES``, or the defaults when it is unset.

    ``CRAWLERS_ENGINES`` maps an engine name to a dict with the fields of ``Engine``.
    """
    raw: Mapping[str, Mapping[str, Any]] | None = getattr(settings, "CRAWLERS_ENGINES", None)
    if raw is None:
        return DEFAULT_ENGINES
    return tuple(_engine_from_setting(name, fields) for name, fields in raw.items())


def is_user_triggered(user_agent: str) -> bool:
    """Return True when the User-Agent names a fetcher that acts for a person."""
    lowered = user_agent.lower()
    return any(token in lowered for token in USER_TRIGGERED_TOKENS)


def engine_for(user_agent: str, engines: tuple[Engine, ...]) -> Engine | None:
    """Return the engine a User-Agent claims to be, or None for anything else.

    None also for user-triggered fetchers and testing tools, even when their User-Agent
    carries an engine's token as well.
    """
    if not user_agent or is_user_triggered(user_agent):
        return None
    lowered = user_agent.lower()
    for engine in engines:
        if any(token in lowered for token in engine.user_agent_tokens):
            return engine
    return None


def is_in_domains(hostname: str, domains: tuple[str, ...]) -> bool:
    """Return True when ``hostname`` is one of ``domains`` or a name below one.

    The match is on whole labels, so ``evilgooglebot.com`` is not below ``googlebot.com``.
    """
    name = hostname.lower().rstrip(".")
    return any(name == domain or name.endswith("." + domain) for domain in domains)
