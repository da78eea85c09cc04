"""Pool candidate documents for related-article judgments (annotation issue) and export the judging batches.

Chooses N queries of one split (test, or validation for model selection) stratified across outlets, ranks the
corpus for them with >= 3 different systems (BM25 and TF-IDF cosine over title+body documents with the full query
article, and BM25 with the query's TITLE only), writes each system's TREC run, pools the top `--depth` of every
system per query (system-blind, sorted), and writes JSON Lines batches to annotations/batches/ (git-ignored: they
quote article text). Usage:
    python scripts/pool_related.py [--split test] [--queries 64] [--seed 5] [--depth 10] [--batch-queries 8]
v1: test = 64 queries, seed 5; validation = 24 queries, seed 7 (`--split validation --queries 24 --seed 7`).

Adding a system to an existing pool (as TREC pools every submitted run), so it is not scored against judgments
it never contributed to:
    python scripts/pool_related.py --extend RUN.trec --system NAME --note "what it is" [--split test]
writes batches with only the not-yet-judged pairs of its top `--depth` and records the system in the pool file.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

from arnews_ds import annotate as an
from arnews_ds import annotations as ann
from arnews_ds.baselines import Options
from arnews_ds.baselines.runner import load_task_data, write_outputs
from arnews_ds.baselines.tfidf import retrieval
from arnews_ds.build import PACKAGE_DIR, built_rows

SYSTEM_NOTES = {
    "bm25-title_body": "BM25 (bm25s, k1 1.5, b 0.75) over title+body documents, full query article",
    "tfidf-title_body": "TF-IDF cosine over title+body documents, full query article",
    "bm25-title_body@title-query": "BM25 over title+body documents, query = the query's title only",
}
SYSTEMS = tuple(SYSTEM_NOTES)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=sorted(ann.POOL_FILES), default="test")
    ap.add_argument("--queries", type=int, default=64)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--depth", type=int, default=10)
    ap.add_argument("--batch-queries", type=int, default=8, help="queries per judging batch")
    ap.add_argument("--extend", help="TREC run file of a system to add to the existing pool of --split")
    ap.add_argument("--system", help="--extend: the system's name in the pool file")
    ap.add_argument("--note", help="--extend: one line on what the system is")
    args = ap.parse_args()
    if args.extend:
        if not (args.system and args.note):
            ap.error("--extend needs --system and --note")
        return extend(args)

    data = load_task_data("retrieval")
    by_id = {a["id"]: a for a in built_rows("articles", "full")}
    candidates = sorted(i for i, a in by_id.items() if a["split"] == args.split)
    chosen = an.stratified_queries(candidates, by_id, args.queries, args.seed, args.split)
    full = [{"_id": q, "text": f"{by_id[q]['title']}\n\n{by_id[q]['body']}"} for q in chosen]
    titles = [{"_id": q, "text": by_id[q]["title"]} for q in chosen]

    runs = {}
    for name, queries in (("full", full), ("title", titles)):
        # One validation query keeps the baseline's validation path non-empty; the chosen queries are run as "test"
        # whatever their split (only these runs are pooled).
        sub = dataclasses.replace(data, validation=queries[:1], test=queries,
                                  queries={"validation": queries[:1], "test": queries}, qrels={})
        result = retrieval(sub, Options())
        every = {result.settings["variant"]: result.runs, **result.extra["runs"]}
        for variant, split_runs in every.items():
            system = variant if name == "full" else f"{variant}@title-query"
            if system in SYSTEMS:
                runs[system] = split_runs["test"]
    out = an.BATCHES / ("related-runs" if args.split == "test" else f"related-runs-{args.split}")
    for system, run in runs.items():
        write_outputs(out / system, "retrieval", system, dataclasses.replace(result, runs={"test": run}, predictions=[]),
                      {"system": system, "queries": len(run)})
    pools = an.pool_related(chosen, runs, args.depth)
    items = an.related_items(pools, by_id)
    paths = write_query_batches(items, f"related-s{args.seed}", args.batch_queries)
    sizes = [len(v) for v in pools.values()]
    outlets = sorted({by_id[q]["outlet"] for q in chosen})
    print(f"{len(chosen)} {args.split} queries from {len(outlets)} outlets; systems {sorted(runs)}; "
          f"pool depth {args.depth}; {len(items)} pairs (pool size {min(sizes)}-{max(sizes)}, "
          f"mean {sum(sizes) / len(sizes):.1f}) in {len(paths)} batches under {an.BATCHES}")
    # The pool itself (ids only, no text) is committed data: the card states depth and systems from it.
    (an.ANNOTATIONS_DIR / ann.POOL_FILES[args.split]).write_text(json.dumps(
        {"guidelines": an.GUIDELINES_VERSION, "split": args.split, "seed": args.seed, "queries": chosen,
         "systems": sorted(runs), "depth": args.depth, "system_notes": SYSTEM_NOTES, "pools": pools},
        indent=1, ensure_ascii=False), encoding="utf-8")


def write_query_batches(items: list[dict], name: str, per_batch: int) -> list:
    """Batches of whole queries, so one annotator judges every candidate of a query."""
    per_query: dict[str, list[dict]] = {}
    for item in items:
        per_query.setdefault(item["query_id"], []).append(item)
    queries = list(per_query)
    paths = []
    for k in range(0, len(queries), per_batch):
        path = an.BATCHES / f"{name}-{k // per_batch:03d}.jsonl"
        rows = [i for q in queries[k:k + per_batch] for i in per_query[q]]
        path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in rows), encoding="utf-8")
        paths.append(path)
    return paths


def extend(args) -> None:
    """Pool the top `depth` of one more system for the pool's queries; batch only the pairs not judged yet."""
    from arnews_ds.cli import _read_run

    pool_path = an.ANNOTATIONS_DIR / ann.POOL_FILES[args.split]
    pool = json.loads(pool_path.read_text(encoding="utf-8"))
    alias = {}
    for line in (PACKAGE_DIR / "data" / "duplicates.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        rep, member, _ = line.split("\t")
        alias[member] = rep
    judged = {(r["query-id"], r["corpus-id"]) for r in built_rows("qrels", args.split)}
    run = _read_run(Path(args.extend))
    by_id = {a["id"]: a for a in built_rows("articles", "full")}
    try:
        pool, new = an.extend_pool(pool, run, judged, alias, args.depth)
    except KeyError as e:
        raise SystemExit(f"{args.extend}: {e.args[0]}") from None
    pool["system_notes"][args.system] = args.note
    pool["systems"] = sorted(pool["system_notes"])
    items = an.related_items(new, by_id)
    paths = write_query_batches(items, f"related-{args.split}-{args.system}", args.batch_queries)
    pool_path.write_text(json.dumps(pool, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"{args.system}: {len(items)} unjudged pairs in its top {args.depth} for {len(new)} of "
          f"{len(pool['queries'])} {args.split} queries, in {len(paths)} batches under {an.BATCHES}")


if __name__ == "__main__":
    main()
