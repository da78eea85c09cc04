"""The `arnews-ds` command line (DESIGN §9): argument parsing and printing only; every handler calls one library
function. Heavy imports live inside the handlers so `--help` is instant."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .build_command import add_arguments as add_build_arguments
from .cli_release import add_release_commands
from .paths import ANNOTATIONS, PACKAGE_DIR, RESULTS_DIR, SPLITS_DIR, raw_source


class UserError(Exception):
    """A problem the user can fix; printed as one line, never a traceback."""


def _cmd_fetch(args) -> int:
    from .fetch import fetch

    report = fetch(cache=args.cache, mirror=Path(args.mirror) if args.mirror else None, progress=not args.quiet)
    print(report.summary())
    return 0


def _cmd_parse(args) -> int:
    from .ingest import ingest

    files = [p for p in map(Path, args.paths) if p.exists()]
    for p in map(Path, args.paths):
        if not p.exists():
            print(f"{p}: no such file or folder", file=sys.stderr)
    result = ingest({args.format: files})
    for a in result.articles:
        sys.stdout.write(json.dumps(a.to_dict(), ensure_ascii=False) + "\n")
    for r in result.rejections:
        print(r.line(), file=sys.stderr)
    return 2 if (result.rejections or len(files) < len(args.paths)) else 0


def _raw_dir(args, flag: str = "--raw-dir") -> Path:
    """--raw-dir (`flag`, as the command spells it), else $ARNEWS_MIRROR, else the fetched cache."""
    raw = raw_source(args.raw_dir)
    if not raw.is_dir():
        raise UserError(f"{flag} {raw}: no such folder (omit {flag} to read the cache `arnews-ds fetch` fills)"
                        if args.raw_dir else
                        f"no raw files at {raw}: run `arnews-ds fetch` first (or pass {flag} DIR)")
    return raw


def _out(args) -> Path:
    return Path(args.out) if getattr(args, "out", None) else PACKAGE_DIR


def _cmd_stats(args) -> int:
    from . import stats as st
    from .card import markdown_table

    if args.raw:
        from .ingest import ingest_dir

        result = ingest_dir(_raw_dir(args))
        print(st.format_accounting(result))
        return 0 if result.balanced else 1
    manifest = _out(args) / "data" / "manifest.json"
    if not manifest.exists():
        raise UserError("no build yet: run `arnews-ds build` (or `arnews-ds stats --raw` for the raw accounting)")
    stats = json.loads(manifest.read_text(encoding="utf-8"))["stats"]
    from .configs import CONFIGS

    tables = {"rows per config and split": st.config_table(stats), "articles per outlet": st.outlet_table(stats),
              "topic labels per split (silver)": st.label_table(stats, CONFIGS["topic"].splits),
              "category purity (mapped source categories)": st.purity_table(stats),
              "label noise (silver vs gold, topic test)": st.noise_table(stats)}
    for title, df in tables.items():
        if df.height:
            print(f"## {title}\n\n{markdown_table(df)}\n")
    return 0


def _cmd_build(args) -> int:
    from .build_command import run

    return run(args, _raw_dir(args, "--raw"), _out(args))


def _cmd_card(args) -> int:
    from .atomic import output_lock
    from .card import load_leaderboard, write_card

    if not (_out(args) / "data" / "manifest.json").exists():
        raise UserError(f"no build in {_out(args)}: run `arnews-ds build` first")
    with output_lock(_out(args), "card"):  # never while a build swaps the folder
        print(f"card written to {write_card(_out(args))}")
    if args.leaderboard:
        print(load_leaderboard())
    return 0


def _cmd_annotate(args) -> int:
    from . import annotate as an
    from . import annotations as ann
    from .loading import built_rows

    label_names = [label.slug for label in ann.load_taxonomy()]
    try:
        articles = built_rows("articles", "full")
        if args.action == "export":
            if args.task == "related":
                from .pooling import export_related
                from .trec import read_run

                items = export_related(articles, {str(p): read_run(Path(p)) for p in args.runs or []}, args.sample,
                                       args.seed, args.depth)
            else:
                items = an.export_items(args.task, PACKAGE_DIR, label_names, args.per_label, args.outlet,
                                        args.sample, args.seed)
            paths = an.write_batches(items, f"{args.task}-s{args.seed}", args.batch_size)
            print(f"{len(items)} items in {len(paths)} batches under {an.BATCHES}")
            return 0
        if args.action == "import":
            known = {a["id"] for a in articles}
            total = sum(an.import_rows(args.task, an.read_judgments(Path(f)), known, label_names, f) for f in args.files)
            print(f"imported {total} {args.task} judgments")
            return 0
    except (FileNotFoundError, ValueError) as e:
        raise UserError(str(e)) from None
    print(json.dumps(an.agreement(), indent=2, ensure_ascii=False))
    return 0


def _cmd_pool(args) -> int:
    from .pool_command import run

    return run(args)  # a CommandError (bad input) is printed as one line by `main`


def _cmd_splits(args) -> int:
    from .splits import update_splits

    new, manifest, moved = update_splits(_raw_dir(args), Path(args.splits_dir), args.reconcile_unreleased,
                                         args.repair_temporal_unreleased)
    if args.reconcile_unreleased or args.repair_temporal_unreleased:
        print(f"{moved} already assigned ids moved (before the first release only)")
    print(f"{new:,} new ids assigned; totals {manifest['counts']} -> {args.splits_dir}")
    return 0


def _cmd_exclusions(args) -> int:
    from .exclusions import update_exclusions

    path = ANNOTATIONS / "exclusions.tsv"
    reasons = update_exclusions(_raw_dir(args), path)
    print(f"{sum(reasons.values()):,} exclusion rows -> {path}: {reasons}")
    return 0


def _cmd_category_noise(args) -> int:
    from .category_noise import update_category_map

    manifest = _out(args) / "data" / "manifest.json"
    if not manifest.exists():
        raise UserError("no build yet: run `arnews-ds build` first (the noise is measured on its gold test labels)")
    changes = update_category_map(json.loads(manifest.read_text(encoding="utf-8"))["stats"]["silver_vs_gold"],
                                  ANNOTATIONS / "category_map.csv")
    print("\n".join(changes) or "no category above the noise ceiling")
    if changes:
        print("category_map.csv updated: rebuild (`arnews-ds build`) to relabel the silver train/validation splits")
    return 0


def _cmd_significance(args) -> int:
    from .baselines.significance import write_significance

    for task in args.task:
        try:
            print(write_significance(task, Path(args.results) if args.results else RESULTS_DIR))
        except FileNotFoundError as e:
            raise UserError(str(e)) from None
    return 0


def _run_spec(spec: str) -> tuple[str, Path]:
    system, sep, path = spec.partition("=")
    if not (sep and system and path):
        raise argparse.ArgumentTypeError(f"{spec!r} is not SYSTEM=RUN_FILE")
    return system, Path(path)


def _cmd_pool_bias(args) -> int:
    from .baselines.results import write_pool_bias
    from .metrics.pool_bias import format_pool_bias

    try:
        report = write_pool_bias(Path(args.pool) if args.pool else None, Path(args.qrels) if args.qrels else None,
                                 dict(args.run) if args.run else None, Path(args.out) if args.out else None)
    except (OSError, ValueError) as e:
        raise UserError(str(e)) from None
    if report.outside:  # scored like every other query; none of their pairs counts as contributed by one system alone
        print(f"{len(report.outside)} judged queries are not in the pool file (e.g. {report.outside[0]})",
              file=sys.stderr)
    print(format_pool_bias(report.bias))
    print(f"written to {report.path}")
    return 0


def _cmd_verify(args) -> int:
    from .verify import verify

    problems = verify(_out(args), near_duplicates=not args.skip_near_duplicates)
    for p in problems:
        print(p, file=sys.stderr)
    print("verify: ok" if not problems else f"verify: {len(problems)} problem(s)")
    return 1 if problems else 0


def _cmd_publish(args) -> int:
    from .publish import publish

    files = publish(args.repo_id, args.tag, dry_run=args.dry_run)
    print(f"{'would upload' if args.dry_run else 'uploaded'} {len(files)} files to {args.repo_id} at {args.tag}:")
    for f in files:
        print(f"  {f}")
    return 0


def _raw_arg(p, *flags: str) -> None:
    p.add_argument(*flags, dest="raw_dir", help="raw folder laid out like the cache (default: $ARNEWS_MIRROR, "
                   "else the fetched cache)")


def _out_arg(p) -> None:
    p.add_argument("--out", help="built dataset folder (default: the arnews_ds/ package folder)")


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

    p = sub.add_parser("stats", help="dataset tables of the build; --raw: per-source accounting of every raw record")
    p.add_argument("--raw", action="store_true", help="raw accounting: read = kept + merged + rejected")
    _raw_arg(p, "--raw-dir")
    _out_arg(p)
    p.set_defaults(func=_cmd_stats)

    p = sub.add_parser("build", help="build the HF dataset (parquet, card, manifest) from the raw files")
    _raw_arg(p, "--raw", "--raw-dir")
    add_build_arguments(p)
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

    p = sub.add_parser("pool", help="related-article pools v2 (new, extend, add-sweep) and the story sweep's search")
    common, picking = argparse.ArgumentParser(add_help=False), argparse.ArgumentParser(add_help=False)
    common.add_argument("--split", choices=["test", "validation"], default="test")
    common.add_argument("--depth", type=int, default=20, help="top documents pooled per system")
    common.add_argument("--batch-queries", type=int, default=6, help="queries per judging batch")
    common.add_argument("--data", default=str(PACKAGE_DIR), help="built dataset folder")
    common.add_argument("--annotations", default=str(ANNOTATIONS))
    common.add_argument("--runs-dir", default=str(RESULTS_DIR / "retrieval" / "pool_runs"), help="system runs")
    actions = p.add_subparsers(dest="action", required=True)
    picking.add_argument("--seed", type=int, help="selection seed (new: test 5, validation 7; add-queries: the pool's)")
    picking.add_argument("--biencoder-run", help="TREC run of `pool rank-biencoder`, pooled as `bi-encoder`")
    a = actions.add_parser("new", parents=[common, picking], help="select queries, rank, write pool + batches")
    a.add_argument("--queries", type=int, help="queries in the pool (default test 112, validation 46)")
    a = actions.add_parser("add-queries", parents=[common, picking], help="N more queries (over-provisioning), batched")
    a.add_argument("--n", type=int, required=True, help="queries to add (pooled at the pool's depth)")
    a = actions.add_parser("extend", parents=[common], help="pool one more system's top --depth (new pairs batched)")
    a.add_argument("file", help="TREC run covering every pool query")
    a.add_argument("--system", required=True, help="the system's name in the pool file")
    a.add_argument("--note", help="one line on what the system is")
    a = actions.add_parser("add-sweep", parents=[common], help="add an annotator's story-sweep candidates")
    a.add_argument("file", help="TSV with a header and columns query_id, doc_id")
    a = actions.add_parser("search", parents=[common], help="story sweep: corpus articles with all the terms")
    a.add_argument("--query", help="the query id whose date centres the window")
    a.add_argument("--terms", help="words that must all occur (normalized, substring match)")
    a.add_argument("--days", type=int, default=14, help="+/- days around the query date")
    a.add_argument("--limit", type=int, default=200, help="hits printed")
    a.add_argument("--show", help="print one article in full")
    a = actions.add_parser("rank-biencoder", parents=[common], help="train the bi-encoder once, rank val/test")
    a.add_argument("--out", required=True, help="output TREC run")
    a.add_argument("--max-train", type=int, help="cap on training pairs (CPU budget)")
    p.set_defaults(func=_cmd_pool)

    p = sub.add_parser("splits", help="assign train/validation/test to new article ids (existing ones never move)")
    _raw_arg(p, "--raw-dir")
    p.add_argument("--splits-dir", default=str(SPLITS_DIR))
    p.add_argument("--reconcile-unreleased", action="store_true",
                   help="before a version's first release only: move merged-away duplicates to their "
                        "representative's split (after a cleaning change merged articles assigned apart)")
    p.add_argument("--repair-temporal-unreleased", action="store_true",
                   help="before a version's first release only: move the fewest clusters so that no train article "
                        "is newer than a validation/test article of its (corpus, outlet)")
    p.set_defaults(func=_cmd_splits)

    p = sub.add_parser("exclusions", help="regenerate the silver headline exclusions in annotations/exclusions.tsv")
    _raw_arg(p, "--raw-dir")
    p.set_defaults(func=_cmd_exclusions)

    p = sub.add_parser("category-noise", help="remap or unmap source categories whose silver label disagrees with "
                       "the gold test labels more than 30%% of the time (annotations/category_map.csv)")
    _out_arg(p)
    p.set_defaults(func=_cmd_category_noise)

    p = sub.add_parser("card", help="re-render the dataset card (incl. the results/ leaderboard) without a rebuild")
    _out_arg(p)
    p.add_argument("--leaderboard", action="store_true", help="also print the leaderboard")
    p.set_defaults(func=_cmd_card)

    p = sub.add_parser("significance", help="paired tests between the committed models of a task -> "
                       "results/<task>/significance.json")
    p.add_argument("--task", nargs="+", required=True, choices=_task_names())
    p.add_argument("--results", help="results folder (default: results/)")
    p.set_defaults(func=_cmd_significance)

    p = sub.add_parser("pool-bias", help="leave-one-system-out pool bias and judged@k -> "
                       "results/retrieval/pool_bias.json")
    p.add_argument("--pool", help="pool file, schema v2 (default: annotations/related_pool.json)")
    p.add_argument("--qrels", help="TREC qrels file (default: the built dataset's test qrels)")
    p.add_argument("--run", nargs="*", type=_run_spec, metavar="SYSTEM=RUN_FILE",
                   help="TREC run per system, named as in the pool file (default: the committed test runs by tag)")
    p.add_argument("--out", help="output JSON (default: results/retrieval/pool_bias.json)")
    p.set_defaults(func=_cmd_pool_bias)

    p = sub.add_parser("verify", help="checksums, counts, split leakage, annotation ids; non-zero exit on failure")
    _out_arg(p)
    p.add_argument("--skip-near-duplicates", action="store_true", help="skip the cross-split near-duplicate scan")
    p.set_defaults(func=_cmd_verify)

    add_release_commands(sub, _out_arg, _formats())
    p = sub.add_parser("publish", help="verify, then upload the built dataset to the Hugging Face Hub and tag it")
    p.add_argument("--repo-id", required=True, help="ORG/NAME")
    p.add_argument("--tag", required=True, help="vX.Y.Z, must equal the dataset version")
    p.add_argument("--dry-run", action="store_true", help="validate offline and list what would be uploaded")
    p.set_defaults(func=_cmd_publish)
    return parser


def _task_names() -> list[str]:
    from .tasks import TASKS

    return list(TASKS)


def _formats() -> list[str]:
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
        plain = ("FetchError", "LockError", "RawFilesError", "OutputBusy", "BatchError", "ReleaseError", "PublishError")
        print(f"arnews-ds: {e}" if name in plain else f"arnews-ds: {name}: {e}", file=sys.stderr)
        return 1
