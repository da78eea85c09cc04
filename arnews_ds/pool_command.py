"""`arnews-ds pool`: the file edges of the v2 related-article pools (issue 9). The logic lives in `pooling.py`,
`pool_systems.py` and `story_sweep.py`; this module reads the build and annotations and writes runs, pool files,
judging batches and the sweep index.

    pool new --split test [--biencoder-run RUN.trec]     select queries, run the systems, write pool + batches
    pool extend --split test --system NAME RUN.trec      pool one more system's top depth (batches: new pairs only)
    pool add-queries --split test --n 36 [--seed S]      over-provision: N more stratified queries, every pooled
                                                         system, runs merged into the split's run files
    pool add-sweep --split test FILE.tsv                 add an annotator sweep (query_id, doc_id rows)
    pool search --split test --query QID --terms "..." [--days 14]  |  pool search --show ID
    pool rank-biencoder --out RUN.trec                   train the bi-encoder once, rank every val/test article
"""
from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

from . import pooling as pl
from .annotations import POOL_FILES
from .loading import built_rows, duplicate_alias
from .trec import Run, read_run, write_run

DEFAULTS = {"test": {"queries": 112, "seed": 5}, "validation": {"queries": 46, "seed": 7}}
BATCH_DIR = "related-v2"


class CommandError(Exception):
    """A problem the user can fix (the CLI prints it as one line)."""


def _articles(folder: Path) -> list[dict]:
    cols = ["id", "outlet", "published", "title", "lead", "body", "source_categories", "split"]
    try:
        import pyarrow.parquet as pq

        return pq.read_table(folder / "data" / "articles" / "full.parquet", columns=cols).to_pylist()
    except FileNotFoundError:
        built_rows("articles", "full", folder)  # its error names the missing build
        raise


def _silver(folder: Path, split: str) -> dict[str, str]:
    import pyarrow.parquet as pq

    names = json.loads((folder / "data" / "manifest.json").read_text(encoding="utf-8"))["label_names"]
    rows = pq.read_table(folder / "data" / "topic" / f"{split}.parquet", columns=["id", "label"]).to_pylist()
    return {r["id"]: names[r["label"]] for r in rows}


def _write_run(path: Path, run: Run, tag: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_run(path, run, tag)


def _cut(run: Run, queries: list[str], depth: int, source: str) -> Run:
    """Each query's ranking from a deeper run (e.g. `pool rank-biencoder`'s): its own id dropped, top `depth`."""
    missing = [q for q in queries if q not in run]
    if missing:
        raise CommandError(f"{source}: no ranking for {len(missing)} pool queries, e.g. {missing[0]}")
    return {q: [h for h in run[q] if h[0] != q][:depth] for q in queries}


def _rank(articles: list[dict], queries: list[str], depth: int, systems, biencoder_run: Path | None) -> Run:
    """{system: run} of every named system for `queries`: the registered rankers, and the bi-encoder from its run."""
    from .pool_systems import NEURAL, SYSTEMS, PoolCorpus

    unknown = sorted(set(systems) - set(SYSTEMS) - {NEURAL})
    if unknown:
        raise CommandError(f"no ranker for pooled system {unknown[0]}: pool its run with `pool extend`")
    corpus, runs = PoolCorpus.from_articles(articles), {}
    for name in sorted(systems):
        if name == NEURAL:
            if biencoder_run is None or not biencoder_run.exists():
                raise CommandError(f"the bi-encoder needs its run of every val/test article (--biencoder-run "
                                   f"{biencoder_run}: missing; `pool rank-biencoder` writes it)")
            runs[name] = _cut(read_run(biencoder_run), queries, depth, str(biencoder_run))
        else:
            runs[name] = SYSTEMS[name](corpus, queries, depth)
        print(f"{name}: ranked {len(queries)} queries", flush=True)
    return runs


def _v1_state(annotations: Path, split: str, alias: dict[str, str]):
    """(kept queries, replaced {query: reason}, judged docs per kept query) from the v1 pool and judgments."""
    from .annotate import read_gold

    v1 = json.loads((annotations / POOL_FILES[split]).read_text(encoding="utf-8"))
    if v1.get("schema") == pl.SCHEMA:
        raise CommandError(f"{POOL_FILES[split]} is already a v2 pool; `pool new` starts from the v1 pool file")
    grades: dict[tuple[str, str], list[int]] = defaultdict(list)
    judged: dict[str, set[str]] = defaultdict(set)
    v1_queries = {alias.get(q, q) for q in v1["queries"]}
    for r in read_gold("related", annotations):
        q, d = alias.get(r["query_id"], r["query_id"]), alias.get(r["doc_id"], r["doc_id"])
        if q in v1_queries and d != q:
            grades[q, d].append(int(r["grade"]))
            judged[q].add(d)
    relevant = pl.queries_with_relevant(grades, {})
    kept = sorted(q for q in v1_queries if q in relevant)
    replaced = {alias.get(q, q): f"v1: {why}" for q, why in v1.get("excluded_queries", {}).items()}
    replaced |= {q: pl.NO_RELEVANT for q in v1_queries if q not in relevant and q not in replaced}
    return kept, replaced, {q: judged[q] for q in kept}


def build(args) -> int:
    from .pool_systems import NEURAL, SYSTEM_NOTES, SYSTEMS

    split, folder, annotations = args.split, Path(args.data), Path(args.annotations)
    n = args.queries or DEFAULTS[split]["queries"]
    seed = args.seed if args.seed is not None else DEFAULTS[split]["seed"]
    articles, alias = _articles(folder), duplicate_alias(folder)
    kept, replaced, judged = _v1_state(annotations, split, alias)
    queries = pl.select_queries(kept, articles, _silver(folder, split), split, n, seed, frozenset(replaced))
    systems = [*SYSTEMS, NEURAL] if args.biencoder_run else list(SYSTEMS)
    runs = _rank(articles, queries, args.depth, systems, Path(args.biencoder_run) if args.biencoder_run else None)
    for name, run in runs.items():
        _write_run(Path(args.runs_dir) / f"{name}.{split}.trec", run, name)
    try:
        pools = pl.merge_pools(queries, runs, args.depth, judged)
    except pl.PoolError as e:
        raise CommandError(str(e)) from None
    pool = pl.pool_file(split, seed, args.depth, {s: SYSTEM_NOTES[s] for s in runs}, pools, replaced)
    _write_pool(annotations, split, pool)
    by_id = {a["id"]: a for a in articles}
    batch_dir = annotations / "batches" / BATCH_DIR
    for old in batch_dir.glob(f"related-v2-{split}-[0-9][0-9][0-9].jsonl"):
        old.unlink()
    paths = _write_batches(batch_dir, f"related-v2-{split}", pl.judging_items(pools, by_id), args.batch_queries)
    print(json.dumps(pl.pool_stats(pool), indent=1))
    print(f"{len(paths)} batches in {batch_dir}")
    return 0


def _write_pool(annotations: Path, split: str, pool: dict) -> None:
    (annotations / POOL_FILES[split]).write_text(json.dumps(pool, indent=1, ensure_ascii=False) + "\n",
                                               encoding="utf-8")


def _write_batches(batch_dir: Path, name: str, items: list[dict], per_batch: int, start: int = 0) -> list[Path]:
    batch_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for k, batch in enumerate(pl.batch_items(items, per_batch), start=start):
        path = batch_dir / f"{name}-{k:03d}.jsonl"
        path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in batch), encoding="utf-8")
        paths.append(path)
    _write_manifest(batch_dir)
    return paths


def _write_manifest(batch_dir: Path) -> None:
    lines = ["# Related-article judging batches, guidelines 2.0", "",
             "One JSON line per query: the query and every pooled candidate (sorted by id, system-blind). Judge "
             "every candidate; batches quote article text, never commit them.", "",
             "| batch | queries | pairs |", "|---|---|---|"]
    totals = [0, 0]
    for path in sorted(batch_dir.glob("*.jsonl")):
        items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        pairs = sum(len(i["candidates"]) for i in items)
        totals[0] += len(items)
        totals[1] += pairs
        lines.append(f"| {path.name} | {len(items)} | {pairs} |")
    lines.append(f"| total | {totals[0]} | {totals[1]} |")
    (batch_dir / "MANIFEST.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _load_pool(annotations: Path, split: str) -> dict:
    path = annotations / POOL_FILES[split]
    pool = json.loads(path.read_text(encoding="utf-8"))
    try:
        pl.check_pool(pool, str(path))
    except pl.PoolError as e:
        raise CommandError(f"{e}: run `arnews-ds pool new --split {split}` first") from None
    return pool


def _add(args, rows: list[dict], contributor: str, note: str | None) -> int:
    annotations, folder = Path(args.annotations), Path(args.data)
    pool = _load_pool(annotations, args.split)
    articles = _articles(folder)
    try:
        pool, new = pl.add_pairs(pool, rows, contributor, {a["id"] for a in articles}, str(args.file))
    except pl.PoolError as e:
        raise CommandError(str(e)) from None
    if note:
        pool["systems"] = dict(sorted({**pool["systems"], contributor: note}.items()))
    _write_pool(annotations, args.split, pool)
    by_id = {a["id"]: a for a in articles}
    name = f"related-v2-{args.split}-{contributor}-{Path(args.file).stem}"
    paths = _write_batches(annotations / "batches" / BATCH_DIR, name, pl.judging_items(new, by_id),
                           args.batch_queries) if new else []
    print(f"{contributor}: {sum(map(len, new.values()))} new pairs for {len(new)} queries "
          f"({len(paths)} batches of new pairs only)")
    return 0


def add_sweep(args) -> int:
    with open(args.file, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    if rows and not {"query_id", "doc_id"} <= set(rows[0]):
        raise CommandError(f"{args.file}: needs a header with query_id and doc_id")
    return _add(args, rows, pl.SWEEP, None)


def add_run(args) -> int:
    from .pool_systems import SYSTEM_NOTES

    pool = _load_pool(Path(args.annotations), args.split)
    top = _cut(read_run(Path(args.file)), pool["queries"], pool["depth"], str(args.file))
    _write_run(Path(args.runs_dir) / f"{args.system}.{args.split}.trec", top, args.system)
    rows = [{"query_id": q, "doc_id": d} for q in sorted(top) for d, _ in top[q]]
    return _add(args, rows, args.system, args.note or SYSTEM_NOTES.get(args.system, args.system))


def more(args) -> int:
    """Over-provision a pool: `--n` more queries by `pool new`'s rule, ranked by every pooled system at the pool's
    depth; their runs join the split's run files (one run per system, as pool-bias reads them) and their pairs go
    to `related-v2-<split>-more-NNN` batches, numbered on from earlier ones."""
    annotations, folder, split = Path(args.annotations), Path(args.data), args.split
    if args.n < 1:
        raise CommandError("--n must be >= 1")
    pool = _load_pool(annotations, split)
    seed = args.seed if args.seed is not None else pool["seed"]
    articles = _articles(folder)
    queries = pl.more_queries(pool, articles, _silver(folder, split), args.n, seed)
    if len(queries) < args.n:
        raise CommandError(f"only {len(queries)} judgeable {split} articles are left to add (asked for {args.n})")
    runs_dir = Path(args.runs_dir)
    runs = _rank(articles, queries, pool["depth"], pool["systems"],
                 Path(args.biencoder_run) if args.biencoder_run else runs_dir / "bi-encoder.all.trec")
    for name, run in runs.items():  # check every file before writing any
        path = runs_dir / f"{name}.{split}.trec"
        old = read_run(path) if path.exists() or path.with_name(path.name + ".gz").exists() else {}
        if set(old) & set(run):
            raise CommandError(f"{path} already ranks query {sorted(set(old) & set(run))[0]}")
        runs[name] = {**old, **run}
    try:
        new = pl.merge_pools(queries, {s: {q: r[q] for q in queries} for s, r in runs.items()}, pool["depth"])
        pool = pl.add_queries(pool, new, f"replacement pool, seed {seed}", POOL_FILES[split])
    except pl.PoolError as e:
        raise CommandError(str(e)) from None
    for name, run in runs.items():
        _write_run(runs_dir / f"{name}.{split}.trec", run, name)
    _write_pool(annotations, split, pool)
    batch_dir, name = annotations / "batches" / BATCH_DIR, f"related-v2-{split}-more"
    start = max((int(p.stem[-3:]) + 1 for p in batch_dir.glob(f"{name}-[0-9][0-9][0-9].jsonl")), default=0)
    paths = _write_batches(batch_dir, name, pl.judging_items(new, {a["id"]: a for a in articles}),
                           args.batch_queries, start)
    added = pl.pool_stats({"pools": new})
    print(json.dumps({k: added[k] for k in ("queries", "pooled_pairs", "pairs_per_contributor",
                                            "unique_to_contributor", "mean_pool_size")}, indent=1))
    print(f"{len(queries)} queries added to {POOL_FILES[split]} (now {len(pool['queries'])}); "
          f"batches: {', '.join(p.name for p in paths)}")
    return 0


def search(args) -> int:
    from . import story_sweep as sw

    folder, annotations = Path(args.data), Path(args.annotations)
    if args.show:
        import pyarrow.parquet as pq

        rows = pq.read_table(folder / "data" / "articles" / "full.parquet", filters=[("id", "=", args.show)],
                             columns=["id", "outlet", "published", "url", "title", "body"]).to_pylist()
        if not rows:
            raise CommandError(f"no article {args.show}")
        a = rows[0]
        print(f"{a['id']}  {(a['published'] or '')[:10]}  {a['outlet']}  {a['url'] or ''}\n{a['title']}\n\n{a['body']}")
        return 0
    if not (args.query and args.terms):
        raise CommandError("search needs --query QID and --terms \"word1 word2\" (or --show ID)")
    manifest = json.loads((folder / "data" / "manifest.json").read_text(encoding="utf-8"))
    path = sw.index_path(annotations / "batches", manifest["files"]["data/articles/full.parquet"])
    if not path.exists():
        print(f"building the search index {path} (once per corpus) ...", flush=True)
        sw.build_index(built_rows("articles", "full", folder), path)
    terms = sw.terms_of(args.terms)
    if not terms:
        raise CommandError("--terms has no word after normalization")
    try:
        qdate, hits = sw.search(path, args.query, terms, args.days)
    except KeyError as e:
        raise CommandError(str(e.args[0])) from None
    pooled = set()
    pool_path = annotations / POOL_FILES[args.split]
    if pool_path.exists():
        pooled = set(json.loads(pool_path.read_text(encoding="utf-8"))["pools"].get(args.query, {}))
    window = f"+/-{args.days} days of {qdate}" if qdate and args.days is not None else "no date filter"
    print(f"{len(hits)} articles with all of {terms} ({window}); * = already in the pool")
    for h in hits[:args.limit]:
        print(h.line(h.id in pooled))
    if len(hits) > args.limit:
        print(f"... {len(hits) - args.limit} more (--limit)")
    return 0


def rank_biencoder(args) -> int:
    import pyarrow.parquet as pq

    from .baselines import Options
    from .pool_systems import NEURAL, rank_biencoder as rank

    folder = Path(args.data)
    rows = pq.read_table(folder / "data" / "articles" / "full.parquet", columns=["id", "split"]).to_pylist()
    run = rank(sorted(r["id"] for r in rows if r["split"] in ("validation", "test")), folder,
               Options(max_train=args.max_train))
    _write_run(Path(args.out), run, NEURAL)
    print(f"{NEURAL}: ranked {len(run)} validation and test articles into {args.out} (max_train {args.max_train})")
    return 0


ACTIONS = {"new": build, "extend": add_run, "add-sweep": add_sweep, "add-queries": more, "search": search,
           "rank-biencoder": rank_biencoder}


def run(args) -> int:
    if args.depth < 1:
        raise CommandError("--depth must be >= 1")
    return ACTIONS[args.action](args)
