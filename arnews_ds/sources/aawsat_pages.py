"""Adapter for Asharq Al-Awsat page dumps (DESIGN §4 "aawsat-pages"): several scraped article pages per text file.

A page is: title, blank, caption (printed twice or more), `TT`, blank, title again, blank, caption again, blank,
body paragraphs, then an optional «مقالات ذات صلة» block of related cards. The `TT` line (a font-size widget) is
the anchor: every page header ends with it, and nothing else in a page is a bare `TT`. The first line after `TT`
repeats the title, which tells the title line apart from the previous page's last line where a crawler appended
pages with no blank line (or no newline) between them. Everything before a header belongs to the previous page.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from ..record import Article, Provenance, RelatedCard, Rejection
from ..text import clean_line
from .aawsat_sections import SECTIONS
from .common import folder_rejection, make_article

SOURCE = CORPUS = "aawsat-pages"
OUTLET = "aawsat"
TT = "TT"
RELATED = "مقالات ذات صلة"

_AUTHOR = re.compile(r"^(?P<name>.+?)\s*\((?P<city>[^()]+)\)$")
_ARABIC = re.compile("[\u0600-\u06ff]")
# Longest first, so `العالم العربي` wins over `العالم`.
_SECTIONS = tuple(sorted(set(SECTIONS), key=len, reverse=True))


@dataclass(frozen=True)
class _Header:
    start: int  # line index of the title
    tt: int  # line index of the `TT` line
    title: str
    captions: tuple[str, ...]


@dataclass(frozen=True)
class _Page:
    """One raw record: a header plus the lines after it, or a problem that makes it a rejection."""

    title: str
    captions: tuple[str, ...]
    content: list[str]  # lines after `TT`, furniture still in front
    problem: tuple[str, str] | None = None  # (code, reason)


def read(path: str | os.PathLike) -> Iterator[Article | Rejection]:
    """Yield one Article or Rejection per page of one dump file, in file order; never raises on bad input."""
    name = os.path.basename(os.fspath(path))
    if folder := folder_rejection(SOURCE, path, "a page-dump .txt file"):
        yield folder
        return
    lines = _load_lines(path, name)
    if isinstance(lines, Rejection):
        yield lines
        return
    pages = _pages(lines)
    if len(pages) == 1 and pages[0].problem and pages[0].problem[0] == "wrong_shape":
        # Nothing in the file looks like a page: the whole file is the bad input.
        yield Rejection(SOURCE, name, None, None, pages[0].problem[1], "wrong_shape")
        return
    for index, page in enumerate(pages):
        yield _to_item(page, Provenance(name, None, index))


def _load_lines(path: str | os.PathLike, name: str) -> list[str] | Rejection:
    """Strictly decoded, cleaned lines of the file (blank lines become "")."""
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        return Rejection(SOURCE, name, None, None, f"cannot read file: {e.strerror or e}", "unreadable")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return Rejection(SOURCE, name, None, None, f"not valid UTF-8 (byte {e.start})", "not_utf8")
    if "\x00" in text:
        return Rejection(SOURCE, name, None, None, "contains NUL bytes: a binary file, not a page dump", "wrong_shape")
    lines = [clean_line(line) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    if not any(lines):
        return Rejection(SOURCE, name, None, None, "empty file", "empty_file")
    return lines


def _pages(lines: list[str]) -> list[_Page]:
    """Cut the file into pages at each header; mark a page cut off by the end of the file as truncated."""
    lines, headers = _find_headers(lines)
    cut = _cut_header_start(lines, headers[-1].tt + 1 if headers else 0)
    if cut is not None and headers and _is_own_repeat(lines, headers[-1], cut):
        cut = None  # the cut copy is the last header's own repeat: that page itself is truncated (below)
    end = cut if cut is not None else len(lines)
    first = headers[0].start if headers else end
    pages = [_preamble_page(lines[:first])] if any(lines[:first]) else []
    ends = [h.start for h in headers[1:]] + [end]
    pages += [_Page(h.title, h.captions, lines[h.tt + 1 : e]) for h, e in zip(headers, ends)]
    if cut is not None:
        pages.append(_Page(lines[cut], (), [], ("truncated", "file ends inside an article header (before TT)")))
    elif pages and not pages[-1].problem and not _strip_furniture(
        pages[-1].content, pages[-1].title, pages[-1].captions, partial=True
    ):
        # Nothing but (cut-short) header lines before the end of the file: the page was cut, not written empty.
        pages[-1] = replace(pages[-1], problem=("truncated", "file ends inside an article header"))
    return pages


def _is_own_repeat(lines: list[str], header: _Header, cut: int) -> bool:
    """Whether a cut header at `cut` is the title + captions printed again right after `header`'s `TT`."""
    return lines[cut] == header.title and not _strip_furniture(lines[header.tt + 1 : cut], header.title, ())


def _find_headers(lines: list[str]) -> tuple[list[str], list[_Header]]:
    """Headers in file order, and the lines with any title that was glued to the previous page split off.

    A crawler that appends a page to one without a final newline glues the new title to the old last line.
    """
    lines = list(lines)
    headers: list[_Header] = []
    t = 0
    while t < len(lines):
        if lines[t] == TT and (header := _header_at(lines, t, headers[-1].tt + 1 if headers else 0)):
            if lines[header.start] != header.title:  # glued: `<previous page's tail><title>` on one line
                tail = lines[header.start][: -len(header.title)]
                lines[header.start : header.start + 1] = [tail, header.title]
                header = replace(header, start=header.start + 1, tt=t + 1)
                t += 1
            headers.append(header)
        t += 1
    return lines, headers


def _header_at(lines: list[str], t: int, floor: int) -> _Header | None:
    """The header ending at the `TT` line `t`, or None.

    Shapes: title, blank(s), caption×k, TT (k ≥ 0) — or, without a blank, title and captions directly above TT.
    The first line after `TT` repeats the title, so that repeat decides which line is the title: where two pages
    meet without a blank line, the line above the title is the previous page's, not a title. Only a header cut
    before its repeat (end of file) falls back to the shape alone.
    """
    r = t  # start of the run of non-blank lines right above TT (the captions, or the title and captions)
    while r > floor and lines[r - 1]:
        r -= 1
    run = lines[r:t]
    j = r - 1  # the first non-blank line above the run: the title in the usual shape
    while j >= floor and not lines[j]:
        j -= 1
    after = (lines[i] for i in range(t + 1, len(lines)) if lines[i])
    repeat = next(after, None)
    if repeat is not None:
        is_cut = next(after, None) is None  # the repeat is the file's last line and may be cut short
        if j >= floor and (title := _title_in(lines[j], repeat, is_cut)):
            return _Header(j, t, title, _captions(run))
        for k in range(r, t):
            if title := _title_in(lines[k], repeat, is_cut):
                return _Header(k, t, title, _captions(lines[k + 1 : t]))
    # Cut before the repeat: copies of one caption above TT, else a title standing alone between blank lines.
    is_copies = len(run) > 1 and len(set(run)) == 1
    if j >= floor and (is_copies or (len(run) != 1 and (j == 0 or not lines[j - 1]))):
        return _Header(j, t, lines[j], _captions(run))
    if run:
        return _Header(r, t, run[0], _captions(run[1:]))
    return None


def _title_in(line: str, repeat: str, is_cut: bool) -> str | None:
    """The title on `line` when `repeat` prints it again: the whole line, or its end where another page's tail
    is glued in front; with a `repeat` cut short by the end of the file, a line it begins."""
    if line == repeat or (is_cut and line.startswith(repeat)):
        return line
    return repeat if line.endswith(repeat) else None


def _captions(run: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(run))


def _cut_header_start(lines: list[str], floor: int) -> int | None:
    """Index of a header cut off before its `TT` at the end of the file, else None.

    Recognised by its shape: a title line, blank, then a caption followed by copies of it (the last copy, or a
    final `T`, possibly cut short), or a title directly above a cut `T`. Only a caption is printed twice in a row,
    so the line above it is the title even where no blank line separates it from the previous page. A single
    caption line cannot be told from a body paragraph.
    """
    end = len(lines)
    while end > floor and not lines[end - 1]:
        end -= 1
    r = end
    while r > floor and lines[r - 1]:
        r -= 1
    run = lines[r:end]
    copies = run[1:-1] if run and TT.startswith(run[-1]) and run[-1] != TT else run[1:]
    if len(run) < 2 or not all(run[0].startswith(c) for c in copies):
        return None
    if not copies:
        return r  # a title, then a cut `TT`: a page without image
    j = r - 1
    while j >= floor and not lines[j]:
        j -= 1
    return j if j >= floor else None


def _preamble_page(lines: list[str]) -> _Page:
    """Text before the first header: leniently a page without image and `TT` (title, then body)."""
    first = next(i for i, line in enumerate(lines) if line)
    title = lines[first]
    if not _ARABIC.search(title):
        return _Page(title, (), [], ("wrong_shape", "no page header (title … TT) and no Arabic title line"))
    return _Page(title, (), lines[first + 1 :])


def _strip_furniture(lines: list[str], title: str, captions: tuple[str, ...], partial: bool = False) -> list[str]:
    """Drop blanks, `TT`, the repeated title and captions in front of the body.

    `partial` also drops cut-short copies of them: used only to tell a header cut by the end of the file.
    """
    marks = (title, TT, *captions)
    i = 0
    while i < len(lines) and (
        not lines[i] or lines[i] in marks or (partial and any(m.startswith(lines[i]) for m in marks))
    ):
        i += 1
    return lines[i:]


def _to_item(page: _Page, prov: Provenance) -> Article | Rejection:
    if page.problem:
        code, reason = page.problem
        return Rejection(SOURCE, prov.file, prov.member, prov.index, reason, code)
    rest = _strip_furniture(page.content, page.title, page.captions)
    at = rest.index(RELATED) if RELATED in rest else len(rest)
    return make_article(
        source=SOURCE,
        corpus=CORPUS,
        outlet=OUTLET,
        provenance=prov,
        title=page.title,
        body="\n".join(rest[:at]),
        captions=page.captions,
        related=_parse_cards(rest[at + 1 :]),
    )


def _parse_cards(block: list[str]) -> tuple[RelatedCard, ...]:
    """Cards of a related block: `<section> <caption>`, title, summary, then an optional `author (city)` line.

    The block opens with the first card's title printed alone; it is not a card. After a summary, the next line is
    an author line only when the next card line follows it directly (no blank line) or it ends the block.
    """
    lines: list[tuple[str, bool]] = []  # non-blank lines, each with whether a blank line came right before it
    gap = True
    for line in block:
        if line:
            lines.append((line, gap))
        gap = not line
    lines = lines[1:]
    cards: list[RelatedCard] = []
    i = 0
    while i + 1 < len(lines):
        head, title = lines[i][0], lines[i + 1][0]
        summary = lines[i + 2][0] if i + 2 < len(lines) else None
        i += 3
        byline = None
        if i < len(lines) and (i + 1 == len(lines) or not lines[i + 1][1]):
            byline = lines[i][0]
            i += 1
        cards.append(_card(head, title, summary, byline))
    return tuple(cards)


def _card(head: str, title: str, summary: str | None, byline: str | None) -> RelatedCard:
    section, caption = split_section(head)
    author, dateline = byline, None
    if byline and (m := _AUTHOR.match(byline)):
        author, dateline = m["name"], m["city"].strip()
    return RelatedCard(section, caption, title, summary, author, dateline)


def split_section(line: str) -> tuple[str | None, str | None]:
    """`<section> <caption>` → (section, caption) by the longest known section; unknown → (None, line)."""
    for section in _SECTIONS:
        if line == section:
            return section, None
        if line.startswith(section + " "):
            return section, line[len(section) + 1 :]
    return None, line
