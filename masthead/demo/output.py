"""Where each part of the demo reports what it loaded."""

from __future__ import annotations

from typing import Protocol


class Output(Protocol):
    """Anything with ``write(text)``: a command's stdout, or a ``StringIO`` in tests."""

    def write(self, text: str, /) -> object:
        """Write ``text`` as it is (callers end their own lines)."""
