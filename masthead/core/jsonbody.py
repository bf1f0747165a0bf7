"""Reading a JSON request body: bounded in size and depth, an object at the top, or a 400.

Python's ``json`` recurses once per nesting level, so ``"[" * 2000`` would raise
``RecursionError`` (a 500) before any type check ran; the depth is therefore measured on
the text first. Numbers are bounded too: ``1e999`` parses to infinity and a
5,000-digit integer trips Python's own digit limit with a confusing message.
"""

from __future__ import annotations

import json
import math
from typing import Any

from django.http import HttpRequest

DEFAULT_MAX_DEPTH = 16
MAX_INT_DIGITS = 64


class BadJSON(ValueError):
    """The request body cannot be used; the message is safe to show the caller."""


def read_json_object(
    request: HttpRequest,
    *,
    max_bytes: int,
    max_depth: int = DEFAULT_MAX_DEPTH,
    example: str = "",
) -> dict[str, Any]:
    """Return the request's JSON body as a dict; raise ``BadJSON`` with a clear message.

    The body is refused when its declared or actual length exceeds ``max_bytes``, when it
    is not UTF-8 JSON, when arrays and objects nest deeper than ``max_depth``, when a
    number is out of range (``NaN``, infinities, integers of more than ``MAX_INT_DIGITS``
    digits), or when its top level is not an object. ``example`` (say
    ``{"article": id}``) is quoted in the last message to show the expected shape.
    """
    raw = read_body(request, max_bytes=max_bytes)
    return parse_json_object(raw, max_depth=max_depth, example=example)


def read_body(request: HttpRequest, *, max_bytes: int) -> bytes:
    """Return the raw request body; raise ``BadJSON`` when it is longer than ``max_bytes``.

    For endpoints that must see the bytes as sent before parsing them (a signed webhook
    checks its signature over the exact bytes): they read here, verify, and only then
    parse, with ``parse_json_object`` or a library that has checked the signature first.
    Both the declared ``Content-Length`` and the bytes actually read are bounded.
    """
    too_large = f"The request body must be JSON of at most {max_bytes} bytes."
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not str(declared).isdigit() or int(declared) > max_bytes:
        raise BadJSON(too_large)
    raw = request.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise BadJSON(too_large)
    return raw


def parse_json_object(
    raw: bytes, *, max_depth: int = DEFAULT_MAX_DEPTH, example: str = ""
) -> dict[str, Any]:
    """Return ``raw`` (UTF-8 JSON) as a dict; raise ``BadJSON`` as ``read_json_object``."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadJSON("The request body is not valid JSON (it must be UTF-8).") from exc
    if _nesting_depth(text) > max_depth:
        raise BadJSON(f"The request body nests deeper than {max_depth} levels.")
    try:
        body = json.loads(
            text,
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_refuse_constant,
        )
    except BadJSON:
        raise
    except ValueError as exc:
        raise BadJSON("The request body is not valid JSON.") from exc
    if not isinstance(body, dict):
        shape = f": {example}" if example else ""
        raise BadJSON(f"The request body must be a JSON object{shape}.")
    return body


def whole_number(value: object) -> int | None:
    """Return ``value`` as an int when JSON Schema would call it an integer, else None.

    JSON does not tell ``2`` from ``2.0``, and JSON Schema's ``integer`` accepts both, so an
    endpoint documented as taking an integer must too. Booleans are not numbers here
    (Python's ``True`` is an ``int``).
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _nesting_depth(text: str) -> int:
    """Return how deep arrays and objects nest in ``text``, ignoring brackets in strings."""
    if text.count("[") + text.count("{") == 0:
        return 0
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise BadJSON(f"Numbers in the request body may have at most {MAX_INT_DIGITS} digits.")
    return int(text)


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BadJSON("Numbers in the request body must be finite.")
    return value


def _refuse_constant(text: str) -> Any:
    raise BadJSON(f"The request body may not contain {text}; JSON has no such number.")
