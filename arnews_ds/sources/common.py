"""Helpers every adapter shares: turn cleaned raw fields into an `Article` or a `Rejection`."""
from __future__ import annotations

from collections.abc import Iterable

from ..ids import article_id
from ..record import Article, Provenance, RelatedCard, Rejection
from ..text import clean_body, clean_line


def _opt(text: str | None) -> str | None:
    text = clean_line(text)
    return text or None


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
    lead_text = clean_body(lead) or None
    caps: list[str] = []
    for c in captions:
        c = clean_line(c)
        if c and c not in caps:
            caps.append(c)
    return Article(
        id=article_id(outlet, url, title),
        corpus=corpus,
        outlet=outlet,
        url=url,
        published=published,
        date_kind=date_kind if published else "none",
        title=title,
        lead=lead_text,
        body=body,
        byline=_opt(byline),
        authors=tuple(a for a in (clean_line(a) for a in authors) if a),
        dateline=_opt(dateline),
        source_categories=tuple(dict.fromkeys(c for c in (clean_line(c) for c in source_categories) if c)),
        captions=tuple(caps),
        related=tuple(related),
        provenance=(provenance,),
        flags=tuple(dict.fromkeys(flags)),
    )
