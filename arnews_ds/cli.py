"""The `arnews-ds` command line (DESIGN §9). Heavy imports live inside the handlers so `--help` is instant."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


class UserError(Exception):
    """A problem the user can fix; printed as one line, never a traceback."""


def _cmd_fetch(args) -> int:
    from .fetch import fetch

    mirror = args.mirror or os.environ.get("ARNEWS_MIRROR")
    report = fetch(cache=args.cache, mirror=Path(mirror) if mirror else None, progress=not args.quiet)
    print(report.summary() if hasattr(report, "summary") else report)
    return 0


def _cmd_parse(args) -> int:
    from .ingest import ingest

    files: list[Path] = []
    missing = 0
    for p in map(Path, args.paths):
        if p.exists():
            files.append(p)
        else:
            print(f"{p}: no such file or folder", file=sys.stderr)
            missing += 1
    result = ingest({args.format: files})
    out = sys.stdout
    for a in result.articles:
        out.write(json.dumps(a.to_dict(), ensure_ascii=False) + "\n")
    for r in result.rejections:
        print(r.line(), file=sys.stderr)
    return 2 if (result.rejections or missing) else 0


def _raw_dir(args) -> Path:
    from .fetch import cache_dir

    raw = Path(args.raw_dir) if args.raw_dir else cache_dir()
    if not raw.is_dir():
        raise UserError(f"no raw cache at {raw}: run `arnews-ds fetch` first (or pass --raw-dir)")
    return raw


def _cmd_stats(args) -> int:
    from .ingest import default_workers, format_accounting, ingest, raw_files

    if args.raw:
        result = ingest(raw_files(_raw_dir(args)), progress=True, workers=default_workers())
        print(format_accounting(result))
        return 0 if result.balanced else 1
    from .build import PACKAGE_DIR

    manifest = PACKAGE_DIR / "data" / "manifest.json"
    if not manifest.exists():
        raise UserError("no build yet: run `arnews-ds build` (or `arnews-ds stats --raw` for the raw accounting)")
    stats = json.loads(manifest.read_text(encoding="utf-8"))["stats"]
    for config, splits in stats["configs"].items():
        print(f"{config:<10}" + "  ".join(f"{s}={n:,}" for s, n in splits.items()))
    for split, labels in stats["topic_labels"].items():
        print(f"topic/{split:<11}" + "  ".join(f"{l}={n:,}" for l, n in labels.items()))
    for key, n in stats["outlets"].items():
        print(f"{key:<40}{n:>8,}")
    return 0


def _cmd_build(args) -> int:
    from .build import PACKAGE_DIR, build

    result = build(_raw_dir(args), Path(args.out) if args.out else PACKAGE_DIR, progress=not args.quiet,
                   update_expected=args.update_expected)
    print(result.accounting)
    print(f"built dataset v{result.manifest['version']} in {result.out}: "
          + ", ".join(f"{c}={sum(s.values()):,}" for c, s in result.stats["configs"].items()))
    return 0 if result.stats["balanced"] else 1


def _cmd_card(args) -> int:
    from .build import PACKAGE_DIR, write_card

    out = Path(args.out) if args.out else PACKAGE_DIR
    if not (out / "data" / "manifest.json").exists():
        raise UserError(f"no build in {out}: run `arnews-ds build` first")
    path = write_card(out)
    print(f"card written to {path}")
    if args.leaderboard:
        from .baselines.runner import load_leaderboard

        print(load_leaderboard())
    return 0


def _built_rows(config: str, split: str) -> list[dict]:
    from .build import built_rows

    try:
        return built_rows(config, split)
    except FileNotFoundError as e:
        raise UserError(str(e)) from None


def _read_run(path: Path) -> dict[str, list[tuple[str, float]]]:
    """A TREC run file (plain or gzipped), kept here for scripts/pool_related.py."""
    from .baselines.items import read_run

    return read_run(path)


def _cmd_annotate(args) -> int:
    from . import annotate as an
    from . import annotations as ann

    articles = _built_rows("articles", "full")
    label_names = [l.slug for l in ann.load_taxonomy()]
    if args.action == "export":
        if args.task == "topic":
            topic = _built_rows("topic", "test")
            items = an.sample_topic(articles, topic, label_names, args.per_label, args.outlet, args.sample, args.seed)
        elif args.task == "headline":
            items = an.sample_headline(_built_rows("headline", "test"), args.sample, args.seed)
        else:
            if len(args.runs or []) < 3:
                raise UserError("related export pools >= 3 systems: pass --runs RUN1 RUN2 RUN3 (TREC run files)")
            runs = {str(p): _read_run(Path(p)) for p in args.runs}
            by_id = {a["id"]: a for a in articles}
            queries = an.stratified_queries(sorted(set.intersection(*(set(r) for r in runs.values()))), by_id,
                                            args.sample, args.seed)
            items = an.related_items(an.pool_related(queries, runs, args.depth), by_id)
        paths = an.write_batches(items, f"{args.task}-s{args.seed}", args.batch_size)
        print(f"{len(items)} items in {len(paths)} batches under {an.BATCHES}")
        return 0
    if args.action == "import":
        known = {a["id"] for a in articles}
        total = 0
        for f in args.files:
            with open(f, encoding="utf-8", newline="") as fh:
                import csv

                rows = list(csv.DictReader(fh, delimiter="\t"))
            for r in rows:
                r.setdefault("guidelines", an.GUIDELINES_VERSION)
                r.setdefault("duplicate", "0")
            try:
                total += an.import_rows(args.task, rows, known, label_names, f)
            except an.ImportError_ as e:
                raise UserError(str(e)) from None
        print(f"imported {total} {args.task} judgments")
        return 0
    print(json.dumps(an.agreement(), indent=2, ensure_ascii=False))
    return 0


def _cmd_significance(args) -> int:
    from .baselines.runner import RESULTS_DIR
    from .baselines.significance import write_significance

    results = Path(args.results) if args.results else RESULTS_DIR
    for task in args.task:
        if not (results / task).is_dir():
            raise UserError(f"no results for {task} in {results}: run scripts/baseline.py --task {task} first")
        path = write_significance(task, results)
        data = json.loads(path.read_text(encoding="utf-8"))
        print(f"{path}: {len(data['systems'])} systems ({', '.join(data['systems'])}), {len(data['pairs'])} "
              "paired comparisons")
    return 0


def _committed_runs(results: Path) -> dict[str, Path]:
    """Every committed retrieval test run, by its TREC run tag (the system name the pool file uses)."""
    runs = {}
    for path in sorted(results.glob("retrieval/*/run.test*.trec*")):
        from .baselines.items import read_run_tag

        runs.setdefault(read_run_tag(path), path)
    return runs


def _cmd_pool_bias(args) -> int:
    from .baselines.items import read_qrels, read_run
    from .baselines.runner import RESULTS_DIR
    from .metrics.pool_bias import format_pool_bias, pool_bias, read_pools

    try:
        pools = read_pools(json.loads(Path(args.pool).read_text(encoding="utf-8")))
    except (OSError, ValueError) as e:
        raise UserError(f"{args.pool}: {e}") from None
    if args.qrels:
        qrels = read_qrels(Path(args.qrels))
    else:
        qrels = {}
        for r in _built_rows("qrels", "test"):
            qrels.setdefault(r["query-id"], {})[r["corpus-id"]] = r["score"]
    if not qrels:
        raise UserError("no judged test query in the qrels")
    outside = sorted(set(qrels) - set(pools))
    if outside:  # scored like every other query; none of their pairs counts as contributed by one system alone
        print(f"{len(outside)} judged queries are not in {args.pool} (e.g. {outside[0]})", file=sys.stderr)
    paths = dict(pair.split("=", 1) for pair in args.run) if args.run else _committed_runs(RESULTS_DIR)
    if not paths:
        raise UserError("no runs: pass --run SYSTEM=RUN_FILE (TREC format), or commit results/retrieval/*/run.test.trec")
    bias = pool_bias(pools, qrels, {name: read_run(Path(p)) for name, p in paths.items()})
    out = Path(args.out) if args.out else RESULTS_DIR / "retrieval" / "pool_bias.json"
    out.write_text(json.dumps(bias, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(format_pool_bias(bias))
    print(f"written to {out}")
    return 0


def _cmd_verify(args) -> int:
    from .build import PACKAGE_DIR
    from .verify import verify

    problems = verify(Path(args.out) if args.out else PACKAGE_DIR, near_duplicates=not args.skip_near_duplicates)
    for p in problems:
        print(p, file=sys.stderr)
    print("verify: ok" if not problems else f"verify: {len(problems)} problem(s)")
    return 1 if problems else 0


def _cmd_publish(args) -> int:
    from .publish import publish

    files = publish(args.repo_id, args.tag, dry_run=args.dry_run)
    verb = "would upload" if args.dry_run else "uploaded"
    print(f"{verb} {len(files)} files to {args.repo_id} at {args.tag}:")
    for f in files:
        print(f"  {f}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="arnews-ds", description="Arabic news dataset: fetch, parse, build, verify, publish.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("fetch", help="download (or copy from a mirror) and verify the pinned raw files")
    p.add_argument("--mirror", help="copy from this folder instead of the network (default: $ARNEWS_MIRROR)")
    p.add_argument("--cache", type=Path, help="raw cache folder (default: $ARNEWS_HOME or the user cache dir)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=_cmd_fetch)

    p = sub.add_parser("parse", help="parse raw files into JSON Lines of Article on stdout")
    p.add_argument("--format", required=True, choices=_formats())
    p.add_argument("paths", nargs="+")
    p.set_defaults(func=_cmd_parse)

    p = sub.add_parser("stats", help="counts; --raw: per-source accounting of every raw record")
    p.add_argument("--raw", action="store_true", help="raw accounting: read = kept + merged + rejected")
    p.add_argument("--raw-dir", help="raw folder laid out like the cache (default: the fetched cache)")
    p.set_defaults(func=_cmd_stats)

    p = sub.add_parser("build", help="build the HF dataset (parquet, card, manifest) from the raw cache")
    p.add_argument("--raw", dest="raw_dir", help="raw folder laid out like the cache (default: the fetched cache)")
    p.add_argument("--out", help="output folder (default: the arnews_ds/ package folder)")
    p.add_argument("--update-expected", action="store_true", help="rewrite the committed expected stats on purpose")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("annotate", help="export annotation batches, import judgments, report agreement")
    p.add_argument("action", choices=["export", "import", "agreement"])
    p.add_argument("--task", choices=["topic", "headline", "related"])
    p.add_argument("--sample", type=int, default=200, help="export: items (topic: extra no-category outlet items; "
                   "related: queries)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--per-label", type=int, default=50, help="topic export: test items per silver label")
    p.add_argument("--outlet", default="aawsat", help="topic export: outlet without editorial categories")
    p.add_argument("--runs", nargs="*", help="related export: TREC run files of >= 3 systems to pool")
    p.add_argument("--depth", type=int, default=10, help="related export: pool depth per system")
    p.add_argument("--batch-size", type=int, default=100)
    p.add_argument("--files", nargs="+", default=[], help="import: judgment TSV files")
    p.set_defaults(func=_cmd_annotate)

    p = sub.add_parser("card", help="re-render the dataset card (incl. the results/ leaderboard) without a rebuild")
    p.add_argument("--out", help="built dataset folder (default: the arnews_ds/ package folder)")
    p.add_argument("--leaderboard", action="store_true", help="also print the leaderboard")
    p.set_defaults(func=_cmd_card)

    p = sub.add_parser("significance", help="paired tests between the committed models of a task -> "
                       "results/<task>/significance.json")
    p.add_argument("--task", nargs="+", required=True, choices=["topic", "headline", "retrieval"])
    p.add_argument("--results", help="results folder (default: results/)")
    p.set_defaults(func=_cmd_significance)

    p = sub.add_parser("pool-bias", help="leave-one-system-out pool bias and judged@k -> "
                       "results/retrieval/pool_bias.json")
    p.add_argument("--pool", default="annotations/related_pool.json", help="pool file (schema v2)")
    p.add_argument("--qrels", help="TREC qrels file (default: the built dataset's test qrels)")
    p.add_argument("--run", nargs="*", metavar="SYSTEM=RUN_FILE",
                   help="TREC run per system, named as in the pool file (default: the committed test runs by tag)")
    p.add_argument("--out", help="output JSON (default: results/retrieval/pool_bias.json)")
    p.set_defaults(func=_cmd_pool_bias)

    p = sub.add_parser("verify", help="checksums, counts, split leakage, annotation ids; non-zero exit on failure")
    p.add_argument("--out", help="built dataset folder (default: the arnews_ds/ package folder)")
    p.add_argument("--skip-near-duplicates", action="store_true", help="skip the cross-split near-duplicate scan")
    p.set_defaults(func=_cmd_verify)

    p = sub.add_parser("publish", help="upload the built dataset to the Hugging Face Hub and tag it")
    p.add_argument("--repo-id", required=True, help="ORG/NAME")
    p.add_argument("--tag", required=True, help="vX.Y.Z, must equal the dataset version")
    p.add_argument("--dry-run", action="store_true", help="validate offline and list what would be uploaded")
    p.set_defaults(func=_cmd_publish)
    return parser


def _formats() -> list[str]:
    # The registry is tiny and stdlib-only, so importing it here keeps the choices in one place.
    from .sources.registry import SOURCES

    return list(SOURCES)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except UserError as e:
        print(f"arnews-ds: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # noqa: BLE001 - the CLI contract: one line, never a traceback
        name = type(e).__name__
        print(f"arnews-ds: {name}: {e}" if name not in ("FetchError",) else f"arnews-ds: {e}", file=sys.stderr)
        return 1
