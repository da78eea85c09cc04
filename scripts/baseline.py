"""Train a baseline on the fixed train split, select on validation, score test (thin CLI over arnews_ds.baselines).

Usage: python scripts/baseline.py --task {topic,headline,retrieval} --model {tfidf,transformer}
       [--model-name HF_ID_OR_PATH] [--out DIR] [--max-train N] [--seed S] [--tiny]
       [--from-run RUN.trec --run-settings JSON]   (retrieval: score an existing run, e.g. the pooled bi-encoder)
Default --out: results/<task>/<model>/ (the committed leaderboard source).
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from arnews_ds.baselines import MODEL_NAMES, Options
from arnews_ds.baselines.runner import run
from arnews_ds.baselines.significance import write_significance
from arnews_ds.paths import RESULTS_DIR
from arnews_ds.tasks import TASKS


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--task", required=True, choices=list(TASKS))
    ap.add_argument("--model", required=True, choices=MODEL_NAMES)
    ap.add_argument("--model-name", help="transformer: a Hub id (online) or a local path; default: train from scratch")
    ap.add_argument("--out", type=Path, help="output folder (default: results/<task>/<model>)")
    ap.add_argument("--max-train", type=int, help="cap the number of training rows")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--tiny", action="store_true", help="tiny model and few steps (smoke runs)")
    ap.add_argument("--device", help="transformer: torch device (default: cuda if available, else cpu)")
    ap.add_argument("--from-run", type=Path, help="retrieval: score this TREC run of every validation and test "
                    "article (e.g. `arnews-ds pool rank-biencoder`'s) instead of training")
    ap.add_argument("--run-settings", default="{}", help="--from-run: JSON of the settings that made the run "
                    "(recorded in metrics.json; `wall_time_s` is taken as the run's wall time)")
    args = ap.parse_args()
    opts = Options(seed=args.seed, model_name=args.model_name, tiny=args.tiny, max_train=args.max_train,
                   device=args.device)
    out = args.out or RESULTS_DIR / args.task / args.model
    summary = run(args.task, args.model, opts, out, run_file=args.from_run,
                  run_settings=json.loads(args.run_settings) if args.from_run else None)
    print(json.dumps({k: summary[k] for k in ("task", "model", "test", "wall_time_s", "peak_rss_mb")},
                     indent=2, ensure_ascii=False))
    if summary.get("note"):
        print(summary["note"])
    print(f"results written to {out}")
    if args.out is None:  # the committed results changed: re-test every pair of models of this task
        print(f"significance written: {write_significance(args.task, RESULTS_DIR)}")


if __name__ == "__main__":
    main()
