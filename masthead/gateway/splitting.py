"""Cutting an origin page's body into the lead-in and the gated part, by byte offsets.

The page is never re-serialised: a parser only finds where things are (the body
container, its direct children, the origin's own break), and the preview is the origin's
text with one range removed. What the origin wrote stays exactly as it wrote it, so the
theme's markup, scripts and styles keep working.

A page is **unsplittable** when the container is missing, has no paragraph to lead in
with, or would leave nothing gated: the caller then serves the page with the whole body
removed and releases nothing (fail closed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

# Elements that never have an end tag: they must not deepen the parser's nesting count.
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
MORE_ID = re.compile(r"^more-\d+$")


class Unsplittable(Exception):
    """The page has no place to cut; the message says why (for the log)."""


@dataclass(frozen=True)
class BodyRule:
    """Where the body is and where it is cut.

    ``container``: ``tag.class.class`` (every class must be present). ``break_class``: a
    class an editor puts on the first gated block (optional). ``lead_paragraphs``: how many
    ``<p>`` children lead in when neither the origin's ``<!--more-->`` nor a break class is
    found.
    """

    container: str = "div.entry-content.wp-block-post-content"
    break_class: str = ""
    lead_paragraphs: int = 2

    @property
    def tag(self) -> str:
        """The container's element name."""
        return self.container.split(".")[0].lower() or "div"

    @property
    def classes(self) -> frozenset[str]:
        """The classes the container must carry."""
        return frozenset(part for part in self.container.split(".")[1:] if part)


@dataclass(frozen=True)
class Child:
    """One direct child element of the container: its tag, offsets and break marks."""

    tag: str
    start: int
    end: int
    is_more: bool = False  # the origin's <!--more--> span, or an element containing it
    more_first: bool = False  # the span came before any text inside this child
    is_break: bool = False  # carries the editor's break class


@dataclass(frozen=True)
class Split:
    """The offsets that matter: the container's inside and the cut."""

    inner_start: int  # just after the container's start tag
    inner_end: int  # where the container's end tag starts
    container_start: int
    container_end: int  # just after the container's end tag
    cut: int  # the gated part is text[cut:inner_end]

    def lead_in(self, text: str) -> str:
        """Return the body up to the cut."""
        return text[self.inner_start : self.cut]

    def gated(self, text: str) -> str:
        """Return the body after the cut."""
        return text[self.cut : self.inner_end]


class _Finder(HTMLParser):
    """Records the container's position and its direct children."""

    def __init__(self, text: str, rule: BodyRule) -> None:
        super().__init__(convert_charrefs=True)
        self.text = text
        self.rule = rule
        self.line_starts = [0]
        for match in re.finditer("\n", text):
            self.line_starts.append(match.end())
        self.depth = 0  # inside the container: 1 = the container itself
        self.container_start = -1
        self.inner_start = -1
        self.inner_end = -1
        self.container_end = -1
        self.children: list[Child] = []
        self._child: dict[str, object] | None = None
        self._child_has_text = False

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def _tag_end(self, start: int) -> int:
        end = self.text.find(">", start)
        return len(self.text) if end < 0 else end + 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        found = dict(attrs)
        if self.inner_end >= 0:
            return
        if self.depth == 0:
            classes = set((found.get("class") or "").split())
            if tag == self.rule.tag and self.rule.classes <= classes and self.container_start < 0:
                self.container_start = start
                self.inner_start = start + len(self.get_starttag_text() or "")
                self.depth = 1
            return
        is_more = tag == "span" and MORE_ID.match(found.get("id") or "") is not None
        if self.depth == 1:
            classes = set((found.get("class") or "").split())
            self._child = {
                "tag": tag,
                "start": start,
                "is_more": is_more,
                "more_first": is_more,
                "is_break": bool(self.rule.break_class) and self.rule.break_class in classes,
            }
            self._child_has_text = False
            if tag in VOID:
                self._close_child(start + len(self.get_starttag_text() or ""))
                return
        elif is_more and self._child is not None and not self._child["is_more"]:
            self._child["is_more"] = True
            self._child["more_first"] = not self._child_has_text
        if tag not in VOID:
            self.depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/>, <img ... />: no depth change, but a direct child all the same.
        if self.depth == 1 and self.inner_end < 0:
            start = self._offset()
            self.children.append(Child(tag, start, start + len(self.get_starttag_text() or "")))

    def handle_endtag(self, tag: str) -> None:
        if self.depth == 0 or self.inner_end >= 0 or tag in VOID:
            return
        start = self._offset()
        self.depth -= 1
        if self.depth == 1 and self._child is not None:
            self._close_child(self._tag_end(start))
        elif self.depth == 0:
            self.inner_end = start
            self.container_end = self._tag_end(start)

    def handle_data(self, data: str) -> None:
        if self.depth >= 2 and data.strip():
            self._child_has_text = True

    def _close_child(self, end: int) -> None:
        child = self._child
        assert child is not None
        self.children.append(
            Child(
                str(child["tag"]),
                int(str(child["start"])),
                end,
                bool(child["is_more"]),
                bool(child["more_first"]),
                bool(child["is_break"]),
            )
        )
        self._child = None


def find_split(text: str, rule: BodyRule) -> Split:
    """Return where ``text`` (a whole page or a fragment) is cut; raise ``Unsplittable``.

    The cut, in order of preference: before the origin's ``<!--more-->`` span (or after
    the paragraph that holds it, when text comes first), before the first child with the
    editor's break class, or after ``lead_paragraphs`` paragraphs.
    """
    finder = _Finder(text, rule)
    finder.feed(text)
    finder.close()
    if finder.container_start < 0:
        raise Unsplittable(f"no {rule.container} in the page")
    if finder.inner_end < 0:
        raise Unsplittable(f"{rule.container} is never closed")
    children = finder.children
    cut = _cut(children, rule)
    if cut is None:
        raise Unsplittable("no paragraph to lead in with")
    if not text[cut : finder.inner_end].strip():
        raise Unsplittable("nothing after the cut")
    if not any(child.tag == "p" for child in children if child.end <= cut):
        raise Unsplittable("no paragraph before the cut")
    return Split(
        finder.inner_start, finder.inner_end, finder.container_start, finder.container_end, cut
    )


def _cut(children: list[Child], rule: BodyRule) -> int | None:
    for index, child in enumerate(children):
        if child.is_more:
            if child.more_first or child.tag == "span":
                return child.start
            following = children[index + 1] if index + 1 < len(children) else None
            return following.start if following else child.end
    for child in children:
        if child.is_break:
            return child.start
    seen = 0
    for index, child in enumerate(children):
        if child.tag == "p":
            seen += 1
            if seen == rule.lead_paragraphs:
                following = children[index + 1] if index + 1 < len(children) else None
                return following.start if following else None
    return None


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def plain_text(html: str) -> str:
    """Return the words of an HTML fragment, entities decoded, whitespace collapsed."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())
