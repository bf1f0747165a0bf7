"""Matplotlib's SVG, rewritten so the site's Content-Security-Policy lets it draw.

The charts are inlined in the Dashboard's HTML, where ``style="…"`` attributes and
``<style>`` elements count as inline style, which the policy (``style-src 'self'``)
refuses: the charts would lose their colours. SVG's presentation attributes
(``fill="#417690"``) say the same thing and are not style under CSP, so every declaration
matplotlib writes becomes one. They also rank below any stylesheet, so the one ``<style>``
rule matplotlib adds (round joins for every element) moves to the root ``<svg>`` as
inherited attributes, where each element's own attributes still override it.
"""

from __future__ import annotations

import logging
import re

logger = logging.getLogger(__name__)

# The CSS properties matplotlib writes that SVG also offers as presentation attributes.
PRESENTATION = frozenset(
    {
        "clip-path",
        "clip-rule",
        "color",
        "display",
        "fill",
        "fill-opacity",
        "fill-rule",
        "font-family",
        "font-size",
        "font-stretch",
        "font-style",
        "font-variant",
        "font-weight",
        "letter-spacing",
        "opacity",
        "stroke",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-opacity",
        "stroke-width",
        "text-anchor",
        "visibility",
        "white-space",
    }
)
ROOT_DEFAULTS = ' stroke-linejoin="round" stroke-linecap="butt"'

# Matplotlib escapes <, >, & and quotes inside attribute values and < > & in text, so a tag
# never holds "<" or ">" and the tags can be found without an XML parser (which would
# rename the namespaces).
_TAG = re.compile(r"<[A-Za-z][^<>]*>")
_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"<style[^<>]*>[^<]*</style>\s*")


def _as_attributes(declarations: str) -> str:
    attributes: list[str] = []
    for declaration in declarations.split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip().lower(), value.strip()
        if not name or not value:
            continue
        if name not in PRESENTATION:
            # Dropped rather than kept as style: a kept one would be a CSP violation.
            logger.warning("chart style %r has no SVG attribute; dropped", name)
            continue
        attributes.append(f' {name}="{value}"')
    return "".join(attributes)


def _rewrite_tag(match: re.Match[str]) -> str:
    tag = match.group(0)
    return _STYLE_ATTRIBUTE.sub(lambda found: _as_attributes(found.group(1)), tag)


def without_inline_style(svg: str) -> str:
    """Return ``svg`` (matplotlib's output) with no ``style`` attribute or element."""
    svg = _STYLE_ELEMENT.sub("", svg)
    svg = _TAG.sub(_rewrite_tag, svg)
    return re.sub(r"<svg\b", "<svg" + ROOT_DEFAULTS, svg, count=1)
