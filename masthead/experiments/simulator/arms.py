"""Arms: partial policies with traffic shares, and the keyed-hash assignment of readers.

An arm overrides some of the policy's own fields and leaves the rest to the base policy,
so shipping an arm later means applying the same overrides. A reader's arm depends only
on the experiment's key and the visitor id: it is sticky without any storage, and
independent between experiments with different keys.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from masthead.access import WINDOWS, FailMode, Policy

#: Policy fields an arm may not touch: the time zone is the publication's, not a rule.
_NOT_EXPERIMENTABLE = frozenset({"time_zone"})
POLICY_FIELDS: frozenset[str] = frozenset(
    f.name for f in dataclasses.fields(Policy) if f.name not in _NOT_EXPERIMENTABLE
)


@dataclass(frozen=True)
class Arm:
    """One arm: a name, its traffic share and its overrides of the base policy."""

    name: str
    share: float
    overrides: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, name: str, share: float, overrides: Mapping[str, object] | None = None) -> Arm:
        """Return an arm, checking that every override names a policy field."""
        pairs = tuple(sorted((overrides or {}).items()))
        unknown = sorted(field for field, _ in pairs if field not in POLICY_FIELDS)
        if unknown:
            raise ValueError(f"arm {name!r}: unknown policy setting(s) {', '.join(unknown)}")
        return cls(name, share, pairs)

    def policy(self, base: Policy) -> Policy:
        """Return ``base`` with this arm's overrides applied."""
        fields: dict[str, Any] = dict(self.overrides)
        return dataclasses.replace(base, **fields)


def check_arms(arms: Sequence[Arm]) -> None:
    """Raise ValueError unless the arms have distinct names and positive shares adding to 1."""
    if not arms:
        raise ValueError("an experiment needs at least one arm")
    names = [arm.name for arm in arms]
    if len(set(names)) != len(names):
        raise ValueError(f"arm names must be distinct, got {names}")
    if any(arm.share <= 0 for arm in arms):
        raise ValueError("every arm needs a positive share")
    total = sum(arm.share for arm in arms)
    if abs(total - 1.0) > 1e-9:
        raise ValueError(f"arm shares must add up to 1, they add up to {total:g}")


def hash_unit(visitor_id: str, key: bytes) -> float:
    """Return a number in [0, 1) from a keyed BLAKE2b hash of the visitor id.

    Keyed, so a visitor cannot choose an id that lands in a chosen arm without the key,
    and two experiments with different keys split readers independently.
    """
    digest = hashlib.blake2b(visitor_id.encode(), key=key, digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2.0**64


def assign(visitor_ids: Sequence[str], arms: Sequence[Arm], key: bytes) -> NDArray[np.int64]:
    """Return each visitor's arm index: the arm whose cumulative share covers its hash."""
    check_arms(arms)
    units = np.fromiter((hash_unit(v, key) for v in visitor_ids), np.float64, len(visitor_ids))
    edges = np.cumsum([arm.share for arm in arms])[:-1]
    return np.searchsorted(edges, units, side="right").astype(np.int64)


def parse_override(text: str) -> tuple[str, object]:
    """Return ``(field, value)`` from ``FIELD=VALUE``, the value typed like the field.

    Sections are comma-separated (``walled_sections=politics,business``; empty for none).
    """
    field, sep, raw = text.partition("=")
    field, raw = field.strip(), raw.strip()
    if not sep or field not in POLICY_FIELDS:
        known = ", ".join(sorted(POLICY_FIELDS))
        raise ValueError(f"{text!r}: expected FIELD=VALUE with FIELD one of {known}")
    default = getattr(Policy(), field)
    if isinstance(default, bool):
        if raw.lower() not in {"true", "false", "1", "0", "yes", "no"}:
            raise ValueError(f"{field} takes true or false, got {raw!r}")
        return field, raw.lower() in {"true", "1", "yes"}
    if isinstance(default, int):
        try:
            value = int(raw)
        except ValueError:
            raise ValueError(f"{field} takes a whole number, got {raw!r}") from None
        if value < 0:
            raise ValueError(f"{field} cannot be negative, got {value}")
        return field, value
    if isinstance(default, frozenset):
        return field, frozenset(part.strip() for part in raw.split(",") if part.strip())
    if field == "window" and raw not in WINDOWS:
        raise ValueError(f"window takes one of {', '.join(WINDOWS)}, got {raw!r}")
    if field == "fail_mode" and raw not in (FailMode.OPEN, FailMode.CLOSED):
        raise ValueError(f"fail_mode takes open or closed, got {raw!r}")
    return field, raw


def parse_arm(text: str) -> Arm:
    """Return an arm from ``NAME=SHARE[:FIELD=VALUE[;FIELD=VALUE...]]``."""
    head, _, rest = text.partition(":")
    name, sep, share_text = head.partition("=")
    if not sep or not name.strip():
        raise ValueError(f"{text!r}: expected NAME=SHARE[:FIELD=VALUE;...]")
    try:
        share = float(share_text)
    except ValueError:
        raise ValueError(f"{text!r}: the share must be a number") from None
    overrides = dict(parse_override(part) for part in rest.split(";") if part.strip())
    return Arm.of(name.strip(), share, overrides)
