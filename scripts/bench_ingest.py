"""Ingest throughput vs the floor, measured side by side in one run.

Floor: decompress + `json.loads` every SaudiNewsNet zip, read every member of the ANT tarballs, read the page
dumps — no other processing. Ours: the full ingest (parse, clean, ids, merge, accounting). Target: ratio <= 3.0.
Usage: python scripts/bench_ingest.py [--raw-dir DIR] [--repeat N]   (default raw dir: $ARNEWS_MIRROR or the cache)
"""
from __future__ import annotations

import argparse
import json
import tarfile
import time
import zipfile
from pathlib import Path

from arnews_ds.fetch import raw_source
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


def best_of(fn, repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw-dir", help="raw folder laid out like the cache (default: $ARNEWS_MIRROR, else the cache)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    raw = raw_source(args.raw_dir)
    files = raw_files(raw)
    t_floor, n_floor = best_of(lambda: floor(files), args.repeat)
    t_one, result = best_of(lambda: ingest(files), args.repeat)
    workers = default_workers()
    t_par, par = best_of(lambda: ingest(files, workers=workers), args.repeat)
    assert [a.id for a in par.articles] == [a.id for a in result.articles], "parallel ingest changed the result"
    n_read = sum(c.read for c in result.accounting.values())
    print(f"raw records: floor saw {n_floor:,} (incl. README/LICENSE members), ingest read {n_read:,}, "
          f"kept {len(result.articles):,}")
    print(f"floor (1 process)      : {t_floor:6.2f} s  {n_floor / t_floor:9,.0f} records/s")
    print(f"ingest (1 process)     : {t_one:6.2f} s  {n_read / t_one:9,.0f} records/s  ratio {t_one / t_floor:.2f}")
    print(f"ingest ({workers} processes)   : {t_par:6.2f} s  {n_read / t_par:9,.0f} records/s  ratio {t_par / t_floor:.2f}")
    print(f"target: ratio <= 3.0 (best of {args.repeat}; the default `build` uses {workers} processes)")


if __name__ == "__main__":
    main()
