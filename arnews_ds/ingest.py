"""Raw files -> merged canonical articles + rejections + the conservation report (DESIGN §4-5)."""
from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator
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


def read_file(task: tuple[str, Path]) -> list[Article | Rejection]:
    """Every raw record of one file (a top-level function so worker processes can run it)."""
    fmt, path = task
    return list(SOURCES[fmt].read(Path(path)))


def iter_records(files: dict[str, list[Path]], progress: bool = False,
                 workers: int = 1) -> Iterator[tuple[str, Article | Rejection]]:
    """Every raw record of every file, as (format, Article | Rejection), in file order whatever `workers` is.

    Adapters are pure per file, so files can be read in parallel processes; the largest are started first so the
    slowest file does not start last.
    """
    tasks = [(fmt, Path(p)) for fmt, paths in files.items() for p in paths]
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(tasks), desc="read raw files", unit="file", leave=False)
    if workers > 1 and len(tasks) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers) as pool:
            by_size = sorted(tasks, key=lambda t: -t[1].stat().st_size)
            futures = {t: pool.submit(read_file, t) for t in by_size}
            for t in tasks:
                for rec in futures[t].result():
                    yield t[0], rec
                if bar:
                    bar.update(1)
    else:
        for t in tasks:
            for rec in SOURCES[t[0]].read(t[1]):
                yield t[0], rec
            if bar:
                bar.update(1)
    if bar:
        bar.close()


def default_workers() -> int:
    return min(4, os.cpu_count() or 1)


def ingest(files: dict[str, list[Path]], progress: bool = False, workers: int = 1) -> Ingest:
    """Read every file, merge same-id copies per corpus, and account for every raw record.

    The result does not depend on `workers` (records come back in file order)."""
    accounting: dict[tuple[str, str, str], OutletCount] = {}
    kept_raw: list[tuple[str, Article]] = []
    rejections: list[Rejection] = []

    def count(fmt: str, corpus: str, outlet: str) -> OutletCount:
        return accounting.setdefault((fmt, corpus, outlet), OutletCount())

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


def format_accounting(result: Ingest) -> str:
    """Per source and outlet: read = kept + merged + duplicates + excluded + rejected (by reason)."""
    cols = ("read", "kept", "merged", "duplicates", "excluded")
    lines = [f"{'source':<14}{'corpus':<14}{'outlet':<17}" + "".join(f"{c:>11}" for c in cols) + f"{'rejected':>10}  reasons"]
    totals: dict[str, OutletCount] = {}
    for (fmt, corpus, outlet), c in result.accounting.items():
        reasons = ", ".join(f"{k}={v}" for k, v in sorted(c.rejected.items()))
        nums = "".join(f"{getattr(c, k):>11}" for k in cols)
        lines.append(f"{fmt:<14}{corpus:<14}{outlet:<17}{nums}{sum(c.rejected.values()):>10}  {reasons}")
        t = totals.setdefault(fmt, OutletCount())
        for k in cols:
            setattr(t, k, getattr(t, k) + getattr(c, k))
        t.rejected.update(c.rejected)
    lines.append("")
    for fmt, t in totals.items():
        status = "ok" if t.balanced else "DOES NOT ADD UP"
        parts = " + ".join(f"{k} {getattr(t, k):,}" for k in cols[1:])
        lines.append(f"{fmt}: read {t.read:,} = {parts} + rejected {sum(t.rejected.values()):,} ({status})")
    return "\n".join(lines)
