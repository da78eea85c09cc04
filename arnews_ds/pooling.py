"""Related-article pools v2 (issue 9): query selection, pool merging with contributors, the sweep import, and the
system-blind judging batches. Pure functions here; `pool_command.py` owns the files and the `arnews-ds pool` command.

Pool file (schema 2, committed, ids only):
    {"schema": 2, "guidelines": "2.0", "split", "seed", "depth", "systems": {name: note}, "queries": [sorted ids],
     "replaced_queries": {id: reason}, "added_queries": {id: reason} (optional: over-provisioned replacements),
     "pools": {query: {doc: [contributors, sorted]}}}
A contributor is a system name, `sweep` (an annotator's story sweep) or `v1-pool` (a pair judged under v1 that no
v2 system ranks in its top `depth`).
"""
from __future__ import annotations

import random
from collections import defaultdict

from .trec import Run

SCHEMA = 2
GUIDELINES = "2.0"
SWEEP, V1 = "sweep", "v1-pool"
NO_RELEVANT = "no relevant document under v1 judgments"
MIN_BODY_CHARS = 400  # shorter bodies are bylines, captions or one-line briefs (~5% of test articles)
QUERY_CHARS, DOC_CHARS = 600, 300  # body shown in judging batches


class PoolError(ValueError):
    """A pool file or sweep file that breaks the schema; the message names the row."""


def queries_with_relevant(grades: dict[tuple[str, str], list[int]], alias: dict[str, str]) -> set[str]:
    """Query ids (as representatives) with at least one document whose v1 grades include one >= 1."""
    return {alias.get(q, q) for (q, _), g in grades.items() if max(g) >= 1}


def topic_stratum(article: dict, silver: dict[str, str]) -> str:
    """The silver topic label, else the first source category, else `none` (outlets without categories)."""
    return silver.get(article["id"]) or next(iter(article.get("source_categories") or []), None) or "none"


def is_judgeable(article: dict) -> bool:
    """A query an annotator can read: a title and a body that is more than a byline or a caption."""
    return bool(article.get("title")) and len((article.get("body") or "").strip()) >= MIN_BODY_CHARS


def select_queries(kept: list[str], articles: list[dict], silver: dict[str, str], split: str, n: int,
                   seed: int, exclude: frozenset[str] = frozenset()) -> list[str]:
    """`kept` plus new queries of `split` up to `n`, never one of `exclude` (replaced queries), stratified by
    outlet then topic (sorted ids).

    Each pick goes to the outlet with the fewest queries so far (kept ones count), and within it to the topic with
    the fewest queries overall, then fewest in that outlet; ties and the article within a stratum follow a seeded
    shuffle, so the same inputs give the same selection.
    """
    rng = random.Random(seed)
    by_id = {a["id"]: a for a in articles}
    strata: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for a in sorted(articles, key=lambda a: a["id"]):
        if a["split"] == split and a["id"] not in kept and a["id"] not in exclude and is_judgeable(a):
            strata[a["outlet"]][topic_stratum(a, silver)].append(a["id"])
    order = {o: i for i, o in enumerate(rng.sample(sorted(strata), len(strata)))}
    for topics in strata.values():
        for ids in topics.values():
            rng.shuffle(ids)
    per_outlet: dict[str, int] = defaultdict(int)
    per_topic: dict[str, int] = defaultdict(int)
    per_cell: dict[tuple[str, str], int] = defaultdict(int)
    for q in kept:
        a = by_id[q]
        per_outlet[a["outlet"]] += 1
        per_topic[topic_stratum(a, silver)] += 1
        per_cell[a["outlet"], topic_stratum(a, silver)] += 1
    chosen = list(kept)
    while len(chosen) < n:
        open_outlets = [o for o in strata if any(strata[o].values())]
        if not open_outlets:
            break
        outlet = min(open_outlets, key=lambda o: (per_outlet[o], order[o]))
        topic = min((t for t, ids in strata[outlet].items() if ids),
                    key=lambda t: (per_topic[t], per_cell[outlet, t], t))
        q = strata[outlet][topic].pop()
        chosen.append(q)
        per_outlet[outlet] += 1
        per_topic[topic] += 1
        per_cell[outlet, topic] += 1
    return sorted(chosen)


def more_queries(pool: dict, articles: list[dict], silver: dict[str, str], n: int, seed: int) -> list[str]:
    """`n` queries to add to a pool (sorted ids), by `select_queries`'s rule with the pool's queries counted as
    kept, never one of its queries or replaced queries (over-provisioning for queries judged to have no relevant
    document)."""
    kept = sorted(pool["queries"])
    chosen = select_queries(kept, articles, silver, pool["split"], len(kept) + n, seed,
                            frozenset(pool.get("replaced_queries", {})))
    return sorted(set(chosen) - set(kept))


def add_queries(pool: dict, pools: dict[str, dict[str, list[str]]], reason: str, source: str) -> dict:
    """The pool file with new queries' pools added, each recorded under `added_queries` with `reason`."""
    check_pool(pool, source)
    clash = sorted(set(pools) & (set(pool["pools"]) | set(pool.get("replaced_queries", {}))))
    if clash:
        raise PoolError(f"{source}: query {clash[0]} is already in the pool or was replaced")
    merged = {**pool["pools"], **pools}
    added = {**pool.get("added_queries", {}), **{q: reason for q in pools}}
    out = {**pool, "queries": sorted(merged), "added_queries": dict(sorted(added.items()))}
    out.pop("pools")  # keeps the file's key order: `pools` last, after the query lists
    return {**out, "pools": {q: merged[q] for q in sorted(merged)}}


def merge_pools(queries: list[str], runs: dict[str, dict[str, list[tuple[str, float]]]], depth: int,
                judged: dict[str, set[str]] | None = None) -> dict[str, dict[str, list[str]]]:
    """Per query, every doc in some system's top `depth` with the systems that put it there (sorted); docs judged
    before (`judged`) that no system contributed get `v1-pool`. The query itself is never pooled."""
    pools = {}
    for q in queries:
        pool: dict[str, set[str]] = defaultdict(set)
        for system, run in runs.items():
            if q not in run:
                raise PoolError(f"system {system} has no ranking for query {q}")
            for d, _ in run[q][:depth]:
                pool[d].add(system)
        for d in (judged or {}).get(q, ()):
            if d not in pool:
                pool[d].add(V1)
        pool.pop(q, None)
        pools[q] = {d: sorted(pool[d]) for d in sorted(pool)}
    return pools


def pool_file(split: str, seed: int, depth: int, systems: dict[str, str], pools: dict[str, dict[str, list[str]]],
              replaced: dict[str, str]) -> dict:
    return {"schema": SCHEMA, "guidelines": GUIDELINES, "split": split, "seed": seed, "depth": depth,
            "systems": dict(sorted(systems.items())), "queries": sorted(pools),
            "replaced_queries": dict(sorted(replaced.items())), "pools": {q: pools[q] for q in sorted(pools)}}


def check_pool(pool: dict, source: str) -> None:
    if pool.get("schema") != SCHEMA:
        raise PoolError(f"{source}: not a schema {SCHEMA} pool file (found {pool.get('schema')!r})")


def add_pairs(pool: dict, rows: list[dict], contributor: str, known_ids: set[str],
              source: str) -> tuple[dict, dict[str, list[str]]]:
    """Add (query_id, doc_id) rows to a pool as `contributor` (`sweep`, or a system pooled later, which replaces a
    `v1-pool` mark); returns the new pool and, per query, the docs not pooled before (these need a judgment)."""
    check_pool(pool, source)
    pools = {q: {d: list(c) for d, c in docs.items()} for q, docs in pool["pools"].items()}
    new: dict[str, list[str]] = defaultdict(list)
    for i, row in enumerate(rows, start=2):
        q, d = (row.get("query_id") or "").strip(), (row.get("doc_id") or "").strip()
        if q not in pools:
            raise PoolError(f"{source}:{i}: query {q!r} is not a query of the {pool['split']} pool")
        if d not in known_ids:
            raise PoolError(f"{source}:{i}: unknown corpus id {d!r}")
        if d == q:
            raise PoolError(f"{source}:{i}: a query cannot be its own candidate")
        contributors = pools[q].setdefault(d, [])
        if not contributors:
            new[q].append(d)
        if contributor not in contributors:
            contributors.append(contributor)
            if contributor != SWEEP and V1 in contributors:  # `v1-pool` marks pairs no system brings
                contributors.remove(V1)
            contributors.sort()
    pools = {q: dict(sorted(docs.items())) for q, docs in pools.items()}
    return {**pool, "pools": pools}, {q: sorted(set(ds)) for q, ds in sorted(new.items())}


def pool_stats(pool: dict) -> dict:
    """Queries, pooled pairs, pairs per contributor, pairs only one contributor brought, mean pool size."""
    pairs = [(q, d, c) for q, docs in pool["pools"].items() for d, c in docs.items()]
    per: dict[str, int] = defaultdict(int)
    unique: dict[str, int] = defaultdict(int)
    for _, _, contributors in pairs:
        for c in contributors:
            per[c] += 1
        if len(contributors) == 1:
            unique[contributors[0]] += 1
    n = len(pool["pools"])
    return {"queries": n, "pooled_pairs": len(pairs), "pairs_per_contributor": dict(sorted(per.items())),
            "unique_to_contributor": {c: unique.get(c, 0) for c in sorted(per)},
            "mean_pool_size": round(len(pairs) / n, 1) if n else 0.0,
            "replaced_queries": len(pool.get("replaced_queries", {}))}


# -------------------------------------------------------------------------------------------- judging batches
def snippet(text: str | None, n: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[:n].rsplit(" ", 1)[0] + " …"


def _card(a: dict, chars: int) -> dict:
    return {"id": a["id"], "date": (a.get("published") or "")[:10] or None, "outlet": a["outlet"],
            "title": a.get("title") or "", "text": snippet(a.get("body"), chars)}


def judging_items(pools: dict[str, dict[str, list[str]]], by_id: dict[str, dict]) -> list[dict]:
    """One item per query: the query and every pooled candidate, sorted by id, without contributors."""
    return [{"query": _card(by_id[q], QUERY_CHARS), "guidelines": GUIDELINES,
             "candidates": [_card(by_id[d], DOC_CHARS) for d in sorted(docs)]}
            for q, docs in sorted(pools.items())]


def batch_items(items: list[dict], per_batch: int) -> list[list[dict]]:
    return [items[k:k + per_batch] for k in range(0, len(items), per_batch)]


# ------------------------------------------------------------------ v1 export (`annotate export --task related`)
def pool_related(queries: list[str], runs: dict[str, dict[str, list[tuple[str, float]]]], depth: int) -> dict[str, list[str]]:
    """Union of the top `depth` documents of every system per query, in a system-blind sorted order."""
    return {q: sorted({d for run in runs.values() for d, _ in run.get(q, [])[:depth]} - {q}) for q in queries}


def stratified_queries(candidates: list[str], by_id: dict[str, dict], n: int, seed: int,
                       split: str = "test") -> list[str]:
    """n queries of `split` spread evenly over outlets (round robin over a seeded shuffle of each outlet's articles)."""
    rng = random.Random(seed)
    per: dict[str, list[str]] = defaultdict(list)
    for q in candidates:
        if by_id[q]["split"] == split and by_id[q]["title"]:
            per[by_id[q]["outlet"]].append(q)
    for ids in per.values():
        rng.shuffle(ids)
    chosen, outlets = [], sorted(per)
    while len(chosen) < n and any(per[o] for o in outlets):
        for o in outlets:
            if per[o] and len(chosen) < n:
                chosen.append(per[o].pop())
    return chosen


def related_items(pools: dict[str, list[str]], by_id: dict[str, dict]) -> list[dict]:
    items = []
    for q, docs in pools.items():
        qa = by_id[q]
        for d in docs:
            da = by_id[d]
            items.append({"query_id": q, "query_title": qa["title"], "query_text": snippet(qa["body"], 500),
                          "doc_id": d, "doc_title": da["title"], "doc_text": snippet(da["body"], 500),
                          "doc_outlet": da["outlet"]})
    return items


def export_related(articles: list[dict], runs: dict[str, Run], n_queries: int, seed: int, depth: int) -> list[dict]:
    """Judging items pooled from >= 3 given runs, for test queries that every run ranked."""
    if len(runs) < 3:
        raise ValueError("related export pools >= 3 systems: pass --runs RUN1 RUN2 RUN3 (TREC run files)")
    by_id = {a["id"]: a for a in articles}
    queries = stratified_queries(sorted(set.intersection(*(set(r) for r in runs.values()))), by_id, n_queries, seed)
    return related_items(pool_related(queries, runs, depth), by_id)
