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
