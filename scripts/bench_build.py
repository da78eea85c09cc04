"""Full build wall time and peak RSS, the ratio to the ingest floor, and cold/warm `load_dataset` times, in one run.

Usage: python scripts/bench_build.py [--raw-dir DIR] [--out DIR]   (default raw: $ARNEWS_MIRROR, else the cache)
Targets: full build <= 120 s and <= 3 GB peak RSS on the 2-core reference machine.
The build runs in a child process so its peak RSS is its own (resource.RUSAGE_CHILDREN).
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ingest import best_of, floor  # noqa: E402  (same floor definition as the ingest benchmark)

from arnews_ds.paths import raw_source
from arnews_ds.ingest import raw_files  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw-dir", help="raw folder laid out like the cache (default: $ARNEWS_MIRROR, else the cache)")
    ap.add_argument("--out", type=Path, help="build folder (default: a temporary folder, removed afterwards)")
    args = ap.parse_args()
    raw = raw_source(args.raw_dir)
    out = args.out or Path(tempfile.mkdtemp(prefix="arnews-bench-"))
    t_floor, _, _ = best_of(lambda: floor(raw_files(raw)), 1)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "arnews_ds", "build", "--raw", str(raw), "--out", str(out), "--quiet"],
                   check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    peak_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024**2
    print(f"ingest floor        : {t_floor:7.2f} s")
    print(f"full build          : {wall:7.2f} s   (target <= 120 s; ratio to floor {wall / t_floor:.1f})")
    print(f"build peak RSS      : {peak_gb:7.2f} GB  (target <= 3 GB)")
    code = ("import sys, time, datasets; t = time.perf_counter(); "
            "[datasets.load_dataset(sys.argv[1], c) for c in datasets.get_dataset_config_names(sys.argv[1])]; "
            "print(time.perf_counter() - t)")
    cache = Path(tempfile.mkdtemp(prefix="arnews-hf-"))
    env = {**os.environ, "HF_DATASETS_CACHE": str(cache), "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
    for label in ("cold", "warm"):
        res = subprocess.run([sys.executable, "-c", code, str(out)], env=env, capture_output=True, text=True, check=True)
        print(f"load_dataset, every config, {label}: {float(res.stdout.strip().splitlines()[-1]):7.2f} s")
    shutil.rmtree(cache, ignore_errors=True)
    if not args.out:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
