"""Ingest throughput vs the floor, measured side by side in one run.

Floor: decompress + `json.loads` every SaudiNewsNet zip, read every member of the ANT tarballs, read the page
dumps — no other processing. Ours: the full ingest (parse, clean, ids, merge, accounting). Target: ratio <= 3.0.
Usage: python scripts/bench_ingest.py [--raw-dir DIR] [--repeat N]   (default raw dir: $ARNEWS_MIRROR or the cache)
"""
from __future__ import annotations

import argparse
import json
import os
import tarfile
import time
import zipfile
from pathlib import Path

from arnews_ds.ingest import ingest, raw_files


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
    ap.add_argument("--raw-dir", default=os.environ.get("ARNEWS_MIRROR"))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    if args.raw_dir:
        raw = Path(args.raw_dir)
    else:
        from arnews_ds.fetch import cache_dir

        raw = cache_dir()
    files = raw_files(raw)
    t_floor, n_floor = best_of(lambda: floor(files), args.repeat)
    t_ours, result = best_of(lambda: ingest(files), args.repeat)
    n_read = sum(c.read for c in result.accounting.values())
    print(f"raw records: floor saw {n_floor:,} (+ page dumps), ingest read {n_read:,}, kept {len(result.articles):,}")
    print(f"floor : {t_floor:6.2f} s  {n_floor / t_floor:9,.0f} records/s")
    print(f"ingest: {t_ours:6.2f} s  {n_read / t_ours:9,.0f} records/s")
    print(f"ratio ingest/floor = {t_ours / t_floor:.2f}  (target <= 3.0; best of {args.repeat})")


if __name__ == "__main__":
    main()
