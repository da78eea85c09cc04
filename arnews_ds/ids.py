"""Stable article ids (DESIGN §3): 16 hex chars from the outlet and the canonical URL (or cleaned title)."""
from __future__ import annotations

import hashlib
import unicodedata
from urllib.parse import unquote, urlsplit

from .text import clean_line


def _split_plain(url: str) -> tuple[str, str] | None:
    """(host, path+query) for the plain `scheme://host/path?query#fragment` shape; None for anything unusual."""
    start = url.find("://")
    if start <= 0 or not url[:start].isalpha():
        return None
    rest = url[start + 3:].split("#", 1)[0]
    cut = len(rest)
    for sep in "/?":
        i = rest.find(sep)
        if 0 <= i < cut:
            cut = i
    host, tail = rest[:cut], rest[cut:]
    if not host or any(c in host for c in ":@[]\\%") or any(c in url for c in "\t\r\n"):
        return None
    path, _, query = tail.partition("?")
    return host.lower(), path + ("?" + query if query else "")


def _split_general(url: str) -> tuple[str, str]:
    parts = urlsplit(url if "://" in url else "http://" + url)
    host = (parts.hostname or "").lower()
    try:
        if parts.port:
            host += f":{parts.port}"
    except ValueError:  # a malformed port stays part of the key rather than failing the record
        host = parts.netloc.lower()
    return host, parts.path + ("?" + parts.query if parts.query else "")


def canonical_url(url: str) -> str:
    """Host lower-cased without `www.`, then path and query, percent-decoded and NFC; no scheme/fragment/trailing slash."""
    url = url.strip()
    # The plain shape covers the real sources and is ~5x faster than urlsplit; both give the same key (tested).
    host, tail = _split_plain(url) or _split_general(url)
    if host.startswith("www."):
        host = host[4:]
    key = host + tail
    if "%" in key:
        key = unquote(key, errors="replace")
    return unicodedata.normalize("NFC", key).rstrip("/")


def article_id(outlet: str, url: str | None, title: str | None = None) -> str:
    """`blake2b(outlet \\x1f key, 8 bytes)`; key is the canonical URL, else the cleaned title."""
    key = canonical_url(url) if url and url.strip() else clean_line(title)
    return hashlib.blake2b(f"{outlet}\x1f{key}".encode(), digest_size=8).hexdigest()
