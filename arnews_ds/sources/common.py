"""Helpers every adapter shares: turn cleaned raw fields into an `Article` or a `Rejection`."""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..ids import article_id
from ..record import Article, Provenance, RelatedCard, Rejection
from ..text import clean_body, clean_line


def _opt(text: str | None) -> str | None:
    return clean_line(text) or None


def _lines(items: Iterable[str]) -> list[str]:
    """Each item cleaned as a one-line field; empty ones dropped."""
    return [text for text in map(clean_line, items) if text]


def make_article(
    *,
    source: str,
    corpus: str,
    outlet: str,
    provenance: Provenance,
    title: str | None,
    body: str | None,
    url: str | None = None,
    published: str | None = None,
    date_kind: str = "none",
    lead: str | None = None,
    byline: str | None = None,
    authors: Iterable[str] = (),
    dateline: str | None = None,
    source_categories: Iterable[str] = (),
    captions: Iterable[str] = (),
    related: Iterable[RelatedCard] = (),
    flags: Iterable[str] = (),
) -> Article | Rejection:
    """Clean every field (DESIGN §5), derive the id (§3); an empty body is a rejection, an empty title a flag."""
    body = clean_body(body)
    if not body:
        return Rejection(source, provenance.file, provenance.member, provenance.index, "empty body", "empty_body",
                         outlet, corpus)
    title = clean_line(title)
    flags = list(flags)
    if not title:
        flags.append("no_title")
    url = (url or "").strip() or None
    return Article(
        id=article_id(outlet, url, title),
        corpus=corpus,
        outlet=outlet,
        url=url,
        published=published,
        date_kind=date_kind if published else "none",
        title=title,
        lead=clean_body(lead) or None,
        body=body,
        byline=_opt(byline),
        authors=tuple(_lines(authors)),
        dateline=_opt(dateline),
        # dict.fromkeys: each value once, in first-seen order.
        source_categories=tuple(dict.fromkeys(_lines(source_categories))),
        captions=tuple(dict.fromkeys(_lines(captions))),
        related=tuple(related),
        provenance=(provenance,),
        flags=tuple(dict.fromkeys(flags)),
    )


def folder_rejection(source: str, path: str | os.PathLike, expected: str) -> Rejection | None:
    """A one-line rejection when a folder is given where this source reads one file, else None."""
    path = Path(path)
    if not path.is_dir():
        return None
    return Rejection(source, path.name, None, None, f"is a folder, not {expected}: pass the files in it",
                     "wrong_shape")
