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
        # `3alyoum.com/site/a/feeds/` is the site's RSS listing page, not a section
        re.compile(r"3alyoum\.com/(?P<section>(?!site/)[^/]+(?:/[^/]+)*?)/a/[^/]+/?$"),
    ),
    "aljazirah": (
        re.compile(r"al-jazirah\.com/\d{4}/\d{8}/(?P<section>[a-z]+)\d+\.htm$"),
    ),
}

# Meaning of sections whose spelling does not say it (and of ones whose name misleads), found by reading samples
# of their articles (SaudiNewsNet batches 2015-07-21 .. 2015-08-10).
SECTION_NOTES: dict[tuple[str, str], str] = {
    # al-jazirah page codes
    ("aljazirah", "ln"): "local news",
    ("aljazirah", "fe"): "local news from the regions (more local pages)",
    ("aljazirah", "du"): "world news",
    ("aljazirah", "sp"): "sports",
    ("aljazirah", "ec"): "economy",
    ("aljazirah", "ar"): "opinion columns",
    ("aljazirah", "rj"): "readers' essays, poems and viewpoints",
    ("aljazirah", "rv"): "letters to the editor",
    ("aljazirah", "ms"): "miscellany: celebrities, arts, science and health oddities, this day in history",
    ("aljazirah", "lp"): "last page: mixed local briefs, events and political columns",
    ("aljazirah", "cu"): "culture and literature",
    ("aljazirah", "tr"): "folk (Nabati) poetry page",
    ("aljazirah", "af"): "wedding announcements",
    ("aljazirah", "wa"): "obituaries and tributes to the deceased",
    ("aljazirah", "as"): "social occasions: promotions, degrees, honours, condolences",
    ("aljazirah", "tf"): "children, youth clubs and charity activities",
    ("aljazirah", "av"): "special coverage page of one major event (Asir mosque bombing, 2015-08-07)",
    ("aljazirah", "jd"): "self-development, etiquette and aphorisms",
    ("aljazirah", "is"): "Islamic affairs",
    ("aljazirah", "ak"): "visual arts",
    ("aljazirah", "bo"): "new books and publications",
    ("aljazirah", "at"): "arts and entertainment: music, TV drama, celebrities",
    ("aljazirah", "wm"): "citizens' letters to ministers about public services",
    ("aljazirah", "mt"): "Islamic banking and finance",
    ("aljazirah", "bf"): "Islamic banking and finance",
    ("aljazirah", "wo"): "Saudi and Islamic history and heritage",
    ("aljazirah", "pl"): "special pages on the Buraidah dates festival",
    ("aljazirah", "ji"): "undetermined (a single article, a road-projects report)",
    # names that mislead
    ("alwatan", "Nation"): "back-page miscellany: celebrities, arts, human interest (not national news)",
    ("alwatan", "Citizen_Journalist"): "corporate press releases and advertorials (not citizen reports)",
    ("alwatan", "Articles"): "opinion columns",
    ("alwatan", "Discussion"): "readers' opinion pieces",
    ("alwatan", "Dialogue"): "long features on assorted issues",
    ("3alyoum", "news/golobal"): "world news, in practice mostly oddities and human interest",
    ("3alyoum", "bigpage"): "photo features",
    ("3alyoum", "technology/xgame"): "gadgets and video games",
    ("3alyoum", "culture/shots"): "celebrity and entertainment snapshots",
    ("3alyoum", "culture/l-culture"): "local culture and heritage",
}


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
