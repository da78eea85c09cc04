"""Regenerate the silver headline exclusions (arnews_ds/exclusions.py) into annotations/exclusions.tsv.

Rows of other tasks or methods already in the file are kept as they are; only `silver:headline-rule-*` rows are
rewritten. Usage: python scripts/make_exclusions.py [--raw-dir DIR]
"""
from __future__ import annotations

import argparse
import csv
from pathlib import Path

from arnews_ds import annotations as ann
from arnews_ds.dedup import find_clusters
from arnews_ds.exclusions import headline_exclusions
from arnews_ds.fetch import raw_source
from arnews_ds.ingest import default_workers, ingest, raw_files


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw-dir", help="raw folder laid out like the cache (default: $ARNEWS_MIRROR, else the cache)")
    args = ap.parse_args()
    raw = raw_source(args.raw_dir)
    result = ingest(raw_files(raw), progress=True, workers=default_workers())
    clusters = find_clusters(result.articles)
    kept = [a for a in result.articles if clusters.cluster_of[a.id] == a.id]
    path = ann.ANNOTATIONS / "exclusions.tsv"
    others = [r for r in ann.read_table(path, ann.EXCLUSION_COLUMNS, "\t")
              if not r["method"].startswith("silver:headline-rule")]
    rows = others + headline_exclusions(kept)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, ann.EXCLUSION_COLUMNS, delimiter="\t", lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    reasons = {}
    for r in rows:
        reasons[r["reason"]] = reasons.get(r["reason"], 0) + 1
    print(f"{len(rows):,} exclusion rows -> {path}: {reasons}")


if __name__ == "__main__":
    main()
