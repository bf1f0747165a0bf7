"""What one audit run is told: the site, the subscriber, the bounds."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# Exit statuses of the command (docs/audit.md, "Exit codes").
EXIT_CLEAN = 0
EXIT_LEAKS = 1
EXIT_USAGE = 2
# Could not log in, found no walled article, or could not reach the site: an audit that
# learnt nothing must never look like a clean one.
EXIT_NOT_AUDITED = 3
# The request budget or time limit ran out before every door was tried, and nothing leaked
# in the part that was tried: not clean either.
EXIT_INCOMPLETE = 4

DEFAULT_MAX_REQUESTS = 4000
DEFAULT_MAX_ARTICLES = 40
DEFAULT_TIMEOUT = 15.0
DEFAULT_SHINGLE = 8


@dataclass(frozen=True)
class AuditConfig:
    """One audit: probe ``url``, learning gated text as ``email`` at ``learn_from`` (or ``url``).

    ``learn_file`` replaces logging in: a JSON file of learnt articles, as written by
    ``save_learned`` (or by hand: ``[{"url": ..., "gated_html": ...}]``).
    """

    url: str
    email: str = ""
    password: str = ""
    learn_from: str | None = None
    learn_file: Path | None = None
    save_learned: Path | None = None
    max_requests: int = DEFAULT_MAX_REQUESTS
    max_articles: int = DEFAULT_MAX_ARTICLES
    max_seconds: float = 1800.0
    timeout: float = DEFAULT_TIMEOUT
    delay: float = 0.0
    shingle: int = DEFAULT_SHINGLE
    reader_mode: bool = True
    extra_paths: tuple[str, ...] = field(default_factory=tuple)

    @property
    def learn_url(self) -> str:
        """The deployment whose subscriber view teaches the gated text."""
        return self.learn_from or self.url
