"""Records whose ids coincide become one article (DESIGN §4 merge rule)."""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime, timezone

from .record import Article


def time_key(published: str | None) -> float:
    """Sortable instant for an ISO date/datetime string; unknown or unparsable sorts first."""
    if not published:
        return float("-inf")
    try:
        dt = datetime.fromisoformat(published)
    except ValueError:
        return float("-inf")
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()


def _path_key(a: Article) -> tuple[str, str]:
    p = a.provenance[0]
    return (p.file, p.member or "")


def merge_copies(copies: list[Article]) -> Article:
    """One article from same-id copies: text and time from the latest `published`, then the lexically first path;
    union of categories (in that order of preference) and every copy's provenance."""
    ranked = sorted(copies, key=lambda a: (-time_key(a.published), _path_key(a)))
    head = ranked[0]
    categories = tuple(dict.fromkeys(c for a in ranked for c in a.source_categories))
    provenance = tuple(sorted({p for a in copies for p in a.provenance}, key=lambda p: (p.file, p.member or "", p.index)))
    return dataclasses.replace(head, source_categories=categories, provenance=provenance)


def merge_same_id(articles: Iterable[Article]) -> list[Article]:
    """Group by id (first-seen order) and merge each group; merged-away copies are counted via `provenance`."""
    groups: dict[str, list[Article]] = {}
    for a in articles:
        groups.setdefault(a.id, []).append(a)
    return [g[0] if len(g) == 1 else merge_copies(g) for g in groups.values()]
