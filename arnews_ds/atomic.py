"""Build output that appears whole or not at all, written by one process at a time.

- `output_lock(out)`: an exclusive, non-blocking lock on `out/.arnews-build.lock`. A POSIX record lock
  (`lockf`), not `flock`: forked worker processes do not inherit it, and the kernel drops it when its holder
  dies, however it dies.
- `staged(out)`: a fresh staging folder inside `out` (same file system, so renames are atomic). The build writes
  its items there; if it fails or is interrupted, the folder is removed and `out` is untouched.
- `commit(staging, out, names)`: swaps each staged item into `out`. Directories are exchanged in one step
  (`renameat2(RENAME_EXCHANGE)`), files replaced (`os.replace`), so no item is ever missing or half written.
  Before the first swap a journal records the inode of every new item; SIGINT/SIGTERM wait until the swaps are
  done. A SIGKILL between two swaps (microseconds) leaves a journal that `recover(out)` (run by the next build,
  under the lock) uses to finish the commit; `pending_commit(out)` lets `verify` report it.
"""
from __future__ import annotations

import ctypes
import errno
import json
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".arnews-build.lock"
STAGING_PREFIX = ".arnews-staging-"
JOURNAL = ".commit.json"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_DEFERRED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class OutputBusy(RuntimeError):
    """Another process holds the output folder's build lock; the message is one line."""


@contextmanager
def output_lock(out: Path, what: str = "build") -> Iterator[None]:
    """Hold the exclusive lock on `out` for the block, or raise `OutputBusy` at once."""
    import fcntl

    out.mkdir(parents=True, exist_ok=True)
    path = out / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.EAGAIN):
                raise
            pid, _, task = os.pread(fd, 64, 0).decode("ascii", "replace").strip().partition(" ")
            raise OutputBusy(f"another {task or 'build'} (pid {pid or '?'}) is writing {out}; "
                             "wait for it to finish and run again") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {what}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing drops the lock


@contextmanager
def staged(out: Path) -> Iterator[Path]:
    """A new empty staging folder inside `out`; removed again when the block raises (Ctrl-C included)."""
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _exchange(a: Path, b: Path) -> None:
    """Atomically swap two existing paths (Linux renameat2); OSError(ENOSYS/EINVAL) where unsupported."""
    libc = ctypes.CDLL(None, use_errno=True)
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available")
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err), str(a))


def _inode(path: Path) -> int | None:
    try:
        return os.lstat(path).st_ino
    except FileNotFoundError:
        return None


def _swap_in(staging: Path, out: Path, name: str) -> None:
    new, old = staging / name, out / name
    if not new.is_dir() or not os.path.lexists(old):
        os.replace(new, old)  # a file, or nothing to swap with: one atomic rename
        return
    try:
        _exchange(new, old)
    except OSError as exc:
        if exc.errno not in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
            raise
        # No exchange on this file system: a brief gap, which the journal lets `recover` close.
        os.rename(old, staging / f"{name}.old")
        os.rename(new, old)


def _finish(staging: Path, out: Path, journal: dict[str, int | None]) -> None:
    """Swap in every journaled item not yet in place, then drop the staging folder (now holding the old items)."""
    for name, ino in journal.items():
        if ino is None:  # the new build has no such item: the old one goes
            if os.path.lexists(out / name):
                os.rename(out / name, staging / f"{name}.old")
        elif _inode(out / name) != ino and _inode(staging / name) == ino:
            _swap_in(staging, out, name)
    shutil.rmtree(staging, ignore_errors=True)


def commit(staging: Path, out: Path, names: Sequence[str]) -> None:
    """Move the staged items `names` into `out`, replacing the previous ones (see the module docstring)."""
    journal = {name: _inode(staging / name) for name in names}
    tmp = staging / (JOURNAL + ".tmp")
    tmp.write_text(json.dumps(journal, sort_keys=True), encoding="utf-8")
    old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, _DEFERRED)
    try:
        os.replace(tmp, staging / JOURNAL)  # from here on the commit is decided
        _finish(staging, out, journal)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)


def leftovers(out: Path) -> list[Path]:
    """Staging folders in `out` left by an interrupted build."""
    return sorted(p for p in out.glob(STAGING_PREFIX + "*") if p.is_dir()) if out.is_dir() else []


def pending_commit(out: Path) -> Path | None:
    """A staging folder whose commit was decided but not finished (a build killed mid-swap), if any."""
    return next((p for p in leftovers(out) if (p / JOURNAL).is_file()), None)


def recover(out: Path) -> list[str]:
    """Finish decided commits and remove abandoned staging folders; call under `output_lock`. Returns what it did."""
    done = []
    for staging in leftovers(out):
        journal_path = staging / JOURNAL
        if journal_path.is_file():
            _finish(staging, out, json.loads(journal_path.read_text(encoding="utf-8")))
            done.append(f"finished the interrupted commit of {staging.name}")
        else:
            shutil.rmtree(staging, ignore_errors=True)
            done.append(f"removed the unfinished build {staging.name}")
    return done
