"""Scale curve of ingest + dedup: both engines on 1x, 3x and 10x the raw mirror -> results/bench/scale.json + PNG.

Usage: python scripts/bench_scale.py [--raw-dir DIR] [--sizes 1 3 10] [--engines datatrove inprocess]
       [--inprocess-max 10] [--workers 2] [--tmp DIR] [--out results/bench/scale.json] [--plot-only]
The larger corpora are perturbed copies of the mirror written as raw files (scripts/scale_corpus.py) in a temporary
folder (kept under --tmp when given, so a later run reuses them). Each engine runs in a child process on the raw
folder: wall time; CPU time of the child and its workers (RUSAGE_CHILDREN); peak RSS as the largest sum of the RSS
of the child's whole process tree, sampled every 0.2 s (so concurrent workers add up), or the largest single process
(the child's own ru_maxrss, for itself and for its workers) if that is larger; `stage_s`, wall seconds per stage.
The datatrove engine's result stays on disk (its de-duplicated set is what it writes); the in-process engine holds
everything in memory, as a build does. Results are merged into --out, so sizes and engines can be measured apart.
`--inprocess-max` caps the sizes the in-process engine is run at (its memory curve is extrapolated beyond).
Targets (2-core machine): datatrove at 10x within 11x its own 1x time, peak RSS <= 6 GB.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scale_corpus  # noqa: E402

from arnews_ds.paths import RESULTS_DIR, raw_source  # noqa: E402

ENGINES = ("datatrove", "inprocess")


def child(engine: str, raw: Path, workers: int, work: Path) -> dict:
    """Run one engine on `raw` (in this process) -> articles in and out."""
    from arnews_ds.ingest import raw_files

    files = raw_files(raw)
    if engine == "inprocess":
        from arnews_ds.dedup import find_clusters
        from arnews_ds.ingest import ingest

        t0 = time.perf_counter()
        result = ingest(files, workers=workers)
        t1 = time.perf_counter()
        clusters = find_clusters(result.articles)  # what `engines.run_inprocess` runs, timed per stage
        return {"articles_in": sum(c.read for c in result.accounting.values()),
                "articles_out": sum(1 for i, rep in clusters.cluster_of.items() if i == rep),
                "stage_s": {"ingest": round(t1 - t0, 1), "dedup": round(time.perf_counter() - t1, 1)}}
    from arnews_ds.distributed.pipeline import run_pipeline, summary

    run_pipeline(files, work, "local", workers)
    return summary(work)


def _tree_rss_mb(pid: int) -> float:
    """RSS of a process and all its descendants (from /proc), in MB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        rss[int(entry.name)] = int(fields[21])
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total * os.sysconf("SC_PAGE_SIZE") / 2**20


def measure(engine: str, raw: Path, workers: int, tmp: Path) -> dict:
    work = tmp / f"work-{engine}"
    shutil.rmtree(work, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--child", engine, "--raw-dir", str(raw), "--workers",
                             str(workers), "--tmp", str(work)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    peak = [0.0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss_mb(proc.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    wall = time.perf_counter() - t0
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    shutil.rmtree(work, ignore_errors=True)
    if proc.returncode:
        raise SystemExit(f"{engine} on {raw} failed with exit status {proc.returncode}")
    counts = json.loads(out.decode().strip().splitlines()[-1])
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    largest = counts.pop("max_process_rss_mb")
    return {"wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "peak_rss_mb": round(max(peak[0], largest)), **counts}


def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_t, ax_m) = plt.subplots(1, 2, figsize=(10, 4))
    for engine, points in results.items():
        xs = sorted(points, key=int)
        articles = [points[x]["articles_in"] / 1000 for x in xs]
        ax_t.plot(articles, [points[x]["wall_s"] for x in xs], "o-", label=engine)
        ax_m.plot(articles, [points[x]["peak_rss_mb"] / 1024 for x in xs], "o-", label=engine)
    ax_t.set(xlabel="raw records (thousands)", ylabel="wall time (s)", title="ingest + dedup, 2 cores")
    ax_m.set(xlabel="raw records (thousands)", ylabel="peak RSS (GB)", title="memory")
    for ax in (ax_t, ax_m):
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(fig)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw-dir", help="raw folder laid out like the cache (default: $ARNEWS_MIRROR, else the cache)")
    ap.add_argument("--sizes", type=int, nargs="+", default=[1, 3, 10])
    ap.add_argument("--inprocess-max", type=int, default=10, help="largest size the in-process engine is run at")
    ap.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--tmp", type=Path, help="folder for the synthetic corpora (default: a temporary folder)")
    ap.add_argument("--out", type=Path, default=RESULTS_DIR / "bench" / "scale.json")
    ap.add_argument("--plot-only", action="store_true", help="redraw the PNG from --out, measuring nothing")
    ap.add_argument("--child", choices=ENGINES, help=argparse.SUPPRESS)
    args = ap.parse_args()
    raw = raw_source(args.raw_dir)
    if args.plot_only:
        plot(json.loads(args.out.read_text(encoding="utf-8")), args.out.with_suffix(".png"))
        return
    if args.child:
        counts = child(args.child, raw, args.workers, args.tmp)
        # The largest single process among this child and its workers (the parent's RUSAGE_CHILDREN maximum would
        # also cover every earlier measurement).
        counts["max_process_rss_mb"] = max(resource.getrusage(who).ru_maxrss
                                           for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024
        print(json.dumps(counts))
        return
    tmp = args.tmp or Path(tempfile.mkdtemp(prefix="arnews-scale-"))
    results: dict = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
    for k in args.sizes:
        with ProcessPoolExecutor(args.workers) as pool:  # copies are independent: write them side by side
            list(pool.map(scale_corpus.write_copy, repeat(raw), repeat(tmp / "copies"), range(1, k)))
        corpus = scale_corpus.assemble(raw, tmp / "copies", k, tmp / f"x{k}")
        for engine in args.engines:
            if engine == "inprocess" and k > args.inprocess_max:
                continue
            results.setdefault(engine, {})[str(k)] = measure(engine, corpus, args.workers, tmp)
            print(engine, k, results[engine][str(k)], flush=True)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    plot(results, args.out.with_suffix(".png"))
    if not args.tmp:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
