"""Arabic-aware word tokenization for ROUGE (rouge_score's default tokenizer deletes every non-Latin character)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Harakat, Quranic annotation marks and superscript alef: they vary between outlets for the same word.
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
TATWEEL = "\u0640"


class _CharMap(dict):
    """str.translate table filled on first sight of each character, so no table over all of Unicode is built."""

    def __missing__(self, char_code: int):
        char = chr(char_code)
        category = unicodedata.category(char)
        if char == TATWEEL or category == "Cf":  # tatweel and invisible joiners/marks glue to words, not split them
            value = None
        elif category[0] in "PSZ" or category == "Cc":
            value = " "
        else:
            value = char_code
        self[char_code] = value
        return value


_CHAR_MAP = _CharMap()


@lru_cache(maxsize=1)
def _stemmer():
    """The Snowball Arabic light stemmer: PyStemmer (C) if installed, else the pure-Python snowballstemmer."""
    try:
        import Stemmer

        return Stemmer.Stemmer("arabic")
    except ImportError:
        import snowballstemmer

        return snowballstemmer.stemmer("arabic")


def tokenize(text: str, stem: bool = False) -> list[str]:
    """Words of `text`: NFC, no diacritics or tatweel, split on whitespace and Unicode punctuation/symbols, lower-cased.

    With `stem`, each word goes through the Snowball Arabic stemmer, as XL-Sum's multilingual ROUGE does.
    """
    text = _DIACRITICS.sub("", unicodedata.normalize("NFC", text))
    tokens = text.translate(_CHAR_MAP).lower().split()
    if stem and tokens:
        tokens = [t for t in _stemmer().stemWords(tokens) if t]
    return tokens


class ArabicTokenizer:
    """`tokenize` as an object, for `rouge_scorer.RougeScorer(..., tokenizer=ArabicTokenizer(stem))`."""

    def __init__(self, stem: bool = False):
        self.stem = stem

    def tokenize(self, text: str) -> list[str]:
        return tokenize(text, stem=self.stem)

    def __repr__(self) -> str:
        return f"ArabicTokenizer(stem={self.stem})"
