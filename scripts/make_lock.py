"""Regenerate arnews_ds/sources/lock.json from a raw mirror (run on purpose, then review the diff)."""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from arnews_ds.lock import default_lock_path, dump_lock, make_lock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mirror", type=Path, default=os.environ.get("ARNEWS_MIRROR"), required=not os.environ.get("ARNEWS_MIRROR"))
    parser.add_argument("--out", type=Path, default=default_lock_path())
    args = parser.parse_args()
    entries = make_lock(Path(args.mirror))
    dump_lock(entries, args.out)
    print(f"wrote {len(entries)} entries to {args.out}")


if __name__ == "__main__":
    main()
