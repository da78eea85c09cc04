"""Byline parsing (DESIGN §4): derive `authors` and a `dateline` from a raw byline with small data tables.

A byline is cut into segments at `-` `–` `—` `_` `/`, a spaced tatweel `ـ`, or a comma (a leading `*` and a
trailing colon are noise). Each segment is looked up in the tables of sources/data/: a place, a wire agency, an
outlet (or its desk), a credit word (`كتب`, `حوار` … - a *marker*) or a desk/section word (`متابعات` … - a
*filler*); quoted text («…») is an outlet. Composite segments: `x (places)` and `x من place`.
Rules, in the shapes of the raw data:
  `city: name`            left of a colon only places/agencies/credit words; right of it everything is an author
  `name (city)`           the parentheses hold the dateline; `x (country)` next to another author is one place
  `name من city`          `«outlet» من city` too
  `x - y - …` any order   places → dateline, agencies/outlets → authors; an unlisted segment is a person's name
                          only if it has two or more words and sits next to a place, a credit word or an outlet
                          (next to a wire agency alone it may be an unlisted place, so no rule applies); two
                          unlisted segments need a place or a credit word beside them
Anything else (a bare name, a column title, an unlisted place) stays only in `byline`: no authors, no dateline.
Pure and cached: the same bylines repeat thousands of times.
"""
from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from importlib import resources

from .text import clean_line, normalize_for_model

# A tatweel that touches a space or an end is a dash (`المدينة ـ جدة`); inside a word it is elongation.
_TATWEEL_DASH = re.compile(r"\s*\u0640+\s+|\s+\u0640+\s*|^\u0640+|\u0640+$")
# Arabic presentation forms (e.g. `ﻷ`) are glyph variants of ordinary letters.
_PRESENTATION = re.compile("[\ufb50-\ufdff\ufe70-\ufefc]+")
# Segment separators, but not inside parentheses (`عكاظ (بغداد، عمان)` is one segment).
_SEPARATORS = re.compile(r"\s*[-–—_/،,]\s*(?![^()]*\))")
_PARENS = re.compile(r"(?P<head>[^()]*?)\s*\((?P<inner>[^()]+)\)")
_FROM = re.compile(r"(?P<head>.+?)\s+من\s+(?P<place>.+)")
_QUOTED = re.compile(r"[«\"“”'{](?P<inner>[^«»\"“”'{}]+)[»\"“”'}]")
# Letters of a person's name: Arabic letters and diacritics, spaces, and the dots of titles (`د.`, `أ.د`).
_NAME = re.compile(r"[\u0621-\u063a\u0641-\u065f\u066e-\u06d3 .]+")
_KEY_DROP = re.compile(r"[\s.\-_'\"«»“”(){}]+")
_PERSIAN = str.maketrans({"ک": "ك", "ی": "ي", "ہ": "ه"})  # `کابول` is spelled with Persian letters at times
# A quoted outlet glued to a place (`لندن «الشرق الأوسط»`) is its own segment.
_BEFORE_QUOTE = re.compile(r"(?<=[^\s:\-–—_/،,])\s+(?=«)")
# Words that qualify a place without changing it: `ولاية فلوريدا`, `جنوب السعودية` (spelled folded, as
# `normalize_for_model` writes them: ة -> ه).
_QUALIFIERS = frozenset({"ولايه", "مدينه", "محافظه", "منطقه", "شمال", "جنوب", "شرق", "غرب", "وسط",
                         "شمالي", "جنوبي", "شرقي", "غربي"})
_MAX_NAME_WORDS = 5

Token = tuple[str, str]
"""(kind, text); kind is place | city | wire | outlet | name | marker | filler | unknown | qualified | bad."""
_AUTHOR_KINDS = ("wire", "outlet", "name")


def _key(text: str) -> str:
    """Matching key: folded letters, no diacritics, spaces, dots or quotes (so `أ.ف.ب` == `ا ف ب`)."""
    return _KEY_DROP.sub("", normalize_for_model(text.translate(_PERSIAN)))


def _read_rows(name: str) -> list[str]:
    text = resources.files(__package__).joinpath("sources", "data", name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@cache
def _tables() -> tuple[frozenset[str], dict[str, str]]:
    """(place keys, key -> wire|outlet|marker|filler), loaded once from sources/data/."""
    places = frozenset(_key(row) for row in _read_rows("places.txt"))
    kinds: dict[str, str] = {}
    for row in _read_rows("agencies.txt") + _read_rows("roles.txt"):
        kind, _, word = row.partition("\t")
        kinds[_key(word)] = kind
    return places, kinds


def _is_place(text: str) -> bool:
    """A listed place, possibly after qualifier words (`ولاية`, `جنوب` …)."""
    places = _tables()[0]
    words = normalize_for_model(text.translate(_PERSIAN)).split()
    while len(words) > 1 and words[0] in _QUALIFIERS:
        words = words[1:]
    return _KEY_DROP.sub("", "".join(words)) in places


def _is_place_list(text: str) -> bool:
    parts = [p for p in _SEPARATORS.split(text) if p]
    return bool(parts) and all(_is_place(p) for p in parts)


def _is_name(text: str) -> bool:
    """Looks like a person's name: Arabic letters only, one to five words."""
    return bool(_NAME.fullmatch(text)) and 0 < len(text.split()) <= _MAX_NAME_WORDS


def _classify_plain(text: str) -> Token:
    """One segment without parentheses or `من`: look it up in the tables."""
    quoted = _QUOTED.fullmatch(text)
    if not quoted and _is_place(text):  # before the outlets: bare `الرياض` is the city unless `_resolve` says not
        return "place", text
    inner = quoted["inner"].strip() if quoted else text
    kind = _tables()[1].get(_key(inner))
    if kind:
        return kind, inner
    if quoted:
        return "outlet", inner  # «…» marks a publication's name
    return ("unknown" if _is_name(text) else "bad"), text


def _classify(segment: str) -> list[Token]:
    """Tokens for one segment, expanding the composite shapes `x (places)` and `x من place`.

    Places found by structure (in parentheses, after `من`) are kind `city`: unlike a bare `place` they are never
    re-read as the newspaper `الرياض`.
    """
    paren = _PARENS.fullmatch(segment)
    if paren:
        head, inner = paren["head"].strip(), paren["inner"].strip()
        if not head:
            return [_classify_plain(inner)]
        if not _is_place_list(inner):
            return [_classify_plain(head), _classify_plain(inner)]
        kind, text = _classify_plain(head)
        if kind == "place":  # `الحديدة (اليمن)`: a place qualified by its country
            return [("city", segment)]
        if kind == "unknown":  # a name, or an unlisted place qualified by its country: `_resolve` decides
            return [("qualified", segment)]
        return [(kind, text), ("city", inner)]
    found = _FROM.fullmatch(segment)
    if found and _is_place_list(found["place"]):
        kind, text = _classify_plain(found["head"])
        return [("name" if kind == "unknown" else kind, text), ("city", found["place"])]
    return [_classify_plain(segment)]


def _tokens(text: str) -> list[Token]:
    return [t for seg in _SEPARATORS.split(text) if seg for t in _classify(seg)]


def _name_and_city(text: str) -> list[Token]:
    paren = _PARENS.fullmatch(text)
    return [("name", paren["head"].strip()), ("city", paren["inner"].strip())]


def _expand_qualified(tokens: list[Token]) -> list[Token]:
    """`x (place)` with an unlisted x: one place when the rest credits authors but names no place
    (`ترير (ألمانيا) - د ب أ`), else `name (city)` (`واس (الرياض)، فلان (الخرمة)`)."""
    kinds = [k for k, _ in tokens]
    is_place = any(k in _AUTHOR_KINDS for k in kinds) and not {"place", "city"} & set(kinds)
    out: list[Token] = []
    for kind, text in tokens:
        if kind != "qualified":
            out.append((kind, text))
        else:
            out += [("city", text)] if is_place else _name_and_city(text)
    return out


def _read_newspaper(tokens: list[Token]) -> list[Token]:
    """`الرياض` is a city and a newspaper: next to another place (`دبي - الرياض`) it is the newspaper."""
    if sum(k in ("place", "city", "qualified") for k, _ in tokens) < 2:
        return tokens
    kinds = _tables()[1]
    return [("outlet", t) if k == "place" and kinds.get(_key(t)) == "outlet" else (k, t) for k, t in tokens]


def _resolve(tokens: list[Token]) -> list[Token] | None:
    """Apply the anchoring rules to a dash/comma sequence; None when the tokens are not explained."""
    tokens = _expand_qualified(_read_newspaper(tokens))
    kinds = {k for k, _ in tokens}
    if "bad" in kinds:
        return None
    if "unknown" in kinds:
        unknowns = sum(k == "unknown" for k, _ in tokens)
        # Two unlisted segments next to an outlet alone may be a place and a name: no rule tells which.
        anchors = {"place", "city", "marker"} | ({"outlet"} if unknowns == 1 else set())
        # After a credit word (`كتب - x`) one word is enough; elsewhere a single word may be an unlisted place.
        min_words = 1 if "marker" in kinds else 2
        if not kinds & anchors or any(k == "unknown" and len(t.split()) < min_words for k, t in tokens):
            return None
        tokens = [("name", t) if k == "unknown" else (k, t) for k, t in tokens]
    return tokens


def _resolve_colon(left: str, right: str) -> list[Token] | None:
    """`city: name`: the left slot must be fully listed; the right slot is authors (names need no anchor)."""
    head = [("city", t) if k == "qualified" else (k, t) for k, t in _tokens(left)]
    if any(k in ("unknown", "bad") for k, _ in head):
        return None
    tail: list[Token] = []
    for kind, text in _tokens(right):
        if kind == "bad":
            return None
        tail += _name_and_city(text) if kind == "qualified" else [("name" if kind == "unknown" else kind, text)]
    return head + tail


def _normalize(byline: str) -> str:
    text = _TATWEEL_DASH.sub(" - ", byline)
    text = _PRESENTATION.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    text = _BEFORE_QUOTE.sub(" - ", clean_line(text))
    # `*` marks a footnote (`name*`) or a list item; dots and colons at the end are punctuation.
    return text.strip("*•-_ ").rstrip(":：.-_* ").strip()


def _split_place_suffix(text: str) -> tuple[str, str] | None:
    """(rest, place) where `place` is the last one to three words of `text` and a listed place."""
    words = text.split()
    for n in (3, 2, 1):
        suffix = " ".join(words[-n:])
        if len(words) > n and _NAME.fullmatch(suffix) and _is_place(suffix):
            rest = " ".join(words[:-n]).rstrip("-–—_/،,. ")
            return (rest, suffix) if rest else None
    return None


def _colon_groups(text: str) -> list[tuple[str, str]] | None:
    """Split `a: b - c: d` into [(a, b), (c, d)]; None when there is no inner colon."""
    parts = [p.strip() for p in text.split(":")]
    if len(parts) < 2 or not all(parts):
        return None
    groups: list[tuple[str, str]] = []
    left = parts[0]
    for middle in parts[1:-1]:
        # The listed place that ends the middle part is the next dateline: `عرفات مدابش - عدن`, `x عدن`.
        split = _split_place_suffix(middle)
        if split is None:
            return None
        groups.append((left, split[0]))
        left = split[1]
    groups.append((left, parts[-1]))
    return groups


@lru_cache(maxsize=1 << 16)
def parse_byline(byline: str | None) -> tuple[tuple[str, ...], str | None]:
    """(authors, dateline) derived from a raw byline; `((), None)` when no rule explains it.

    Pass the byline before `clean_line` where possible: cleaning deletes tatweel, which some outlets use as a dash.
    """
    text = _normalize(byline or "")
    if not text:
        return (), None
    groups = _colon_groups(text)
    if groups is None:
        resolved = _resolve(_tokens(text))
    else:
        pieces = [_resolve_colon(left, right) for left, right in groups]
        resolved = None if None in pieces else [t for piece in pieces for t in piece]
    if not resolved:
        return (), None
    authors = tuple(dict.fromkeys(t for k, t in resolved if k in _AUTHOR_KINDS))
    dateline = "، ".join(dict.fromkeys(t for k, t in resolved if k in ("place", "city"))) or None
    return authors, dateline
