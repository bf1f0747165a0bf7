"""The engines' published crawler address ranges, read from JSON files.

The format is the one Google and Bing publish::

    {"creationTime": "...", "prefixes": [{"ipv4Prefix": "66.249.64.0/27"},
                                         {"ipv6Prefix": "2001:4860:4801:10::/64"}]}

A refreshed copy in ``CRAWLERS_RANGES_DIR`` wins; otherwise the sample shipped in
``ranges/`` next to this module is read (see ``docs/crawlers.md``: samples, not the
engines' current lists). A file that cannot be read or parsed counts as empty, so range
checks fail closed while DNS verification still works.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import threading
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

SAMPLE_DIR = Path(__file__).resolve().parent / "ranges"
_PREFIX_KEYS = ("ipv4Prefix", "ipv6Prefix")

# Parsed files keyed by path, remembered with the (mtime, size) they were read at, so a
# refresh is picked up without restarting and an unchanged file is parsed once.
_parsed: dict[Path, tuple[tuple[int, int], tuple[Network, ...]]] = {}
_lock = threading.Lock()


class RangeFileError(ValueError):
    """A range file is not in the published format."""


def _network(entry: object) -> Network:
    if not isinstance(entry, dict):
        raise RangeFileError("each prefix must be an object")
    keys = [key for key in _PREFIX_KEYS if key in entry]
    if len(keys) != 1 or not isinstance(entry[keys[0]], str):
        raise RangeFileError("each prefix needs one ipv4Prefix or ipv6Prefix string")
    try:
        network = ipaddress.ip_network(entry[keys[0]], strict=False)
    except ValueError as exc:
        raise RangeFileError(f"{entry[keys[0]]!r} is not a network") from exc
    if (network.version == 4) != (keys[0] == "ipv4Prefix"):
        raise RangeFileError(f"{network} is under the wrong key")
    return network


def parse_ranges(text: str | bytes) -> tuple[Network, ...]:
    """Return the networks of one range file; raise ``RangeFileError`` when malformed.

    A file without any prefix is refused too: it would quietly turn range checks off.
    """
    try:
        document = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise RangeFileError(f"not JSON: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("prefixes"), list):
        raise RangeFileError('expected an object with a "prefixes" list')
    networks = tuple(_network(entry) for entry in document["prefixes"])
    if not networks:
        raise RangeFileError("the prefixes list is empty")
    return networks


def ranges_dir() -> Path:
    """Return the directory refreshed range files are written to and read from."""
    configured = getattr(settings, "CRAWLERS_RANGES_DIR", "")
    return Path(configured) if configured else SAMPLE_DIR


def path_for(filename: str) -> Path | None:
    """Return the file to read for ``filename``: refreshed copy, else sample, else None."""
    if Path(filename).name != filename:
        return None  # a configured name must not walk out of the directory
    for directory in (ranges_dir(), SAMPLE_DIR):
        candidate = directory / filename
        if candidate.is_file():
            return candidate
    return None


def _load(path: Path) -> tuple[Network, ...]:
    stat = path.stat()
    stamp = (stat.st_mtime_ns, stat.st_size)
    with _lock:
        cached = _parsed.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    networks = parse_ranges(path.read_bytes())
    with _lock:
        _parsed[path] = (stamp, networks)
    return networks


def networks_in(filename: str) -> tuple[Network, ...]:
    """Return the networks listed in ``filename``; empty when missing or unreadable."""
    path = path_for(filename)
    if path is None:
        return ()
    try:
        return _load(path)
    except (OSError, RangeFileError) as exc:
        logger.warning("crawler range file %s unreadable: %s", path, exc)
        return ()


def is_listed(address: IPAddress, filenames: tuple[str, ...]) -> bool:
    """Return True when ``address`` lies inside a network of any of ``filenames``."""
    return any(
        address in network
        for filename in filenames
        for network in networks_in(filename)
        if network.version == address.version
    )
