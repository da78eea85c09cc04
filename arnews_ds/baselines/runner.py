"""Run one baseline on the fixed splits of the built dataset, score it with our metrics, and write its results.

`scripts/baseline.py` is the thin CLI over `run`. Results: `metrics.json` (metrics, dataset version, split-manifest
hash, settings, wall time, peak memory) plus predictions (topic/headline: JSON Lines) or TREC run files (retrieval).
"""
from __future__ import annotations

import json
import resource
import time
from pathlib import Path

from . import BaselineResult, Options, TaskData, get_baseline
from ..paths import PACKAGE_DIR
from ..tasks import TASKS
from ..trec import write_run

NO_JUDGMENTS = ("no related-article judgments exist yet (annotations/related_qrels.tsv): run files are written for the "
                "validation and test articles, but there is nothing to score them against")


def load_task_data(task: str, folder: Path = PACKAGE_DIR) -> TaskData:
    """The task's splits as plain rows, from the built dataset folder (the task registry's loader)."""
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; expected one of {sorted(TASKS)}")
    return TASKS[task].load(folder)


def score(task: str, data: TaskData, result: BaselineResult) -> dict | None:
    """Test metrics of a result with our metrics; None for retrieval without test judgments."""
    from ..metrics.scores import headline_scores, judged_at_k, retrieval_scores, topic_scores

    if task == "topic":
        index = {name: i for i, name in enumerate(data.label_names)}
        # The test labels are the hand-made gold ones (annotations/topic_gold.tsv).
        return topic_scores([index[p["gold"]] for p in result.predictions],
                            [index[p["pred"]] for p in result.predictions], data.label_names)
    if task == "headline":
        scores = headline_scores([p["prediction"] for p in result.predictions],
                                 [p["reference"] for p in result.predictions])
        subset = [p for p in result.predictions if p["id"] in data.references]
        if subset:
            # On the hand-annotated subset: the published title plus every hand-written reference (max over them).
            multi = headline_scores([p["prediction"] for p in subset],
                                    [[p["reference"], *data.references[p["id"]]] for p in subset])
            scores["multi_reference"] = {"n": len(subset), **multi}
        return scores
    if not data.qrels.get("test"):
        return None
    run = result.runs.get("test", {})
    return {**retrieval_scores(data.qrels["test"], run), "judged_at_10": judged_at_k(data.qrels["test"], run, 10)}


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "data" / "manifest.json").read_text(encoding="utf-8"))


def write_outputs(out: Path, task: str, model: str, result: BaselineResult, summary: dict) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "metrics.json").write_text(json.dumps(summary, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                                      encoding="utf-8")
    if result.predictions:
        with (out / "predictions.jsonl").open("w", encoding="utf-8") as f:
            for p in result.predictions:
                f.write(json.dumps(p, ensure_ascii=False) + "\n")
    for split, run in result.runs.items():
        write_run(out / f"run.{split}.trec", run, f"arnews-{model}")


def run(task: str, model: str, opts: Options, out: Path | None = None, folder: Path = PACKAGE_DIR) -> dict:
    """Train on train, select on validation, score test; returns the metrics.json content (and writes it to `out`)."""
    data = load_task_data(task, folder)
    t0 = time.perf_counter()
    result = get_baseline(task, model)(data, opts)
    wall = time.perf_counter() - t0
    test = score(task, data, result)
    manifest = _manifest(folder)
    summary = {
        "task": task,
        "model": model,
        "dataset_version": manifest["version"],
        "splits_manifest_sha256": manifest["splits_manifest_sha256"],
        "settings": result.settings,
        "validation": result.validation,
        "test": test,
        "extra": {k: v for k, v in result.extra.items() if k != "runs"},
        "n_test": len(data.test),
        "wall_time_s": round(wall, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    if test is None:
        summary["note"] = NO_JUDGMENTS
    if out is not None:
        write_outputs(out, task, model, result, summary)
    return summary
