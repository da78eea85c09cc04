"""Pooled related-article judgments (DESIGN §7): queries stratified across outlets, the top documents of several
systems pooled per query (TREC-style), judging batches, and extending a pool with a later system so it is not
scored against judgments it never contributed to. `arnews-ds pool new|extend` and `arnews-ds annotate export
--task related` are the command-line edges.
"""
from __future__ import annotations

import dataclasses
import json
import random
from collections import defaultdict
from pathlib import Path

from .annotate import GUIDELINES_VERSION, _snippet as snippet
from .annotations import POOL_FILES
from .paths import ANNOTATIONS, BATCHES, PACKAGE_DIR
from .trec import Run

# The three lexical systems of the v1 pools (a variant of the TF-IDF retrieval baseline each).
SYSTEM_NOTES = {
    "bm25-title_body": "BM25 (bm25s, k1 1.5, b 0.75) over title+body documents, full query article",
    "tfidf-title_body": "TF-IDF cosine over title+body documents, full query article",
    "bm25-title_body@title-query": "BM25 over title+body documents, query = the query's title only",
}


def pool_related(queries: list[str], runs: dict[str, dict[str, list[tuple[str, float]]]], depth: int) -> dict[str, list[str]]:
    """Union of the top `depth` documents of every system per query, in a system-blind sorted order."""
    return {q: sorted({d for run in runs.values() for d, _ in run.get(q, [])[:depth]} - {q}) for q in queries}


def extend_pool(pool: dict, run: dict[str, list[tuple[str, float]]], judged: set[tuple[str, str]],
                alias: dict[str, str], depth: int) -> tuple[dict, dict[str, list[str]]]:
    """Add one system's top `depth` to a pool (TREC-style pooling of a later run); returns the new pool and, per
    query, the documents not judged yet. Pool ids may since have merged into a representative (`alias`): the run
    and `judged` (the built qrels) use representatives. Excluded queries stay unpooled."""
    pools = dict(pool["pools"])
    new: dict[str, list[str]] = {}
    for q in pool["queries"]:
        if q in pool.get("excluded_queries", {}):
            continue
        rq = alias.get(q, q)
        if rq not in run:
            raise KeyError(f"no ranking for pool query {rq}")
        top = [d for d, _ in run[rq] if d != rq][:depth]
        pools[q] = sorted(set(pools[q]) | set(top))
        if fresh := sorted(d for d in top if (rq, d) not in judged):
            new[rq] = fresh
    return {**pool, "pools": pools}, new


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


def write_query_batches(items: list[dict], name: str, per_batch: int, folder: Path = BATCHES) -> list[Path]:
    """Batches of whole queries, so one annotator judges every candidate of a query."""
    per_query: dict[str, list[dict]] = {}
    for item in items:
        per_query.setdefault(item["query_id"], []).append(item)
    queries = list(per_query)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(0, len(queries), per_batch):
        path = folder / f"{name}-{k // per_batch:03d}.jsonl"
        rows = [i for q in queries[k:k + per_batch] for i in per_query[q]]
        path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in rows), encoding="utf-8")
        paths.append(path)
    return paths


def lexical_runs(chosen: list[str], by_id: dict[str, dict], folder: Path = PACKAGE_DIR) -> tuple[dict[str, Run], object]:
    """The `SYSTEM_NOTES` systems' rankings for the chosen queries (and the baseline result they came from)."""
    from .baselines import Options
    from .baselines.lexical import retrieval
    from .baselines.runner import load_task_data

    data = load_task_data("retrieval", folder)
    full = [{"_id": q, "text": f"{by_id[q]['title']}\n\n{by_id[q]['body']}"} for q in chosen]
    titles = [{"_id": q, "text": by_id[q]["title"]} for q in chosen]
    runs, result = {}, None
    for name, queries in (("full", full), ("title", titles)):
        # One validation query keeps the baseline's validation path non-empty; the chosen queries are run as "test"
        # whatever their split (only these runs are pooled).
        sub = dataclasses.replace(data, validation=queries[:1], test=queries,
                                  queries={"validation": queries[:1], "test": queries}, qrels={})
        result = retrieval(sub, Options())
        every = {result.settings["variant"]: result.runs, **result.extra["runs"]}
        for variant, split_runs in every.items():
            system = variant if name == "full" else f"{variant}@title-query"
            if system in SYSTEM_NOTES:
                runs[system] = split_runs["test"]
    return runs, result


def new_pool(split: str, n_queries: int, seed: int, depth: int, batch_queries: int, folder: Path = PACKAGE_DIR,
             root: Path = ANNOTATIONS, batches: Path = BATCHES) -> str:
    """Choose queries, run the systems, write their runs, the judging batches and the committed pool file (ids,
    systems, depth; no text); returns a one-line summary."""
    from .baselines.runner import write_outputs
    from .loading import built_rows

    by_id = {a["id"]: a for a in built_rows("articles", "full", folder)}
    candidates = sorted(i for i, a in by_id.items() if a["split"] == split)
    chosen = stratified_queries(candidates, by_id, n_queries, seed, split)
    runs, result = lexical_runs(chosen, by_id, folder)
    out = batches / ("related-runs" if split == "test" else f"related-runs-{split}")
    for system, run in runs.items():
        # Only this system's run (extra={}: no other variant's runs), tagged with its pool name.
        write_outputs(out / system, "retrieval", system,
                      dataclasses.replace(result, runs={"test": run}, predictions=[], extra={}),
                      {"system": system, "queries": len(run)})
    pools = pool_related(chosen, runs, depth)
    items = related_items(pools, by_id)
    paths = write_query_batches(items, f"related-s{seed}", batch_queries, batches)
    (root / POOL_FILES[split]).write_text(json.dumps(
        {"guidelines": GUIDELINES_VERSION, "split": split, "seed": seed, "queries": chosen, "systems": sorted(runs),
         "depth": depth, "system_notes": SYSTEM_NOTES, "pools": pools}, indent=1, ensure_ascii=False), encoding="utf-8")
    sizes = [len(v) for v in pools.values()] or [0]
    outlets = sorted({by_id[q]["outlet"] for q in chosen})
    return (f"{len(chosen)} {split} queries from {len(outlets)} outlets; systems {sorted(runs)}; pool depth {depth}; "
            f"{len(items)} pairs (pool size {min(sizes)}-{max(sizes)}, mean {sum(sizes) / len(sizes):.1f}) in "
            f"{len(paths)} batches under {batches}")


def extend(split: str, run: Run, system: str, note: str, depth: int, batch_queries: int,
           folder: Path = PACKAGE_DIR, root: Path = ANNOTATIONS, batches: Path = BATCHES) -> str:
    """Pool the top `depth` of one more system for the pool's queries and batch only the pairs not judged yet;
    records the system in the pool file. KeyError when the run lacks a pool query."""
    from .loading import built_rows, duplicate_alias

    pool_path = root / POOL_FILES[split]
    pool = json.loads(pool_path.read_text(encoding="utf-8"))
    judged = {(r["query-id"], r["corpus-id"]) for r in built_rows("qrels", split, folder)}
    by_id = {a["id"]: a for a in built_rows("articles", "full", folder)}
    pool, new = extend_pool(pool, run, judged, duplicate_alias(folder), depth)
    pool["system_notes"][system] = note
    pool["systems"] = sorted(pool["system_notes"])
    items = related_items(new, by_id)
    paths = write_query_batches(items, f"related-{split}-{system}", batch_queries, batches)
    pool_path.write_text(json.dumps(pool, indent=1, ensure_ascii=False), encoding="utf-8")
    return (f"{system}: {len(items)} unjudged pairs in its top {depth} for {len(new)} of {len(pool['queries'])} "
            f"{split} queries, in {len(paths)} batches under {batches}")


def export_related(articles: list[dict], runs: dict[str, Run], n_queries: int, seed: int, depth: int) -> list[dict]:
    """Judging items pooled from >= 3 given runs, for test queries that every run ranked."""
    if len(runs) < 3:
        raise ValueError("related export pools >= 3 systems: pass --runs RUN1 RUN2 RUN3 (TREC run files)")
    by_id = {a["id"]: a for a in articles}
    queries = stratified_queries(sorted(set.intersection(*(set(r) for r in runs.values()))), by_id, n_queries, seed)
    return related_items(pool_related(queries, runs, depth), by_id)
