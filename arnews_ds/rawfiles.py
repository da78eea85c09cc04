"""The raw files a build may read: exactly the locked ones, each checked against the lock before it is parsed.

`build` never globs the cache on its own: a corrupt, missing or unlocked file (an extra copy dropped into a source
folder) stops it with one line that names the file and the remedy, before anything is parsed or written.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .lock import LockEntry, LockError, check_file, load_lock

FETCH_HINT = "run `arnews-ds fetch` to restore the locked files"
UNLOCKED_HINT = "remove it, or add it on purpose with `arnews-ds add-batch`"
# How many problem files one message names before it only counts the rest.
_NAMED = 3


class RawFilesError(RuntimeError):
    """The raw folder does not hold exactly the locked bytes; the message is one line."""


def _layout() -> dict[str, tuple[str, str]]:
    """Source folder -> (format name, glob of its files), from the source registry."""
    from .sources.registry import SOURCES

    return {spec.folder: (fmt, spec.pattern) for fmt, spec in SOURCES.items()}


def source_files(raw: Path) -> list[str]:
    """Paths (relative to `raw`, POSIX) of every file a source adapter would read from `raw`, sorted."""
    found = []
    for folder, (_, pattern) in _layout().items():
        found += [p.relative_to(raw).as_posix() for p in (raw / folder).glob(pattern)]
    return sorted(found)


def raw_problems(raw: Path, entries: Sequence[LockEntry]) -> tuple[list[str], list[str]]:
    """(locked files that are missing or differ from the lock, source files that are not in the lock)."""
    bad = [f"{e.path}: {problem}" for e in entries if (problem := check_file(raw / e.path, e)) is not None]
    locked = {e.path for e in entries}
    unlocked = [f"{p}: not in the lock" for p in source_files(raw) if p not in locked]
    return bad, unlocked


def _name_some(items: list[str]) -> str:
    more = f" (and {len(items) - _NAMED} more)" if len(items) > _NAMED else ""
    return "; ".join(items[:_NAMED]) + more


def verified_raw_files(raw: Path, lock: Sequence[LockEntry] | None = None,
                       lock_path: Path | None = None) -> dict[str, list[Path]]:
    """Format name -> its locked files in `raw`, sorted; raises `RawFilesError` unless every locked file is present
    with the locked bytes (sha256, or member digests for a tarball) and no unlocked file sits in a source folder."""
    entries = load_lock(lock_path) if lock is None else lock
    if not raw.is_dir():
        raise RawFilesError(f"raw folder not found: {raw}; {FETCH_HINT}")
    if not source_files(raw):
        kinds = ", ".join(f"{folder}/{pattern}" for folder, (_, pattern) in _layout().items())
        raise RawFilesError(f"raw folder {raw} is empty (no {kinds}); {FETCH_HINT}")
    bad, unlocked = raw_problems(raw, entries)
    if bad:
        raise RawFilesError(f"raw file not as locked in {raw}: {_name_some(bad)}; {FETCH_HINT}")
    if unlocked:
        raise RawFilesError(f"unlocked raw file in {raw}: {_name_some(unlocked)}; {UNLOCKED_HINT}")
    layout = _layout()
    files: dict[str, list[Path]] = {fmt: [] for fmt, _ in layout.values()}
    for entry in sorted(entries, key=lambda e: e.path):
        folder = entry.path.split("/", 1)[0]
        if folder not in layout:
            raise LockError(f"lock entry {entry.path!r} is not in a source folder ({', '.join(sorted(layout))})")
        files[layout[folder][0]].append(raw / entry.path)
    return files
