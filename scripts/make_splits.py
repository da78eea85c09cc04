"""Assign train/validation/test to every article id (DESIGN §6) and write splits/v<major>/.

Existing assignments never move; only ids not yet assigned are placed, by the same temporal rule.
Usage: python scripts/make_splits.py [--raw-dir DIR]   (default: $ARNEWS_MIRROR, else the fetched cache)
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from arnews_ds.build import SPLITS_DIR
from arnews_ds.dedup import find_clusters
from arnews_ds.ingest import ingest, raw_files
from arnews_ds.splits import DATE_SLACK, TEST_SHARE, VALIDATION_SHARE, Unit, assign_splits, read_assignment, write_assignment


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw-dir", default=os.environ.get("ARNEWS_MIRROR"))
    args = ap.parse_args()
    if args.raw_dir:
        raw = Path(args.raw_dir)
    else:
        from arnews_ds.fetch import cache_dir

        raw = cache_dir()
    result = ingest(raw_files(raw), progress=True)
    clusters = find_clusters(result.articles)
    members: dict[str, list[str]] = {}
    for c in clusters.clusters:
        members[c.representative] = list(c.members)
    reps = [a for a in result.articles if clusters.cluster_of[a.id] == a.id]
    units = [Unit(a.id, (a.corpus, a.outlet), a.published[:10] if a.published else None, tuple(members.get(a.id, ())))
             for a in reps]
    existing = read_assignment(SPLITS_DIR) if SPLITS_DIR.exists() else {}
    assignment = assign_splits(units, existing)
    new = len(set(assignment) - set(existing))
    details = {"rule": "temporal per (corpus, outlet): latest ~10% test, ~10% before validation, cut moved to a "
                       "date boundary within the slack; undated by blake2b(id); duplicate clusters share one split",
               "test_share": TEST_SHARE, "validation_share": VALIDATION_SHARE, "date_slack": DATE_SLACK}
    manifest = write_assignment(SPLITS_DIR, {**existing, **assignment}, details)
    print(f"{new:,} new ids assigned; totals {manifest['counts']} -> {SPLITS_DIR}")


if __name__ == "__main__":
    main()
