"""Pointing the origin's absolute links at the public host (or making them root-relative).

WordPress writes every link with its own site address. Through the gateway that address
must never reach a reader: it names a host that only the gateway may reach, and links to
it would leave the paywall behind. JSON escapes the slashes (``http:\\/\\/``), so both
spellings are rewritten.
"""

from __future__ import annotations


def rewrite(text: str, origin: str, public: str) -> str:
    """Return ``text`` with ``origin`` (scheme://host[:port]) replaced by ``public``.

    ``public`` empty makes the links root-relative (for gated parts, which any host serves).
    """
    if not origin:
        return text
    text = text.replace(origin, public)
    return text.replace(origin.replace("/", "\\/"), public.replace("/", "\\/"))
