"""Assign train/validation/test to every article id (DESIGN §6) and write splits/v<major>/.

Existing assignments never move; only ids not yet assigned are placed, by the same temporal rule.
Usage: python scripts/make_splits.py [--raw-dir DIR] [--splits-dir DIR]   (raw default: $ARNEWS_MIRROR, else the cache)
"""
from __future__ import annotations

import argparse
from pathlib import Path

from arnews_ds.build import SPLITS_DIR
from arnews_ds.dedup import find_clusters
from arnews_ds.fetch import raw_source
from arnews_ds.ingest import default_workers, ingest, raw_files
from arnews_ds.splits import (DATE_SLACK, RULE, TEST_SHARE, VALIDATION_SHARE, assign_splits, read_assignment,
                              reconcile, units_from, write_assignment)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw-dir", help="raw folder laid out like the cache (default: $ARNEWS_MIRROR, else the cache)")
    ap.add_argument("--splits-dir", type=Path, default=SPLITS_DIR)
    ap.add_argument("--reconcile-unreleased", action="store_true",
                    help="before a version's first release only: move merged-away duplicates to their "
                         "representative's split (after a cleaning change merged articles assigned apart)")
    args = ap.parse_args()
    raw = raw_source(args.raw_dir)
    result = ingest(raw_files(raw), progress=True, workers=default_workers())
    clusters = find_clusters(result.articles)
    units = units_from(result.articles, clusters)
    existing = read_assignment(args.splits_dir)
    if args.reconcile_unreleased:
        existing, moved = reconcile(existing, clusters)
        print(f"{moved} merged-away duplicate ids moved to their representative's split")
    assignment = assign_splits(units, existing)
    new = len(set(assignment) - set(existing))
    details = {"rule": RULE, "test_share": TEST_SHARE, "validation_share": VALIDATION_SHARE, "date_slack": DATE_SLACK}
    manifest = write_assignment(args.splits_dir, {**existing, **assignment}, details)
    print(f"{new:,} new ids assigned; totals {manifest['counts']} -> {args.splits_dir}")


if __name__ == "__main__":
    main()
