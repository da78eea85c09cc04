"""Run one baseline on the fixed splits of the built dataset, score it with our metrics, and write its results.

`scripts/baseline.py` is the thin CLI over `run`. Results: `metrics.json` (metrics, dataset version, split-manifest
hash, settings, wall time, peak memory) plus predictions (topic/headline: JSON Lines) or TREC run files (retrieval).
"""
from __future__ import annotations

import json
import resource
import time
from pathlib import Path

from . import BaselineResult, Options, TaskData, get_baseline, items
from .significance import confidence_intervals, format_ci, load_significance, significance_marks
from ..metrics.scores import judged_at_k
from ..build import PACKAGE_DIR, REPO_ROOT

RESULTS_DIR = REPO_ROOT / "results"
# The retrieval task reads these configs; `queries`/`qrels` exist only once judgments do.
NO_JUDGMENTS = ("no related-article judgments exist yet (annotations/related_qrels.tsv): run files are written for the "
                "validation and test articles, but there is nothing to score them against")


def _rows(folder: Path, config: str, split: str) -> list[dict]:
    import datasets

    return datasets.load_dataset(str(folder), config, split=split).to_list()


def load_task_data(task: str, folder: Path = PACKAGE_DIR) -> TaskData:
    """The task's splits as plain rows, from the built dataset folder."""
    import datasets

    if not (folder / "data" / "manifest.json").exists():
        raise FileNotFoundError(f"no built dataset in {folder}: run `arnews-ds build` first")
    configs = datasets.get_dataset_config_names(str(folder))
    if task == "topic":
        ds = datasets.load_dataset(str(folder), "topic")
        names = ds["train"].features["label"].names
        test = ds["test"].to_list()
        gold_rows = ds["test_verified"].to_list() if "test_verified" in ds else []
        in_test = {r["id"] for r in test}
        extra = [r for r in gold_rows if r["id"] not in in_test]  # e.g. outlets without editorial categories
        return TaskData("topic", ds["train"].to_list(), ds["validation"].to_list(), test + extra,
                        label_names=names, verified={r["id"]: names[r["label"]] for r in gold_rows},
                        verified_only=frozenset(r["id"] for r in extra))
    if task == "headline":
        ds = datasets.load_dataset(str(folder), "headline")
        refs = {}
        if "headline_refs" in configs:
            refs = {r["id"]: r["references"] for r in _rows(folder, "headline_refs", "test")}
        return TaskData("headline", ds["train"].to_list(), ds["validation"].to_list(), ds["test"].to_list(),
                        references=refs)
    if task != "retrieval":
        raise ValueError(f"unknown task {task!r}")
    corpus = _rows(folder, "corpus", "corpus")
    articles = datasets.load_dataset(str(folder), "articles", split="full")
    train = [{"_id": r["id"], "title": r["title"], "text": r["body"]} for r in articles if r["split"] == "train"]
    queries: dict[str, list[dict]] = {}
    qrels: dict[str, dict[str, dict[str, int]]] = {}
    if "qrels" in configs:
        for split, rows in datasets.load_dataset(str(folder), "qrels").items():
            for r in rows:
                qrels.setdefault(split, {}).setdefault(r["query-id"], {})[r["corpus-id"]] = r["score"]
        queries = {s: d.to_list() for s, d in datasets.load_dataset(str(folder), "queries").items()}
    else:
        # Without judgments every validation/test article is a query, so run files exist for later pooling.
        for r in articles:
            if r["split"] in ("validation", "test"):
                text = f"{r['title']}\n\n{r['body']}" if r["title"] else r["body"]
                queries.setdefault(r["split"], []).append({"_id": r["id"], "text": text})
    return TaskData("retrieval", train, queries.get("validation", []), queries.get("test", []), corpus=corpus,
                    queries=queries, qrels=qrels)


def item_records(task: str, data: TaskData, result: BaselineResult) -> dict:
    """The per-item records `items.py` describes: topic/headline rows, retrieval test judgments."""
    if task == "topic":
        return {"rows": items.topic_rows(result.predictions, data.verified, data.verified_only)}
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
    variant = summary["settings"].get("variant") or model
    for split, run in result.runs.items():
        items.write_run(out / f"run.{split}.trec", run, variant)
    for other, runs in (result.extra.get("runs") or {}).items():
        if "test" in runs:  # variants not chosen: test runs only (pool-bias and significance inputs)
            items.write_run(out / f"run.test.{other}.trec", runs["test"], other)
    if records.get("qrels"):
        items.write_qrels(out / "qrels.test.txt", records["qrels"])


def run(task: str, model: str, opts: Options, out: Path | None = None, folder: Path = PACKAGE_DIR) -> dict:
    """Train on train, select on validation, score test; returns the metrics.json content (and writes it to `out`)."""
    data = load_task_data(task, folder)
    t0 = time.perf_counter()
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
        "n_test": len(views[""]) if views else len(data.test) - len(data.verified_only),
        "wall_time_s": round(wall, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    if task == "topic":
        summary["label_names"] = list(data.label_names)
    if test is None:
        summary["note"] = NO_JUDGMENTS
    if out is not None:
        write_outputs(out, task, model, result, summary, records)
    return summary


MAIN_METRIC = {"topic": "macro_f1", "headline": "rougeL", "retrieval": "ndcg_at_10"}


def leaderboard(results_dir: Path = RESULTS_DIR) -> list[dict]:
    """One row per committed results/<task>/<model>/metrics.json."""
    rows = []
    for path in sorted(results_dir.glob("*/*/metrics.json")):
        m = json.loads(path.read_text(encoding="utf-8"))
        test = m.get("test") or {}
        metric = MAIN_METRIC[m["task"]]
        # The hand-annotated view of each task: gold topic labels, or multi-reference headlines.
        hand_view = next((v for v in ("test_verified", "multi_reference") if v in test), None)
        hand = (test.get(hand_view) or {}).get(metric)
        ci = m.get("test_ci95") or {}
        rows.append({"task": m["task"], "model": m["model"], "metric": metric, "value": test.get(metric),
                     "hand": hand, "ci": ci.get(metric), "hand_ci": (ci.get(hand_view) or {}).get(metric),
                     "hand_view": hand_view, "test": test, "dataset_version": m["dataset_version"],
                     "variant": m["settings"].get("variant", ""), "note": m.get("note", ""),
                     "wall_time_s": m.get("wall_time_s"), "device": _device(m["settings"])})
    return rows


def _device(settings: dict) -> str:
    device = settings.get("device", "cpu")
    threads = settings.get("torch_threads")
    return f"{device}, {threads} threads" if threads and device == "cpu" else device


LEGEND = ("`test`: topic — macro-F1 against the silver (category-map) labels of the test split; headline — ROUGE-L "
          "(×100) against the published title; retrieval — nDCG@10 on the hand-judged test queries, pooled from the "
          "systems named under the judgments table; `judged@10` is the share of a system's top 10 that was judged "
          "(unjudged documents count as not relevant, so below 1 the nDCG@10 is a lower bound). `hand-annotated "
          "test`: topic — macro-F1 on the manually labeled `test_verified` split; headline — multi-reference ROUGE-L "
          "(published title + hand-written references) on the `headline_refs` articles. `time`: wall time of the "
          "whole run (training, validation selection, test predictions) on the device shown.")
SIGNIFICANCE_LEGEND = ("`[lo, hi]`: 95% percentile-bootstrap interval over test items (retrieval: queries), 1,000 "
                       "seeded resamples (`test_ci95` in metrics.json). `≈`: this model's difference from the best "
                       "model of the task on that view is not significant at 0.05 (paired approximate randomization "
                       "test, `results/<task>/significance.json`); a model without an interval has no committed "
                       "per-item files, so it was not tested and carries no mark.")


def format_leaderboard(rows: list[dict], significance: dict[str, dict] | None = None) -> str:
    """Markdown table of the main metric (95% CI) on the test split and on its hand-annotated view, then `LEGEND`.

    `significance`: task -> its significance.json; `≈` marks models not significantly better or worse than the task's
    best on that view."""
    marks = _marks(rows, significance or {})
    lines = ["| task | model | variant | main metric | test [95% CI] | hand-annotated test [95% CI] | time | "
             "dataset version |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        time_ = f"{r['wall_time_s'] / 60:.0f} min ({r['device']})" if r.get("wall_time_s") else "—"
        value = format_ci(r["value"], r.get("ci")) + marks.get((r["task"], r["model"], "test"), "")
        if "judged_at_10" in r["test"]:
            value += f" (judged@10 {r['test']['judged_at_10']:.2f})"
        hand = format_ci(r["hand"], r.get("hand_ci")) + marks.get((r["task"], r["model"], r.get("hand_view")), "")
        lines.append(f"| {r['task']} | {r['model']} | {r['variant']} | {r['metric']} | {value} | "
                     f"{hand} | {time_} | {r['dataset_version']} |")
    return "\n".join(lines + ["", LEGEND, "", SIGNIFICANCE_LEGEND])


def _marks(rows: list[dict], significance: dict[str, dict]) -> dict[tuple[str, str, str], str]:
    """(task, model, view) -> ` ≈` where `significance_marks` puts one."""
    out = {}
    for task in {r["task"] for r in rows}:
        task_rows = [r for r in rows if r["task"] == task]
        for view, key in (("test", "value"), (task_rows[0].get("hand_view"), "hand")):
            marks = significance_marks(significance.get(task), {r["model"]: r[key] for r in task_rows},
                                       task_rows[0]["metric"], view)
            out |= {(task, model, view): f" {mark}" for model, mark in marks.items() if mark}
    return out


def load_leaderboard(results_dir: Path = RESULTS_DIR) -> str:
    """`format_leaderboard` of the committed results with their significance files."""
    rows = leaderboard(results_dir)
    tasks = {r["task"] for r in rows}
    return format_leaderboard(rows, {t: s for t in tasks if (s := load_significance(t, results_dir))})
