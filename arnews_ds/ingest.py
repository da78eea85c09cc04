"""Raw files -> merged canonical articles + rejections + the conservation report (DESIGN §4-5)."""
from __future__ import annotations

import gc
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .merge import merge_same_id
from .record import Article, Rejection
from .sources.registry import SOURCES


@dataclass
class OutletCount:
    read: int = 0
    kept: int = 0
    merged: int = 0  # copies with the same id merged into one article (DESIGN §4)
    duplicates: int = 0  # exact / near-duplicate cluster members merged into their representative (dedup.py)
    excluded: int = 0  # dropped by an `all` row of annotations/exclusions.tsv
    rejected: Counter = field(default_factory=Counter)

    @property
    def balanced(self) -> bool:
        return self.read == self.kept + self.merged + self.duplicates + self.excluded + sum(self.rejected.values())


@dataclass
class Ingest:
    articles: list[Article]
    rejections: list[Rejection]
    # (source format, corpus or "-", outlet or "-") -> counts
    accounting: dict[tuple[str, str, str], OutletCount]

    @property
    def balanced(self) -> bool:
        return all(c.balanced for c in self.accounting.values())


def raw_files(raw_dir: Path) -> dict[str, list[Path]]:
    """The files of each source in a raw cache or mirror laid out as `<folder>/<pattern>`, sorted."""
    return {name: sorted((raw_dir / spec.folder).glob(spec.pattern)) for name, spec in SOURCES.items()}


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while records pile up.

    Ingest allocates millions of small objects (records, their tuples, provenance) and keeps nearly all of them;
    they hold no reference cycles, so every collection pass re-scans them for nothing (~10% of ingest time).
    Reference counting still frees whatever is dropped. The collector's previous state is restored on exit.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_file(task: tuple[str, Path]) -> list[Article | Rejection]:
    """Every raw record of one file (a top-level function so worker processes can run it)."""
    fmt, path = task
    with _gc_paused():
        return list(SOURCES[fmt].read(Path(path)))


def iter_records(files: dict[str, list[Path]], progress: bool = False,
                 workers: int = 1) -> Iterator[tuple[str, Article | Rejection]]:
    """Every raw record of every file, as (format, Article | Rejection), in file order whatever `workers` is.

    Adapters are pure per file, so files can be read in parallel processes (see `_read_in_parallel`).
    """
    tasks = [(fmt, Path(p)) for fmt, paths in files.items() for p in paths]
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(tasks), desc="read raw files", unit="file", leave=False)
    if workers > 1 and len(tasks) > 1:
        for (fmt, _), records in _read_in_parallel(tasks, workers):
            for rec in records:
                yield fmt, rec
            if bar:
                bar.update(1)
    else:
        for fmt, path in tasks:
            for rec in SOURCES[fmt].read(path):
                yield fmt, rec
            if bar:
                bar.update(1)
    if bar:
        bar.close()


def _read_in_parallel(tasks: list[tuple[str, Path]],
                      workers: int) -> Iterator[tuple[tuple[str, Path], list[Article | Rejection]]]:
    """(task, its records) for every task, in task order, read by this process and `workers - 1` worker processes.

    Records read in a worker are pickled there and unpickled here (~0.3 s per 100 MB of articles each way), so
    this process does not just wait: it reads the largest file itself while the pool reads the others, largest
    first (so the slowest file does not start last); then it takes over, smallest first, the files no worker has
    started yet, whose records then need no transfer. Who reads a file does not change its records.
    """
    from .workers import worker_pool

    by_size = sorted(tasks, key=_file_size, reverse=True)
    largest, rest = by_size[0], by_size[1:]
    here: dict[tuple[str, Path], list[Article | Rejection]] = {}
    with worker_pool(workers - 1) as pool:  # its workers die with this process, and on Ctrl-C
        futures = {t: pool.submit(read_file, t) for t in rest}
        here[largest] = read_file(largest)
        for t in reversed(rest):
            if futures[t].cancel():  # succeeds only while no worker has picked the file up
                here[t] = read_file(t)
        for t in tasks:
            yield t, here[t] if t in here else futures[t].result()


def _file_size(task: tuple[str, Path]) -> int:
    try:
        return task[1].stat().st_size
    except OSError:  # a missing file is read (as one rejection) like any other
        return 0


def default_workers() -> int:
    return min(4, os.cpu_count() or 1)


def ingest_dir(raw_dir: Path, progress: bool = True) -> "Ingest":
    """`ingest` every source's files in a raw cache or mirror, with the default worker processes."""
    return ingest(raw_files(raw_dir), progress=progress, workers=default_workers())


def ingest(files: dict[str, list[Path]], progress: bool = False, workers: int = 1) -> Ingest:
    """Read every file, merge same-id copies per corpus, and account for every raw record.

    The result does not depend on `workers` (records come back in file order)."""
    accounting: dict[tuple[str, str, str], OutletCount] = {}
    kept_raw: list[tuple[str, Article]] = []
    rejections: list[Rejection] = []

    def count(fmt: str, corpus: str, outlet: str) -> OutletCount:
        # Not `setdefault`: that would build (and drop) an OutletCount and its Counter for every record.
        key = (fmt, corpus, outlet)
        c = accounting.get(key)
        if c is None:
            c = accounting[key] = OutletCount()
        return c

    with _gc_paused():
        for fmt, rec in iter_records(files, progress, workers):
            if isinstance(rec, Rejection):
                c = count(fmt, rec.corpus or "-", rec.outlet or "-")
                c.read += 1
                c.rejected[rec.code] += 1
                rejections.append(rec)
            else:
                count(fmt, rec.corpus, rec.outlet).read += 1
                kept_raw.append((fmt, rec))
        fmt_of = {a.id: fmt for fmt, a in kept_raw}
        articles = merge_same_id(a for _, a in kept_raw)
    for a in articles:
        c = count(fmt_of[a.id], a.corpus, a.outlet)
        c.kept += 1
        c.merged += len(a.provenance) - 1
    return Ingest(articles, rejections, dict(sorted(accounting.items())))


def move_out(result: Ingest, ids: dict[str, str]) -> list[Article]:
    """Take kept articles out as `duplicates` or `excluded` (id -> which); returns the articles still kept."""
    counts = {(corpus, outlet): c for (_, corpus, outlet), c in result.accounting.items()}
    kept = []
    for a in result.articles:
        how = ids.get(a.id)
        if how is None:
            kept.append(a)
            continue
        c = counts[(a.corpus, a.outlet)]
        c.kept -= 1
        setattr(c, how, getattr(c, how) + 1)
    return kept
