"""Turn an editor's Markdown or HTML into safe HTML, once, on save."""

from __future__ import annotations

import html

import nh3
from markdown_it import MarkdownIt

# Inline and simple block tags a story needs; no scripts, styles, iframes or event handlers.
_ALLOWED_TAGS = {
    "a",
    "b",
    "blockquote",
    "br",
    "code",
    "em",
    "i",
    "li",
    "ol",
    "p",
    "s",
    "strong",
    "sub",
    "sup",
    "ul",
    "abbr",
    "cite",
    "q",
    "small",
    "span",
    "mark",
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
# The typographer's rules are off in the commonmark preset: turn on curly quotes and
# apostrophes (smartquotes) and dashes, ellipses and (c) (replacements). Code stays as typed.
_markdown = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": True}).enable(
    ["replacements", "smartquotes"]
)


# Standing pages (About, Terms) may also have section headings; the page title is the h1.
_PAGE_TAGS = _ALLOWED_TAGS | {"h2", "h3", "h4"}


def sanitise_html(raw: str, *, tags: set[str] | None = None) -> str:
    """Return ``raw`` with every tag and attribute outside the allow-list removed."""
    return nh3.clean(
        raw,
        tags=tags or _ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def render_block_html(kind: str, text: str) -> str:
    """Return the safe HTML for a block's text.

    Paragraph text is Markdown (inline HTML allowed, then sanitised); headings and
    quotes are plain text and are escaped whole.
    """
    if kind == "paragraph":
        return sanitise_html(_markdown.render(text or "")).strip()
    return html.escape(text or "")


def render_page_html(text: str) -> str:
    """Return a standing page's Markdown as safe HTML, with h2 to h4 headings allowed."""
    return sanitise_html(_markdown.render(text or ""), tags=_PAGE_TAGS).strip()
