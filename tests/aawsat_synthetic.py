"""Builders of synthetic aawsat page-dump text (DESIGN §4 "aawsat-pages") for unit tests; no upstream text."""
from __future__ import annotations


def page(title: str, caption: str | None, body: list[str], copies: int = 2, related: list[str] | None = None) -> str:
    """One page in the dump layout: header, repeated header, body paragraphs, optional related block."""
    caps = [caption] * copies if caption else []
    lines = [title, "", *caps, "TT", "", title, ""] + (caps + [""] if caps else [])
    for para in body:
        lines += [para, ""]
    if related:
        lines += ["", "مقالات ذات صلة", "", *related]
    return "\n".join(lines).rstrip("\n")


def card(section_caption: str, title: str, summary: str, author: str | None = None) -> list[str]:
    """Lines of one related card; an author line is followed directly by the next card (no blank)."""
    return [section_caption, "", title, "", summary, ""] + ([author] if author else [])
