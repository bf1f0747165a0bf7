"""The JSON body reader: an object or a clean 400 message, whatever arrives."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory

from masthead.core.jsonbody import (
    DEFAULT_MAX_DEPTH,
    MAX_INT_DIGITS,
    BadJSON,
    parse_json_object,
    read_json_object,
)


def _request(body: bytes, content_length: str | None = None):
    request = RequestFactory().post("/x/", data=body, content_type="application/json")
    if content_length is not None:
        request.META["CONTENT_LENGTH"] = content_length
    return request


def _read(body: bytes | str, max_bytes: int = 4096, **kwargs: object) -> dict[str, object]:
    raw = body.encode() if isinstance(body, str) else body
    return read_json_object(_request(raw), max_bytes=max_bytes, **kwargs)  # type: ignore[arg-type]


def _refusal(body: bytes | str, **kwargs: object) -> str:
    with pytest.raises(BadJSON) as caught:
        _read(body, **kwargs)  # type: ignore[arg-type]
    return str(caught.value)


def test_it_returns_an_object() -> None:
    assert _read('{"article": 7, "gift": null}') == {"article": 7, "gift": None}


@pytest.mark.parametrize("depth", [2_000, 100_000])
def test_it_refuses_deep_nesting_without_recursing(depth: int) -> None:
    # json.loads would raise RecursionError here; the reader must answer first.
    message = _refusal("[" * depth, max_bytes=depth + 1)
    assert f"deeper than {DEFAULT_MAX_DEPTH} levels" in message
    message = _refusal('{"a":' * depth, max_bytes=6 * depth)
    assert "deeper than" in message


def test_it_allows_nesting_up_to_the_limit() -> None:
    body = '{"a": ' + "[" * (DEFAULT_MAX_DEPTH - 1) + "]" * (DEFAULT_MAX_DEPTH - 1) + "}"
    assert _read(body) == {"a": json.loads("[" * 15 + "]" * 15)}
    assert "deeper" in _refusal('{"a": ' + "[" * DEFAULT_MAX_DEPTH + "]" * DEFAULT_MAX_DEPTH + "}")


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    text = "[" * 100 + '\\"{' * 50
    assert _read(json.dumps({"note": text})) == {"note": text}


def test_it_refuses_huge_and_non_finite_numbers() -> None:
    digits = "9" * (MAX_INT_DIGITS + 1)
    assert f"at most {MAX_INT_DIGITS} digits" in _refusal(f'{{"article": {digits}}}')
    assert f"at most {MAX_INT_DIGITS} digits" in _refusal(f'{{"article": -{digits}}}')
    assert "finite" in _refusal('{"article": 1e999}')
    for constant in ("NaN", "Infinity", "-Infinity"):
        assert "no such number" in _refusal(f'{{"article": {constant}}}')
    assert _read('{"article": 1e308, "n": 10000000000000000000000000000000}')["article"] == 1e308


@pytest.mark.parametrize("body", ["[]", "null", "7", '"text"', "true", "[1, 2]"])
def test_it_refuses_anything_but_an_object_at_the_top(body: str) -> None:
    assert _refusal(body) == "The request body must be a JSON object."
    example = '{"article": id}'
    assert _refusal(body, example=example) == f"The request body must be a JSON object: {example}."


@pytest.mark.parametrize("body", [b"", b"not json", b'{"article":', b"{'a': 1}", b"\x00"])
def test_it_refuses_text_that_is_not_json(body: bytes) -> None:
    assert _refusal(body) == "The request body is not valid JSON."


@pytest.mark.parametrize("body", [b"\xff\xfe", b'{"a": "\xc3"}', b"\xed\xa0\x80"])
def test_it_refuses_bytes_that_are_not_utf8(body: bytes) -> None:
    assert "must be UTF-8" in _refusal(body)


def test_it_refuses_an_oversize_body_by_its_length_and_by_what_arrives() -> None:
    too_large = "The request body must be JSON of at most 16 bytes."
    assert _refusal('{"a": "' + "x" * 20 + '"}', max_bytes=16) == too_large
    for declared in ("999999", "-1", "abc"):
        with pytest.raises(BadJSON, match="at most 16 bytes"):
            read_json_object(_request(b"{}", content_length=declared), max_bytes=16)
    # More arrives than was declared: only max_bytes + 1 bytes are read, and refused.
    with pytest.raises(BadJSON, match="at most 16 bytes"):
        read_json_object(_request(b'{"a": "' + b"x" * 50 + b'"}', content_length="5"), max_bytes=16)


def test_parse_accepts_bytes_directly() -> None:
    assert parse_json_object(b'{"ads": [1, 2]}') == {"ads": [1, 2]}
    with pytest.raises(BadJSON):
        parse_json_object(b"[" * 50, max_depth=3)
