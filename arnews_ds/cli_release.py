"""The `arnews-ds` subcommands that change what a release pins: `lock` (the raw files), `add-batch` (a new batch of
raw files, README "Adding a batch") and `release-record` (freeze a verified build). Parsing and printing only;
each handler calls one library function, imported inside it so `--help` stays instant."""
from __future__ import annotations

from pathlib import Path


def _out(args) -> Path | None:
    return Path(args.out) if args.out else None


def _cmd_lock(args) -> int:
    from .lock import LockError, default_lock_path, dump_lock, make_lock
    from .paths import raw_source

    mirror = raw_source(args.mirror)
    if not mirror.is_dir():
        raise LockError(f"no mirror at {mirror}: pass --mirror or set ARNEWS_MIRROR")
    entries = make_lock(mirror)
    out = _out(args) or default_lock_path()
    dump_lock(entries, out)
    print(f"wrote {len(entries)} entries to {out}")
    return 0


def _cmd_add_batch(args) -> int:
    from .addbatch import RepoPaths, add_batch

    repo = RepoPaths.default(Path(args.cache) if args.cache else None, _out(args))
    report = add_batch(args.source, [Path(p) for p in args.paths], repo, progress=not args.quiet)
    print("\n".join(report.lines(repo)))
    return 0


def _cmd_release_record(args) -> int:
    from .paths import PACKAGE_DIR
    from .verify import record_release

    path, record = record_release(_out(args) or PACKAGE_DIR)
    print(f"wrote {path}: {len(record.articles):,} articles, "
          + ", ".join(f"{k} {len(v):,}" for k, v in record.annotations.items()) + "; commit it with the release")
    return 0


def add_release_commands(sub, out_arg, formats: list[str]) -> None:
    """Register the subcommands on the main parser's `sub`; `out_arg` adds the shared --out option."""
    p = sub.add_parser("lock", help="regenerate sources/lock.json from a raw mirror (review the diff)")
    p.add_argument("--mirror", help="raw mirror (default: $ARNEWS_MIRROR)")
    p.add_argument("--out", help="lock file to write (default: the committed arnews_ds/sources/lock.json)")
    p.set_defaults(func=_cmd_lock)

    p = sub.add_parser("add-batch", help="add new raw files: cache, lock, splits for the new ids, version, CHANGELOG, "
                       "build (README: Adding a batch)")
    p.add_argument("--source", required=True, choices=formats)
    p.add_argument("paths", nargs="+", help="the new raw files (e.g. a SaudiNewsNet YYYY-MM-DD.zip)")
    p.add_argument("--cache", help="raw cache folder (default: $ARNEWS_HOME/raw or the user cache dir)")
    out_arg(p)
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=_cmd_add_batch)

    p = sub.add_parser("release-record", help="record a verified build as releases/v<version>.json.gz (once per "
                       "release; later builds are verified against it)")
    out_arg(p)
    p.set_defaults(func=_cmd_release_record)
