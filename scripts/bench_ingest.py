"""Ingest throughput vs the floor, measured side by side in one run.

Floor: decompress + `json.loads` every SaudiNewsNet zip, read every member of the ANT tarballs, read the page
dumps — no other processing. Ours: the full ingest (parse, clean, ids, merge, accounting). Target: ratio <= 3.0.
Each figure is the best of N runs, as wall time and as CPU time (this process plus its worker processes): on a
shared machine other jobs stretch wall times, while CPU time stays close to the work actually done.
Usage: python scripts/bench_ingest.py [--raw-dir DIR] [--repeat N]   (default raw dir: $ARNEWS_MIRROR or the cache)
"""
from __future__ import annotations

import argparse
import json
import resource
import tarfile
import time
import zipfile
from pathlib import Path

from arnews_ds.paths import raw_source
from arnews_ds.ingest import default_workers, ingest, raw_files


def floor(files: dict[str, list[Path]]) -> int:
    n = 0
    for path in files["saudinewsnet"]:
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                n += len(json.loads(z.read(name)))
    for path in files["ant"]:
        with tarfile.open(path) as t:
            for m in t:
                if m.isfile():
                    t.extractfile(m).read()
                    n += 1
    for path in files["aawsat-pages"]:
        path.read_bytes()
    return n


def cpu_seconds() -> float:
    """CPU time of this process and of its finished child processes (the ingest workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def best_of(fn, repeat: int) -> tuple[float, float, object]:
    """(best wall seconds, best CPU seconds, last result) over `repeat` runs."""
    wall, cpu, out = float("inf"), float("inf"), None
    for _ in range(repeat):
        out = None  # free the previous result first, so that runs do not pay for each other's memory
        t0, c0 = time.perf_counter(), cpu_seconds()
        out = fn()
        wall = min(wall, time.perf_counter() - t0)
        cpu = min(cpu, cpu_seconds() - c0)
    return wall, cpu, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw-dir", help="raw folder laid out like the cache (default: $ARNEWS_MIRROR, else the cache)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    raw = raw_source(args.raw_dir)
    files = raw_files(raw)
    t_floor, c_floor, n_floor = best_of(lambda: floor(files), args.repeat)
    t_one, c_one, result = best_of(lambda: ingest(files), args.repeat)
    workers = default_workers()
    t_par, c_par, par = best_of(lambda: ingest(files, workers=workers), args.repeat)
    assert [a.id for a in par.articles] == [a.id for a in result.articles], "parallel ingest changed the result"
    n_read = sum(c.read for c in result.accounting.values())
    print(f"raw records: floor saw {n_floor:,} (incl. README/LICENSE members), ingest read {n_read:,}, "
          f"kept {len(result.articles):,}")
    print(f"{'':23s}  {'wall':>8}  {'records/s':>9}  {'ratio':>5}   {'CPU':>8}  {'ratio':>5}")
    rows = (("floor (1 process)", n_floor, t_floor, c_floor), ("ingest (1 process)", n_read, t_one, c_one),
            (f"ingest ({workers} processes)", n_read, t_par, c_par))
    for label, n, t, c in rows:
        print(f"{label:23s}: {t:6.2f} s  {n / t:9,.0f}  {t / t_floor:5.2f}   {c:6.2f} s  {c / c_floor:5.2f}")
    print(f"target: wall ratio <= 3.0 (best of {args.repeat}; the default `build` uses {workers} processes)")


if __name__ == "__main__":
    main()
