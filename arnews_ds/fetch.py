"""Get the pinned raw inputs (sources/lock.json) into a local cache, from a mirror folder or over HTTPS.

Bytes are written to `<path>.part`, verified against the lock, then atomically renamed into place, so the cache
only ever holds verified files. Interrupted downloads resume with an HTTP Range request.
"""
from __future__ import annotations

import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.client import HTTPResponse
from pathlib import Path
from typing import BinaryIO

from tqdm import tqdm

from .lock import LockEntry, check_file, load_lock
from .paths import cache_dir

USER_AGENT = "arnews_ds-fetch/1 (python-urllib)"
TIMEOUT_S = 60
_CHUNK = 1 << 20

# Gets one entry's bytes into the given .part file; verification happens afterwards, in one place.
Getter = Callable[[LockEntry, Path, bool], None]


class FetchError(RuntimeError):
    """A raw input could not be obtained or did not match the lock; the message is one line."""


@dataclass
class FetchReport:
    """What one `fetch` run did; `replaced` files were present but failed verification and were fetched again."""

    cache: Path
    origin: str
    fetched: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the CLI."""
        replaced = f" (replaced {len(self.replaced)} that failed verification)" if self.replaced else ""
        return (f"fetched {len(self.fetched)}{replaced}, already verified {len(self.skipped)}; "
                f"cache {self.cache} from {self.origin}")


def fetch(
    cache: Path | None = None,
    mirror: Path | None = None,
    base_url: str | None = None,
    progress: bool = True,
    *,
    lock: Sequence[LockEntry] | None = None,
) -> FetchReport:
    """Install every locked file into `cache`, skipping those already present and verified.

    Origin, first that applies: `mirror`, `base_url`, `$ARNEWS_MIRROR`, `$ARNEWS_BASE_URL`, each entry's upstream url.
    """
    cache = Path(cache) if cache else cache_dir()
    entries = load_lock() if lock is None else lock
    origin, get = _resolve_origin(mirror, base_url)
    report = FetchReport(cache, origin)
    for entry in entries:
        dest = cache / entry.path
        if dest.is_file():
            if check_file(dest, entry) is None:
                report.skipped.append(entry.path)
                continue
            dest.unlink()
            report.replaced.append(entry.path)
        _install(entry, dest, get, progress, origin)
        report.fetched.append(entry.path)
    return report


def _install(entry: LockEntry, dest: Path, get: Getter, progress: bool, origin: str) -> None:
    """Get into `.part`, verify, rename; bad bytes are deleted and never reach `dest`."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    get(entry, part, progress)
    problem = check_file(part, entry)
    if problem is not None:
        part.unlink(missing_ok=True)
        raise FetchError(f"{entry.path}: {problem} [from {origin}]; the bad file was removed")
    os.replace(part, dest)


def _resolve_origin(mirror: Path | None, base_url: str | None) -> tuple[str, Getter]:
    # Explicit arguments beat the environment, so a test or CLI flag is never overridden by a stray variable.
    if mirror is None and base_url is None:
        env_mirror = os.environ.get("ARNEWS_MIRROR")
        mirror = Path(env_mirror) if env_mirror else None
        base_url = None if mirror else os.environ.get("ARNEWS_BASE_URL") or None
    if mirror is not None:
        root = Path(mirror)
        if not root.is_dir():
            raise FetchError(f"mirror folder not found: {root}")
        return f"mirror {root}", lambda entry, part, progress: _copy_from_mirror(root, entry, part, progress)
    if base_url is not None:
        base = base_url.rstrip("/")
        return base, lambda entry, part, progress: _download(
            entry, f"{base}/{urllib.parse.quote(entry.path)}", part, progress)
    return "upstream urls", _download_upstream


def _copy_from_mirror(root: Path, entry: LockEntry, part: Path, progress: bool) -> None:
    src = root / entry.path
    if not src.is_file():
        raise FetchError(f"{entry.path}: missing from mirror {root}")
    with src.open("rb") as f_in, part.open("wb") as f_out:
        _stream(f_in, f_out, src.stat().st_size, 0, entry.path, progress)


def _download_upstream(entry: LockEntry, part: Path, progress: bool) -> None:
    if entry.url is None:
        raise FetchError(f"{entry.path}: has no upstream URL (mirror-only); pass --mirror or set ARNEWS_MIRROR")
    _download(entry, entry.url, part, progress)


def _download(entry: LockEntry, url: str, part: Path, progress: bool) -> None:
    """Download `url` into `part`, resuming from a partial `part` with a Range request when there is one."""
    offset = part.stat().st_size if part.is_file() else 0
    if entry.tree is None and offset >= entry.size:
        # A complete (or over-long, hence bad) .part needs no request: verify it or start over.
        if offset == entry.size:
            return
        part.unlink()
        offset = 0
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    if offset:
        request.add_header("Range", f"bytes={offset}-")
    try:
        response = urllib.request.urlopen(request, timeout=TIMEOUT_S)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and offset:
            return  # nothing left to send: the .part is complete, and verification decides
        raise FetchError(f"{entry.path}: HTTP {exc.code} {exc.reason} from {url}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise FetchError(f"{entry.path}: cannot reach {url} ({_reason(exc)})") from None
    with response:
        offset = _resume_offset(entry, response, offset, part)
        length = response.headers.get("Content-Length")
        total = offset + int(length) if length and length.isdigit() else None
        try:
            with part.open("ab" if offset else "wb") as out:
                _stream(response, out, total, offset, entry.path, progress)
        except OSError as exc:
            # Keep the .part: the next run resumes from it.
            raise FetchError(f"{entry.path}: download interrupted ({_reason(exc)}); rerun to resume") from None


def _resume_offset(entry: LockEntry, response: HTTPResponse, offset: int, part: Path) -> int:
    """Where the response body starts: `offset` for a 206 that honours our Range, 0 for a full 200 reply."""
    if response.status != 206:
        return 0  # the server ignored Range and sends everything; the .part is overwritten
    content_range = response.headers.get("Content-Range", "")
    start = content_range.removeprefix("bytes ").split("-", 1)[0]
    if not start.isdigit() or int(start) != offset:
        part.unlink(missing_ok=True)
        raise FetchError(f"{entry.path}: server resumed at {content_range!r}, expected byte {offset}; rerun")
    return offset


def _stream(src: BinaryIO, dst: BinaryIO, total: int | None, initial: int, desc: str, progress: bool) -> None:
    with tqdm(total=total, initial=initial, unit="B", unit_scale=True, unit_divisor=1024, desc=desc,
              disable=not progress) as bar:
        while chunk := src.read(_CHUNK):
            dst.write(chunk)
            bar.update(len(chunk))


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None) or exc
    return " ".join(str(reason).split()) or type(exc).__name__


def verify_cache(cache: Path | None = None, lock: Sequence[LockEntry] | None = None) -> list[str]:
    """One line per locked file that is missing from the cache or does not match the lock; empty when all is well."""
    cache = Path(cache) if cache else cache_dir()
    entries = load_lock() if lock is None else lock
    problems = []
    for entry in entries:
        problem = check_file(cache / entry.path, entry)
        if problem is not None:
            problems.append(f"{entry.path}: {problem}")
    return problems


def raw_files(
    cache: Path | None = None, lock: Sequence[LockEntry] | None = None, verify: bool = True
) -> dict[str, list[Path]]:
    """Locked raw files per source folder (`saudinewsnet`, `antcorpus`, `aawsat-pages`), each list sorted.

    Raises `FetchError` when any locked file is missing (or, with `verify`, does not match the lock),
    so ingest never silently reads a partial or altered raw set.
    """
    cache = Path(cache) if cache else cache_dir()
    entries = load_lock() if lock is None else lock
    problems = verify_cache(cache, entries) if verify else [
        f"{e.path}: missing" for e in entries if not (cache / e.path).is_file()]
    if problems:
        raise FetchError(f"{len(problems)} raw file(s) not ready in {cache}, first: {problems[0]}; run `arnews-ds fetch`")
    by_folder: dict[str, list[Path]] = {}
    for path in sorted(entry.path for entry in entries):
        by_folder.setdefault(path.split("/", 1)[0], []).append(cache / path)
    return by_folder
