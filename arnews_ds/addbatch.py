"""`arnews-ds add-batch`: bring new raw files into the dataset without moving anything released.

One call: check each file parses as its source, copy it into the raw cache, pin it in the lock (with its upstream
URL where it has one), bump the minor version when the current one is released, then build with new ids assigned
to splits by the batch rule (`splits.batch_split`: within each (corpus, outlet), no train article newer than a
validation or test article), rewrite the expected stats, and add a CHANGELOG line. Running it again on a file that
is already locked repeats only the build; the CHANGELOG line is added once.
"""
from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .lock import LockEntry, LockError, check_file, dump_lock, entry_for, load_lock
from .releases import is_released, parse_version

_VERSION_LINE = re.compile(r'^__version__ = "([^"]+)"$', re.M)
_SNN_NAME = re.compile(r"\d{4}-\d{2}-\d{2}\.zip")


class BatchError(RuntimeError):
    """A file cannot be added as a batch; the message is one line."""


@dataclass(frozen=True)
class RepoPaths:
    """Everything add-batch reads or writes (the repository's own files by default; tests use copies)."""

    cache: Path
    lock: Path
    splits: Path
    annotations: Path
    releases: Path
    version_file: Path
    changelog: Path
    expected_stats: Path
    out: Path

    @classmethod
    def default(cls, cache: Path | None = None, out: Path | None = None) -> RepoPaths:
        from . import paths as p

        return cls(cache or p.cache_dir(), p.LOCK_PATH, p.SPLITS_DIR, p.ANNOTATIONS, p.RELEASES_DIR,
                   p.PACKAGE_DIR / "version.py", p.CHANGELOG, p.EXPECTED_STATS, out or p.PACKAGE_DIR)


@dataclass
class BatchReport:
    added: list[LockEntry] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    version: tuple[str, str] = ("", "")
    new_ids: Counter = field(default_factory=Counter)  # split -> new article ids (kept articles only)
    joined: int = 0  # new ids merged into a released article's duplicate cluster
    changelog: str | None = None

    def lines(self, repo: RepoPaths) -> list[str]:
        out = [f"added {e.path} to the cache ({repo.cache}) and the lock (sha256 {e.sha256[:12]}, "
               f"{e.size:,} bytes, upstream {e.url or 'none: mirror-only'})" for e in self.added]
        out += [f"{p}: already in the cache and the lock" for p in self.already]
        counts = ", ".join(f"{s} {self.new_ids[s]:,}" for s in ("train", "validation", "test"))
        out.append(f"assigned {sum(self.new_ids.values()):,} new articles to splits ({counts}); {self.joined:,} new "
                   f"copies joined released duplicate clusters and took their split -> {repo.splits}")
        old, new = self.version
        out.append(f"version {old} -> {new} ({old} is released)" if old != new else
                   f"version stays {new} (not released yet)")
        if self.changelog:
            out.append(f"{repo.changelog.name}: {self.changelog}")
        out.append(f"built {repo.out} and rewrote {repo.expected_stats.name}; next: `arnews-ds verify`, then commit "
                   "the lock, splits, version, CHANGELOG and expected stats")
        return out


def read_version(version_file: Path) -> str:
    m = _VERSION_LINE.search(version_file.read_text(encoding="utf-8"))
    if m is None:
        raise BatchError(f"{version_file} has no line __version__ = \"X.Y.Z\"")
    return m.group(1)


def write_version(version_file: Path, version: str) -> None:
    text = version_file.read_text(encoding="utf-8")
    version_file.write_text(_VERSION_LINE.sub(f'__version__ = "{version}"', text, count=1), encoding="utf-8")


def next_version(current: str, released: bool) -> str:
    """A batch is a minor change: bump the minor version once per release, not once per batch."""
    major, minor, _ = parse_version(current)
    return f"{major}.{minor + 1}.0" if released else current


def add_changelog_line(text: str, version: str, line: str) -> str:
    """Append `- line` to the section of `version`, creating `## <version> — unreleased` above the others."""
    heading = re.search(rf"^## {re.escape(version)}\b.*$", text, re.M)
    if heading is None:
        first = re.search(r"^## ", text, re.M)
        at = first.start() if first else len(text)
        return f"{text[:at]}## {version} — unreleased\n- {line}\n\n{text[at:]}"
    nxt = re.search(r"^## ", text[heading.end():], re.M)
    end = heading.end() + nxt.start() if nxt else len(text)
    section = text[:end].rstrip("\n")
    return f"{section}\n- {line}\n" + ("\n" if nxt else "") + text[end:]


def lock_entry(source: str, path: Path) -> LockEntry:
    """The lock entry of a new raw file of `source` (its upstream URL where the source has one)."""
    if source == "saudinewsnet" and not _SNN_NAME.fullmatch(path.name):
        raise BatchError(f"{path}: a SaudiNewsNet batch is named YYYY-MM-DD.zip, as upstream names it")
    try:
        return entry_for(source, path)
    except (LockError, ValueError) as exc:
        raise BatchError(f"{path}: {exc}") from None


def check_parses(source: str, path: Path) -> int:
    """How many articles `path` yields as `source`; a folder, a file-level rejection or no article is an error."""
    from .record import Rejection
    from .sources.registry import SOURCES

    if path.is_dir():
        raise BatchError(f"{path} is a folder; add-batch takes {source} files")
    if not path.is_file():
        raise BatchError(f"{path}: no such file")
    spec = SOURCES[source]
    if not path.match(spec.pattern):
        raise BatchError(f"{path}: a {source} file matches {spec.pattern}")
    n = 0
    for rec in spec.read(path):
        if isinstance(rec, Rejection):
            if rec.member is None and rec.index is None:
                raise BatchError(f"{path}: not a {source} file ({rec.reason})")
        else:
            n += 1
    if n == 0:
        raise BatchError(f"{path}: no {source} article in the file")
    return n


def _install(src: Path, entry: LockEntry, cache: Path) -> None:
    dest = cache / entry.path
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    shutil.copyfile(src, part)
    problem = check_file(part, entry)
    if problem is not None:
        part.unlink()
        raise BatchError(f"{src}: changed while it was copied ({problem})")
    os.replace(part, dest)


def stage_files(source: str, paths: list[Path], repo: RepoPaths, report: BatchReport) -> None:
    """Check, cache and lock each file (the lock is rewritten once, after every file is in the cache)."""
    entries = list(load_lock(repo.lock))
    by_path = {e.path: e for e in entries}
    for path in paths:
        check_parses(source, path)
        entry = lock_entry(source, path)
        locked = by_path.get(entry.path)
        if locked is not None:
            if check_file(path, locked) is not None:
                raise BatchError(f"{path}: a different {entry.path} is already locked; changing a released raw file "
                                 "is not a batch")
            if check_file(repo.cache / entry.path, locked) is not None:
                _install(path, locked, repo.cache)
            report.already.append(entry.path)
            continue
        _install(path, entry, repo.cache)
        entries.append(entry)
        by_path[entry.path] = entry
        report.added.append(entry)
    if report.added:
        tmp = repo.lock.with_name(repo.lock.name + ".tmp")
        dump_lock(sorted(entries, key=lambda e: e.path), tmp)
        os.replace(tmp, repo.lock)


def add_batch(source: str, paths: list[Path], repo: RepoPaths, progress: bool = False) -> BatchReport:
    """Add raw files of `source` (see the module docstring); returns what was done."""
    from .build import build

    report = BatchReport()
    stage_files(source, [Path(p) for p in paths], repo, report)
    old = read_version(repo.version_file)
    new = next_version(old, is_released(repo.releases, old))
    if new != old:
        write_version(repo.version_file, new)
    report.version = (old, new)
    result = build(repo.cache, repo.out, progress=progress, update_expected=True, annotations=repo.annotations,
                   splits_dir=repo.splits, expected_stats=repo.expected_stats, lock_path=repo.lock,
                   releases=repo.releases, version=new, assign_new_ids=True)
    report.new_ids = Counter(result.new_ids.values())
    report.joined = result.joined_released
    names = [Path(p).name for p in paths]
    text = repo.changelog.read_text(encoding="utf-8") if repo.changelog.exists() else "# Changelog\n\n"
    if not all(name in text for name in names):
        counts = ", ".join(f"{s} {report.new_ids[s]:,}" for s in ("train", "validation", "test"))
        line = (f"Added {source} batch {', '.join(names)}: {sum(report.new_ids.values()):,} new articles ({counts}); "
                "no released article moved or changed.")
        repo.changelog.write_text(add_changelog_line(text, new, line), encoding="utf-8")
        report.changelog = f"added under {new}: {line}"
    return report
