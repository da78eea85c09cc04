"""Run one baseline on the fixed splits of the built dataset, score it with our metrics, and write its results.

`scripts/baseline.py` is the thin CLI over `run`. Results: `metrics.json` (metrics with `test_ci95`, dataset version,
split-manifest hash, settings, wall time, peak memory) plus the per-item files a user can score alone (`items.py`:
topic predictions, headline item scores, retrieval TREC runs and the scored qrels).
"""
from __future__ import annotations

import json
import resource
import time
from pathlib import Path

from . import BaselineResult, Options, TaskData, get_baseline, items
from ..metrics.scores import judged_at_k
from ..paths import PACKAGE_DIR
from ..tasks import TASKS
from ..trec import read_run, write_qrels, write_run
from .significance import confidence_intervals

NO_JUDGMENTS = ("no related-article judgments exist yet (annotations/related_qrels.tsv): run files are written for the "
                "validation and test articles, but there is nothing to score them against")


def load_task_data(task: str, folder: Path = PACKAGE_DIR) -> TaskData:
    """The task's splits as plain rows, from the built dataset folder (the task registry's loader)."""
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; expected one of {sorted(TASKS)}")
    return TASKS[task].load(folder)


def item_records(task: str, data: TaskData, result: BaselineResult) -> dict:
    """The per-item records `items.py` describes: topic/headline rows, retrieval test judgments."""
    if task == "topic":
        return {"rows": items.topic_rows(result.predictions)}
    if task == "headline":
        preds = result.predictions
        return {"rows": items.headline_rows([p["id"] for p in preds], [p["prediction"] for p in preds],
                                            [p["reference"] for p in preds], data.references)}
    return {"qrels": data.qrels.get("test") or {}}


def test_views(task: str, result: BaselineResult, records: dict) -> items.Views | None:
    """The scored views of a result (None for retrieval without test judgments)."""
    if task == "topic":
        return items.topic_views(records["rows"])
    if task == "headline":
        return items.headline_views(records["rows"])
    if not records["qrels"]:
        return None
    return items.retrieval_views(records["qrels"], result.runs.get("test", {}))


def score(task: str, data: TaskData, result: BaselineResult, records: dict | None = None) -> dict | None:
    """Test metrics of a result with our metrics, from its per-item records; None for retrieval without test
    judgments."""
    records = records or item_records(task, data, result)
    views = test_views(task, result, records)
    if views is None:
        return None
    test = items.score_views(task, views, data.label_names)
    if task == "retrieval":
        test["judged_at_10"] = judged_at_k(records["qrels"], result.runs.get("test", {}), 10)
    return test


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "data" / "manifest.json").read_text(encoding="utf-8"))


def write_outputs(out: Path, task: str, model: str, result: BaselineResult, summary: dict,
                  records: dict | None = None) -> None:
    """metrics.json and the per-item files (`items.py`); headline predictions quote article text (git-ignored)."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "metrics.json").write_text(json.dumps(summary, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                                      encoding="utf-8")
    records = records or {}
    if task == "topic" and "rows" in records:
        items.write_jsonl(out / "predictions.jsonl", records["rows"])
    elif task == "headline":
        items.write_jsonl(out / "predictions.jsonl", [{"split": "test", **p} for p in result.predictions])
        if "rows" in records:
            items.write_jsonl(out / "item_scores.jsonl", records["rows"])
    # The run tag names the system as the pool file does (pooling passes no settings: its system name).
    variant = (summary.get("settings") or {}).get("variant") or model
    for split, run in result.runs.items():
        write_run(out / f"run.{split}.trec", run, variant)
    for other, runs in (result.extra.get("runs") or {}).items():
        if "test" in runs:  # variants not chosen: test runs only (pool-bias and significance inputs)
            write_run(out / f"run.test.{other}.trec", runs["test"], other)
    if records.get("qrels"):
        write_qrels(out / "qrels.test.txt", records["qrels"])


def from_run(data: TaskData, path: Path, settings: dict) -> BaselineResult:
    """A retrieval result read from a TREC run of every validation and test article (e.g. the pooled bi-encoder of
    `arnews-ds pool rank-biencoder`): each judged query's ranking, its own id dropped, top 100."""
    ranked = read_run(path)
    missing = [q["_id"] for qs in data.queries.values() for q in qs if q["_id"] not in ranked]
    if missing:
        raise ValueError(f"{path}: no ranking for {len(missing)} judged queries (e.g. {missing[0]})")
    runs = {split: {q["_id"]: [(d, s) for d, s in ranked[q["_id"]] if d != q["_id"]][:100] for q in qs}
            for split, qs in data.queries.items()}
    return BaselineResult({**settings, "source_run": path.name}, {}, runs=runs)


def run(task: str, model: str, opts: Options, out: Path | None = None, folder: Path = PACKAGE_DIR,
        run_file: Path | None = None, run_settings: dict | None = None) -> dict:
    """Train on train, select on validation, score test; returns the metrics.json content (and writes it to `out`).

    `run_file` (retrieval): score an existing run instead of training (`from_run`)."""
    data = load_task_data(task, folder)
    t0 = time.perf_counter()
    if run_file is not None:
        if task != "retrieval":
            raise ValueError("--from-run scores retrieval runs only")
        result = from_run(data, run_file, run_settings or {})
    else:
        result = get_baseline(task, model)(data, opts)
    wall = time.perf_counter() - t0
    records = item_records(task, data, result)
    test = score(task, data, result, records)
    views = test_views(task, result, records) if test is not None else None
    manifest = _manifest(folder)
    summary = {
        "task": task,
        "model": model,
        "dataset_version": manifest["version"],
        "splits_manifest_sha256": manifest["splits_manifest_sha256"],
        "settings": result.settings,
        "validation": result.validation,
        "test": test,
        "test_ci95": confidence_intervals(task, views, data.label_names) if views else None,
        "extra": {k: v for k, v in result.extra.items() if k != "runs"},
        # Items (retrieval: queries) behind the main `test` number.
        "n_test": len(views[""]) if views else len(data.test),
        "wall_time_s": (run_settings or {}).get("wall_time_s", round(wall, 1)),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    if task == "topic":
        summary["label_names"] = list(data.label_names)
    if test is None:
        summary["note"] = NO_JUDGMENTS
    if out is not None:
        write_outputs(out, task, model, result, summary, records)
    return summary

