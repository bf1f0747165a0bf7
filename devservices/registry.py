"""The kinds of service the launcher knows, by name.

A new kind (a Redis Cluster, a PostgreSQL replica, MariaDB, php-fpm, WordPress) is a
``Service`` subclass with a ``kind`` and the ``@register`` decorator, imported in
``devservices/__init__.py``; the launcher, its state file and the command line then
handle it like the others (``python -m devservices start KIND:field=value``).
"""

from __future__ import annotations

from typing import TypeVar

from devservices.base import Service

KINDS: dict[str, type[Service]] = {}

T = TypeVar("T", bound=type[Service])


def register(definition: T) -> T:
    """Class decorator: make ``definition`` available under its ``kind``."""
    if not definition.kind:
        raise TypeError(f"{definition.__name__} has no kind")
    if definition.kind in KINDS and KINDS[definition.kind] is not definition:
        raise TypeError(f"two definitions of kind {definition.kind!r}")
    KINDS[definition.kind] = definition
    return definition


def definition(kind: str) -> type[Service]:
    """Return the definition registered as ``kind``; raise KeyError naming the known ones."""
    try:
        return KINDS[kind]
    except KeyError:
        known = ", ".join(sorted(KINDS))
        raise KeyError(f"no service kind {kind!r} (known: {known})") from None
