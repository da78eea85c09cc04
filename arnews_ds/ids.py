"""Stable article ids (DESIGN §3): 16 hex chars from the outlet and the canonical URL (or cleaned title)."""
from __future__ import annotations

import hashlib
import unicodedata
from urllib.parse import unquote, urlsplit

from .text import clean_line


def canonical_url(url: str) -> str:
    """Host lower-cased without `www.`, then path and query, percent-decoded and NFC; no scheme/fragment/trailing slash."""
    url = url.strip()
    parts = urlsplit(url if "://" in url else "http://" + url)
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    if parts.port:
        host += f":{parts.port}"
    key = host + unquote(parts.path, errors="replace")
    if parts.query:
        key += "?" + unquote(parts.query, errors="replace")
    return unicodedata.normalize("NFC", key).rstrip("/")


def article_id(outlet: str, url: str | None, title: str | None = None) -> str:
    """`blake2b(outlet \\x1f key, 8 bytes)`; key is the canonical URL, else the cleaned title."""
    key = canonical_url(url) if url and url.strip() else clean_line(title)
    return hashlib.blake2b(f"{outlet}\x1f{key}".encode(), digest_size=8).hexdigest()
