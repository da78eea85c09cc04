"""The annotators' story sweep (issue 9): find every corpus article that contains all the given words within
+/- N days of a query's date, from a cached, normalized index (`arnews-ds pool search`).

Matching is on `normalize_for_model` text with punctuation turned into spaces, by substring, so a term also
matches with clitics glued on (ترامب in وترامب, انتخابات in والانتخابات) and spelling variants of hamza, alef
maqsura and taa marbuta agree. The index (id, date, outlet, title, snippet, text) is a parquet file named after the
corpus checksum, so a rebuilt corpus gets a fresh one.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

SNIPPET_CHARS = 150


def normalize(text: str) -> str:
    from .metrics.arabic import tokenize
    from .text import normalize_for_model

    return " " + " ".join(tokenize(normalize_for_model(text or ""))) + " "


def terms_of(query: str) -> list[str]:
    """Normalized search terms; a term that normalizes to nothing (punctuation only) is dropped."""
    return [t for t in normalize(query).split() if t]


@dataclass
class Hit:
    id: str
    date: str | None
    outlet: str
    title: str
    snippet: str

    def line(self, pooled: bool = False) -> str:
        return f"{self.id}  {self.date or '----------'}  {self.outlet:<16} {'*' if pooled else ' '} {self.title}\n" \
               f"    {self.snippet}"


def index_path(cache_dir: Path, corpus_sha: str) -> Path:
    return cache_dir / f"sweep-index-{corpus_sha[:12]}.parquet"


def build_index(articles: list[dict], path: Path) -> Path:
    """Write the normalized search index of `articles` (built once per corpus)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .pooling import snippet

    rows = sorted(articles, key=lambda a: a["id"])
    table = pa.table({
        "id": [a["id"] for a in rows],
        "date": [(a.get("published") or "")[:10] or None for a in rows],
        "outlet": [a["outlet"] for a in rows],
        "title": [a.get("title") or "" for a in rows],
        "snippet": [snippet(a.get("body"), SNIPPET_CHARS) for a in rows],
        "text": [normalize(f"{a.get('title') or ''}\n{a.get('body') or ''}") for a in rows],
    })
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    pq.write_table(table, tmp)
    tmp.replace(path)
    return path


def search(path: Path, query_id: str, terms: list[str], days: int | None) -> tuple[str | None, list[Hit]]:
    """(the query's date, articles other than the query containing every term within +/- `days` of it), by date
    then id. No date filter when the query is undated or `days` is None."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    meta = pq.read_table(path, columns=["id", "date"])
    found = pc.index(meta["id"], query_id).as_py()
    if found < 0:
        raise KeyError(f"query {query_id} is not a corpus article")
    qdate = meta["date"][found].as_py()
    mask = pc.not_equal(meta["id"], query_id)
    if qdate and days is not None:
        day = dt.date.fromisoformat(qdate)
        lo, hi = (day - dt.timedelta(days=days)).isoformat(), (day + dt.timedelta(days=days)).isoformat()
        mask = pc.and_(mask, pc.and_(pc.greater_equal(meta["date"], lo), pc.less_equal(meta["date"], hi)))
    rows = pq.read_table(path).filter(pc.fill_null(mask, False))
    for term in terms:
        rows = rows.filter(pc.match_substring(rows["text"], term))
    hits = [Hit(r["id"], r["date"], r["outlet"], r["title"], r["snippet"])
            for r in rows.select(["id", "date", "outlet", "title", "snippet"]).to_pylist()]
    return qdate, sorted(hits, key=lambda h: (h.date or "", h.id))
