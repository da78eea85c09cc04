"""Confidence intervals of a result and paired significance tests between the committed results of a task.

`confidence_intervals` gives a result's `test_ci95`; `compare` writes `results/<task>/significance.json` from the
committed per-item files of every model (`items.load_views`), so it reruns in seconds whenever a result or the
judgments change (`arnews-ds significance --task T`, and `scripts/baseline.py` after each run). The leaderboard
(`card.py`) reads the file back with `load_significance` and marks the differences that are not significant.
"""
from __future__ import annotations

import itertools
import json
from collections.abc import Mapping
from pathlib import Path

from ..metrics.uncertainty import ALPHA, N_RESAMPLES, SEED, bootstrap_intervals, paired_test
from ..trec import read_qrels, read_run
from .items import CI_METRICS, Views, load_views, nest, retrieval_views, view_statistics

METHOD = {
    "confidence_intervals": f"percentile bootstrap over test items (retrieval: queries), {N_RESAMPLES} resamples, "
                            f"seed {SEED}; corpus-level metrics (macro-F1, chrF) are recomputed on each resample",
    "p_value": f"two-sided paired approximate randomization: each of {N_RESAMPLES} resamples swaps the two systems' "
               f"outputs on a random half of the items (seed {SEED + 1})",
    "ci95_difference": "paired percentile bootstrap of the difference a - b, same resamples as the intervals",
}


def confidence_intervals(task: str, views: Views, label_names: list[str] | None = None,
                         n_resamples: int = N_RESAMPLES, seed: int = SEED) -> dict:
    """`test_ci95`: {metric: [lo, hi]} for the task's CI metrics, nested per view like the `test` block."""
    return nest({view: bootstrap_intervals(view_statistics(task, list(items.values()), label_names),
                                           n_resamples, seed)
                 for view, items in views.items() if len(items) >= 2})


def _view_name(view: str) -> str:
    return view or "test"


def compare(task: str, systems: Mapping[str, tuple[Views, list[str] | None]], n_resamples: int = N_RESAMPLES,
            seed: int = SEED) -> dict:
    """Paired tests between every pair of systems on every view they share, over the items both scored."""
    pairs = []
    for a, b in itertools.combinations(sorted(systems), 2):
        (views_a, labels), (views_b, _) = systems[a], systems[b]
        for view in [v for v in views_a if v in views_b]:
            ids = [i for i in views_a[view] if i in views_b[view]]
            if len(ids) < 2:
                continue
            stats_a = view_statistics(task, [views_a[view][i] for i in ids], labels)
            stats_b = view_statistics(task, [views_b[view][i] for i in ids], labels)
            tests = {m: paired_test(stats_a[m], stats_b[m], n_resamples, seed) for m in CI_METRICS[task]}
            pairs.append({"a": a, "b": b, "view": _view_name(view), "n": len(ids), "metrics": tests})
    return {"task": task, "systems": sorted(systems), "alpha": ALPHA, "n_resamples": n_resamples, "seed": seed,
            "method": METHOD, "pairs": pairs}


def committed_systems(task: str, results_dir: Path) -> dict[str, tuple[Views, list[str] | None]]:
    """Every model of `task` under `results_dir` whose per-item files are committed, by model name (retrieval: and
    every committed variant run, as `model/variant`)."""
    systems = {}
    for folder in sorted(p for p in (results_dir / task).glob("*") if (p / "metrics.json").exists()):
        try:
            views, metrics = load_views(task, folder)
        except FileNotFoundError:
            continue  # a result from before per-item files were written: nothing to pair
        systems[folder.name] = (views, metrics.get("label_names"))
        if task == "retrieval":  # committed runs of variants not chosen are systems too (`model/variant`)
            qrels = read_qrels(folder / "qrels.test.txt")
            for run in sorted(folder.glob("run.test.*.trec*")):
                variant = run.name.removeprefix("run.test.").removesuffix(".gz").removesuffix(".trec")
                systems[f"{folder.name}/{variant}"] = (retrieval_views(qrels, read_run(run)), None)
    return systems


def write_significance(task: str, results_dir: Path) -> str:
    """Write `results_dir/<task>/significance.json`; returns a one-line summary. FileNotFoundError without results."""
    if not (results_dir / task).is_dir():
        raise FileNotFoundError(f"no results for {task} in {results_dir}: run scripts/baseline.py --task {task} first")
    path = results_dir / task / "significance.json"
    data = compare(task, committed_systems(task, results_dir))
    path.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return (f"{path}: {len(data['systems'])} systems ({', '.join(data['systems'])}), {len(data['pairs'])} paired "
            "comparisons")


def load_significance(task: str, results_dir: Path) -> dict | None:
    path = results_dir / task / "significance.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
