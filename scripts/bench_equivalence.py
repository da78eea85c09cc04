"""Both engines on the same raw files: kept ids, clusters and pairwise cluster F1 (issue 13, item 2).

Usage: python scripts/bench_equivalence.py [--raw-dir DIR] [--workers N] [--no-released]
       [--out results/bench/equivalence.json]
(default raw: $ARNEWS_MIRROR, else the cache). Both engines pin the released ids of the current version, as
`arnews-ds build` does (`--no-released`: none). Exits 1 unless the datatrove engine's articles, accounting, kept ids
and clusters equal the in-process engine's.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from arnews_ds.engines import Engine, agreement, ingest_and_dedup
from arnews_ds.ingest import raw_files
from arnews_ds.paths import RELEASES_DIR, RESULTS_DIR, raw_source
from arnews_ds.releases import released_ids
from arnews_ds.version import __version__


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw-dir", help="raw folder laid out like the cache (default: $ARNEWS_MIRROR, else the cache)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-released", action="store_true", help="pin no released ids")
    ap.add_argument("--out", type=Path, default=RESULTS_DIR / "bench" / "equivalence.json")
    args = ap.parse_args()
    files = raw_files(raw_source(args.raw_dir))
    keep = frozenset() if args.no_released else released_ids(RELEASES_DIR, __version__)
    times, results = {}, {}
    for name in ("inprocess", "datatrove"):
        t0 = time.perf_counter()
        results[name] = ingest_and_dedup(files, Engine(name, workers=args.workers), keep=keep)
        times[name] = round(time.perf_counter() - t0, 1)
    report = {"wall_s": times, "released_ids_pinned": len(keep),
              **agreement(results["inprocess"], results["datatrove"])}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))
    equal = report["same_articles"] and report["same_accounting"] and report["same_clusters"]
    return 0 if equal else 1


if __name__ == "__main__":
    sys.exit(main())
