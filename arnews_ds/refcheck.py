"""Automatic check of hand-written reference headlines: tokens the body does not support (GUIDELINES §2).

A reference may paraphrase freely, so only tokens that carry facts are flagged: numbers, known places and
agencies (the byline gazetteers), and words that are rare in the corpus (most often names) AND occur in the
withheld published title (a title leak: the writer cannot have known them from the body). A token passes when its light stem occurs anywhere in the body. Flagged rows are
rewritten or justified in a note; this is a flagger, not a judge.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from importlib import resources

from .text import normalize_for_model

_TOKEN = re.compile(r"\w+")
_PREFIXES = ("وبال", "فبال", "وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك")
_SUFFIXES = ("هما", "ات", "ون", "ين", "ان", "ها", "ه", "ي")
_NUMBER = re.compile(r"^[\d٠-٩]+$")


def stem(token: str) -> str:
    """Strip one clitic prefix and one suffix while at least three letters remain (light, for matching only)."""
    for p in _PREFIXES:
        if token.startswith(p) and len(token) - len(p) >= 3:
            token = token[len(p):]
            break
    for s in _SUFFIXES:
        if token.endswith(s) and len(token) - len(s) >= 3:
            return token[: -len(s)]
    return token


def _gazetteer() -> frozenset[str]:
    words: set[str] = set()
    for name in ("places.txt", "agencies.txt"):
        text = resources.files("arnews_ds.sources").joinpath("data", name).read_text(encoding="utf-8")
        for line in text.splitlines():
            line = line.split("#", 1)[0].strip()
            words.update(stem(t) for t in _TOKEN.findall(normalize_for_model(line)) if len(t) >= 3)
    return frozenset(words)


def unsupported_tokens(reference: str, body: str, title: str = "", rare: Iterable[str] = (),
                       common: Iterable[str] = (), gazetteer: frozenset[str] | None = None) -> list[str]:
    """Reference tokens that carry a fact (see module doc) and whose stem is absent from the body.

    `rare` and `common` are stems by corpus document frequency; a common word (e.g. «وسط», also a place name) is
    never a gazetteer hit."""
    gazetteer = _gazetteer() if gazetteer is None else gazetteer
    body_norm = normalize_for_model(body)
    title_stems = {stem(t) for t in _TOKEN.findall(normalize_for_model(title))}
    rare, common = set(rare), set(common)
    out = []
    for token in _TOKEN.findall(normalize_for_model(reference)):
        s = stem(token)
        if s in body_norm or token in body_norm:
            continue
        place = s in gazetteer and s not in common
        if _NUMBER.match(token) or place or (s in title_stems and (token in rare or s in rare)):
            out.append(token)
    return out


def document_frequencies(texts: Iterable[str]) -> dict[str, int]:
    """Stem -> number of texts containing it (the corpus statistics `unsupported_tokens` takes)."""
    df: dict[str, int] = {}
    for text in texts:
        for s in {stem(t) for t in _TOKEN.findall(normalize_for_model(text))}:
            df[s] = df.get(s, 0) + 1
    return df


RARE_SHARE, COMMON_SHARE = 0.0005, 0.05


def check_references(refs: Iterable[tuple[str, str]], articles: dict[str, dict]) -> list[dict]:
    """Flag rows of (id, reference) against their articles (`title`, `body`); corpus statistics from `articles`."""
    df = document_frequencies(f"{a['title']} {a['body']}" for a in articles.values())
    n = len(articles)
    rare = {s for s, c in df.items() if c < n * RARE_SHARE}
    common = {s for s, c in df.items() if c >= n * COMMON_SHARE}
    gazetteer = _gazetteer()
    out = []
    for i, ref in refs:
        a = articles[i]
        tokens = unsupported_tokens(ref, a["body"], a["title"], rare, common, gazetteer)
        if tokens:
            out.append({"id": i, "reference": ref, "flagged": tokens})
    return out
