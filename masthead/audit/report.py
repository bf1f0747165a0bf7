"""What an audit found: leaks (each with the request that reproduces it), notes, figures."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from masthead.audit.config import (
    EXIT_CLEAN,
    EXIT_INCOMPLETE,
    EXIT_LEAKS,
    EXIT_NOT_AUDITED,
)
from masthead.audit.http import Exchange


@dataclass
class Article:
    """A walled article as learnt from the subscriber's view."""

    url: str
    article_id: str | None
    title: str = ""
    gated_html: str = ""
    gated_media: list[str] = field(default_factory=list)
    search_words: list[str] = field(default_factory=list)
    wordpress_id: str | None = None


@dataclass(frozen=True)
class Leak:
    """One stranger response that carried gated text, gated media or an oracle's answer."""

    door: str
    detail: str
    article: str
    method: str
    url: str
    status: int
    headers: dict[str, str]
    body: str | None
    evidence: str
    curl: str
    # The address first asked for, when it redirected to ``url`` (else empty).
    requested: str = ""

    @classmethod
    def of(cls, door: str, detail: str, article: str, exchange: Exchange, evidence: str) -> Leak:
        """Build a leak from the exchange that showed it."""
        return cls(
            door,
            detail,
            article,
            exchange.method,
            exchange.url,
            exchange.status,
            dict(exchange.headers),
            exchange.body,
            evidence[:300],
            exchange.curl(),
            exchange.requested if exchange.requested != exchange.url else "",
        )


@dataclass
class Report:
    """The outcome of one run; ``exit_code`` is the command's exit status."""

    target: str
    learnt_from: str
    walled: int = 0
    requests: int = 0
    leaks: list[Leak] = field(default_factory=list)
    doors: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    not_audited: str = ""
    incomplete: bool = False

    def add(self, leak: Leak) -> bool:
        """Record ``leak`` unless the same door already reported the same request."""
        for known in self.leaks:
            if (known.door, known.method, known.url, known.detail) == (
                leak.door,
                leak.method,
                leak.url,
                leak.detail,
            ):
                return False
        self.leaks.append(leak)
        return True

    def tried(self, door: str) -> None:
        """Count one request through ``door``."""
        self.doors[door] = self.doors.get(door, 0) + 1

    @property
    def exit_code(self) -> int:
        """0 only when the audit ran in full, learnt walled text and found no leak."""
        if self.leaks:
            return EXIT_LEAKS
        if self.not_audited or self.walled == 0:
            return EXIT_NOT_AUDITED
        if self.incomplete:
            return EXIT_INCOMPLETE
        return EXIT_CLEAN

    @property
    def summary(self) -> str:
        """The last line of the command's output."""
        return f"leaks={len(self.leaks)} walled={self.walled} requests={self.requests}"

    def leak_doors(self) -> set[str]:
        """The doors through which something leaked."""
        return {leak.door for leak in self.leaks}

    def as_json(self) -> dict[str, Any]:
        """The report as JSON (the articles without their gated text)."""
        return {
            "target": self.target,
            "learnt_from": self.learnt_from,
            "walled": self.walled,
            "requests": self.requests,
            "exit_code": self.exit_code,
            "not_audited": self.not_audited or None,
            "incomplete": self.incomplete,
            "doors_tried": dict(sorted(self.doors.items())),
            "leaks": [asdict(leak) for leak in self.leaks],
            "notes": self.notes,
            "articles": [
                {"url": a.url, "id": a.article_id, "title": a.title, "gated_media": a.gated_media}
                for a in self.articles
            ],
        }

    def write_json(self, path: Path) -> None:
        """Write ``as_json`` to ``path``."""
        path.write_text(json.dumps(self.as_json(), indent=2) + "\n", encoding="utf-8")
