"""Names for uploaded files: a random token under a folder, never the name the uploader chose.

An upload's original name is guessable ("images/council-vote.jpg") and says things of
its own; a random name is neither. The extension is kept (lower-cased, letters and digits
only) because media answers choose their type by it.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.utils.deconstruct import deconstructible

_EXTENSION = re.compile(r"^[a-z0-9]{1,8}$")


@deconstructible
class RandomName:
    """An ``upload_to`` that names a file ``<folder>/<token><.ext>`` (``token`` 128 bits)."""

    def __init__(self, folder: str) -> None:
        self.folder = folder.strip("/")

    def __call__(self, instance: Any, filename: str) -> str:
        """Return the new storage name for an upload originally called ``filename``."""
        return random_name(self.folder, filename)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomName) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(("RandomName", self.folder))


def random_name(folder: str, filename: str) -> str:
    """Return ``<folder>/<random token><.ext>`` keeping only a plain extension of ``filename``."""
    base = filename.rsplit("/", 1)[-1]
    extension = base.rsplit(".", 1)[-1].lower() if "." in base else ""
    suffix = f".{extension}" if _EXTENSION.match(extension) else ""
    return f"{folder.strip('/')}/{secrets.token_urlsafe(16)}{suffix}"
