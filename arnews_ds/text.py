"""Text cleaning (DESIGN §5): storage-side normalization that keeps spelling, plus model-side folding."""
from __future__ import annotations

import re
import unicodedata

TATWEEL = "\u0640"
# Zero-width characters, bidi controls (LRM/RLM/ALM, embeddings, overrides, isolates), BOM, soft hyphen.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\x0b\x0c"
_REPLACE = {c: "" for c in _INVISIBLE + TATWEEL} | {c: " " for c in _SPACES}
_SPECIAL = re.compile("[" + re.escape(_INVISIBLE + TATWEEL + _SPACES) + "]")


def clean_text(text: str | None) -> str:
    """Clean a multi-line text: NFC, spaces, invisibles, tatweel; lines stripped, blank lines kept."""
    if not text:
        return ""
    text = _clean_chars(text)
    if " \n" in text or "\n " in text:
        text = "\n".join(line.strip(" ") for line in text.split("\n"))
    return text.strip(" \n")


_NEWLINES = re.compile(r"\n+")


def clean_line(text: str | None) -> str:
    """Clean a one-line field (title, byline, caption): newlines become spaces."""
    text = clean_text(text)
    return _NEWLINES.sub(" ", text) if "\n" in text else text


def clean_body(text: str | None) -> str:
    """Clean a body: paragraphs (non-blank lines) joined by a single newline."""
    if not text:
        return ""
    text = _clean_chars(text)
    if "\n" not in text:
        return text.strip(" ")
    # Bodies are most of the text ingest cleans: one split that strips every line and drops the blank ones is
    # cheaper than scanning for ` \n`, `\n ` and `\n\n` first (same result as clean_text + dropping blank lines).
    return "\n".join(filter(None, [line.strip(" ") for line in text.split("\n")]))


def _clean_chars(text: str) -> str:
    """Character-level cleaning: line endings, NFC, invisibles/tatweel/odd spaces, runs of spaces (not lines)."""
    # This is the ingest hot path (~500k calls, ~100M characters): each step first asks a cheap C-level question.
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = _nfc_by_word(text)
    text = _replace_special(text)
    # Runs are short (mostly a no-break space next to a space): halving them with str.replace is faster than a regex.
    while "  " in text:
        text = text.replace("  ", " ")
    return text


def _nfc_by_word(text: str) -> str:
    """NFC of the whole text, computed one space-separated piece at a time: the same result, since a space is a
    starter that never combines with a neighbour, but several times faster, since unicodedata's full
    normalization (~100x its quick check) then runs only over the few words that need it (e.g. a shadda typed
    before a fatha) instead of over the whole article."""
    return " ".join([unicodedata.normalize("NFC", word) for word in text.split(" ")])


def _replace_special(text: str) -> str:
    """Drop invisibles and tatweel and turn odd spaces into a space, with one `str.replace` (over the whole text,
    in C) per special character present: faster than `str.translate`, which looks every character up in a dict,
    or than testing every entry of the table. Everything before a found character is clean, so the next search
    starts there."""
    found = _SPECIAL.search(text)
    while found:
        char = found[0]
        text = text.replace(char, _REPLACE[char])
        found = _SPECIAL.search(text, found.start())
    return text


# ---- model-side normalization (used by baselines and dedup, never for stored text) ----
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})


def normalize_for_model(text: str) -> str:
    """Fold alef/yaa/taa-marbuta variants and drop diacritics; lower-case Latin."""
    return _DIACRITICS.sub("", clean_text(text)).translate(_FOLD).lower()
