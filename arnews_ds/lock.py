"""The raw-input lock: which files, from where, and how to tell their bytes are the pinned ones.

Plain files are pinned by sha256 + size. Tarballs are pinned by their extracted tree (member count and a digest
over `path<TAB>sha256` lines), because a re-generated `git archive` has the same members but other gzip bytes;
the mirror tarball's own sha256 + size are kept as a fast path that skips the decompression.
"""
from __future__ import annotations

import hashlib
import json
import re
import tarfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .paths import LOCK_PATH

LOCK_VERSION = 1
_SHA256 = re.compile(r"[0-9a-f]{64}")


class LockError(ValueError):
    """The lock file itself is malformed (a bug in the repository, not in the downloaded bytes)."""


@dataclass(frozen=True)
class TreeDigest:
    """What a tarball's regular files hash to, independent of compression and member order."""

    members: int
    tree_sha256: str


@dataclass(frozen=True)
class LockEntry:
    """One pinned raw file; `path` is relative to the cache/mirror root, `url` is None for mirror-only files.

    For tree-checked entries `sha256`/`size` describe the mirror's archive bytes (fast path only).
    """

    path: str
    url: str | None
    sha256: str
    size: int
    tree: TreeDigest | None = None


def default_lock_path() -> Path:
    """The committed lock shipped inside the package."""
    return LOCK_PATH


def load_lock(path: Path | None = None) -> tuple[LockEntry, ...]:
    """Read and validate a lock file (the committed one by default)."""
    path = path or default_lock_path()
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("version") != LOCK_VERSION or set(data) != {"version", "files"}:
        raise LockError(f"{path}: expected keys version={LOCK_VERSION} and files")
    return tuple(_entry_from_json(item) for item in data["files"])


def dump_lock(entries: tuple[LockEntry, ...] | list[LockEntry], path: Path) -> None:
    """Write a lock file deterministically (sorted keys, one trailing newline) so regenerating it is diffable."""
    data = {"version": LOCK_VERSION, "files": [_entry_to_json(e) for e in entries]}
    path.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def _entry_from_json(item: dict) -> LockEntry:
    tree_keys = {"path", "url", "archive_sha256", "archive_size", "tree"}
    plain_keys = {"path", "url", "sha256", "size"}
    if set(item) == tree_keys:
        tree = item["tree"]
        if set(tree) != {"members", "tree_sha256"}:
            raise LockError(f"lock entry {item['path']!r}: tree needs exactly members and tree_sha256")
        entry = LockEntry(
            item["path"], item["url"], item["archive_sha256"], item["archive_size"],
            TreeDigest(tree["members"], tree["tree_sha256"]),
        )
    elif set(item) == plain_keys:
        entry = LockEntry(item["path"], item["url"], item["sha256"], item["size"])
    else:
        raise LockError(f"lock entry has keys {sorted(item)}; expected {sorted(plain_keys)} or {sorted(tree_keys)}")
    _validate(entry)
    return entry


def _entry_to_json(entry: LockEntry) -> dict:
    if entry.tree is None:
        return {"path": entry.path, "url": entry.url, "sha256": entry.sha256, "size": entry.size}
    return {
        "path": entry.path, "url": entry.url, "archive_sha256": entry.sha256, "archive_size": entry.size,
        "tree": {"members": entry.tree.members, "tree_sha256": entry.tree.tree_sha256},
    }


def _validate(entry: LockEntry) -> None:
    # The path is joined onto the cache root, so it must never escape it.
    if not is_safe_relpath(entry.path):
        raise LockError(f"lock entry path {entry.path!r} is not a safe relative path")
    digests = [entry.sha256] + ([entry.tree.tree_sha256] if entry.tree else [])
    if not all(_SHA256.fullmatch(d) for d in digests) or entry.size < 0:
        raise LockError(f"lock entry {entry.path!r}: malformed sha256 or size")


def is_safe_relpath(path: str) -> bool:
    """True for a non-empty relative POSIX path with no `..`, `.` or empty components."""
    parts = path.split("/")
    return bool(path) and not path.startswith("/") and "\\" not in path and all(p not in ("", ".", "..") for p in parts)


def file_sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def tree_digest(archive: Path) -> TreeDigest:
    """Digest the regular files of a .tar.gz relative to its single top folder; refuse links and unsafe names.

    Raises `ValueError` with a one-line reason for a hostile or unreadable archive.
    """
    lines: list[str] = []
    top: str | None = None
    try:
        # Stream mode ("r|gz") is ~4x faster than random access on 30k small members.
        with tarfile.open(archive, "r|gz", encoding="utf-8") as tar:
            for member in tar:
                first, rel = _split_member(member)
                if top is None:
                    top = first
                elif first != top:
                    raise ValueError(f"member {member.name!r} is outside the top folder {top!r}")
                if member.isfile() and rel:
                    digest = hashlib.file_digest(tar.extractfile(member), "sha256").hexdigest()  # type: ignore[arg-type]
                    lines.append(f"{rel}\t{digest}\n")
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise ValueError(f"not a readable tar.gz ({type(exc).__name__}: {exc})") from exc
    lines.sort()
    blob = "".join(lines).encode("utf-8", "surrogateescape")
    return TreeDigest(len(lines), hashlib.sha256(blob).hexdigest())


def _split_member(member: tarfile.TarInfo) -> tuple[str, str]:
    """Return (top folder, path below it); refuse what ingest must never extract (DESIGN §5)."""
    if not (member.isfile() or member.isdir()):
        raise ValueError(f"member {member.name!r} is a link or special file")
    name = member.name.rstrip("/")
    if not is_safe_relpath(name):
        raise ValueError(f"member {member.name!r} has an unsafe path")
    parts = PurePosixPath(name).parts
    return parts[0], "/".join(parts[1:])


def check_file(path: Path, entry: LockEntry) -> str | None:
    """None when `path` holds the pinned bytes (or tree); else a one-line description of what differs."""
    if not path.is_file():
        return "missing"
    size = path.stat().st_size
    if entry.tree is None:
        # Size first: a truncated download is caught without hashing.
        got = file_sha256(path)
        if size == entry.size and got == entry.sha256:
            return None
        return f"sha256 mismatch (expected {entry.sha256[:12]}, got {got[:12]}; size expected {entry.size}, got {size})"
    if size == entry.size and file_sha256(path) == entry.sha256:
        return None
    try:
        got_tree = tree_digest(path)
    except ValueError as exc:
        return str(exc)
    if got_tree == entry.tree:
        return None
    return (
        f"extracted tree differs (expected {entry.tree.members} files, tree sha256 {entry.tree.tree_sha256[:12]}; "
        f"got {got_tree.members} files, tree sha256 {got_tree.tree_sha256[:12]})"
    )


def make_lock(mirror: Path) -> list[LockEntry]:
    """Pin every file of a mirror, source by source in registry order (`sources/registry.py` says where each
    source's files are, their upstream URL, and whether their extracted tree is what gets pinned)."""
    from .sources.registry import SOURCES

    return [entry_for(name, path) for name, spec in SOURCES.items()
            for path in sorted((mirror / spec.folder).glob(spec.pattern))]


def entry_for(source: str, path: Path) -> LockEntry:
    """The entry pinning the file `path` as one of `source`'s (`<folder>/<name>`, upstream URL, tree digest)."""
    from .sources.registry import SOURCES

    spec = SOURCES[source]
    try:
        url = spec.upstream_url(path.name)
    except ValueError as exc:
        raise LockError(str(exc)) from None
    return LockEntry(f"{spec.folder}/{path.name}", url, file_sha256(path), path.stat().st_size,
                     tree_digest(path) if spec.tree_checked else None)
