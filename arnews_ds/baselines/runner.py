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


def score(task: str, data: TaskData, result: BaselineResult) -> dict | None:
    """Test metrics of a result with our metrics; None for retrieval without test judgments."""
    from ..metrics.scores import headline_scores, judged_at_k, retrieval_scores, topic_scores

    if task == "topic":
        index = {name: i for i, name in enumerate(data.label_names)}
        silver = [p for p in result.predictions if p["id"] not in data.verified_only]
        scores = topic_scores([index[p["gold"]] for p in silver], [index[p["pred"]] for p in silver], data.label_names)
        subset = [p for p in result.predictions if p["id"] in data.verified]
        if subset:
            # The manually labeled test articles, scored against their gold labels (the label-noise-free score).
            scores["test_verified"] = {"n": len(subset), **topic_scores(
                [index[data.verified[p["id"]]] for p in subset], [index[p["pred"]] for p in subset], data.label_names)}
        return scores
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
        with (out / f"run.{split}.trec").open("w", encoding="utf-8") as f:
            for qid in sorted(run):
                for rank, (doc, s) in enumerate(run[qid], start=1):
                    f.write(f"{qid} Q0 {doc} {rank} {s:.6f} arnews-{model}\n")


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
        "n_test": len(data.test) - len(data.verified_only),
        "wall_time_s": round(wall, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    if test is None:
        summary["note"] = NO_JUDGMENTS
    if out is not None:
        write_outputs(out, task, model, result, summary)
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
        hand = (test.get("test_verified") or test.get("multi_reference") or {}).get(metric)
        rows.append({"task": m["task"], "model": m["model"], "metric": metric, "value": test.get(metric),
                     "hand": hand, "test": test, "dataset_version": m["dataset_version"],
                     "variant": m["settings"].get("variant", ""), "note": m.get("note", ""),
                     "wall_time_s": m.get("wall_time_s"), "device": _device(m["settings"])})
    return rows


def _device(settings: dict) -> str:
    device = settings.get("device", "cpu")
    threads = settings.get("torch_threads")
    return f"{device}, {threads} threads" if threads and device == "cpu" else device


def _fmt(value) -> str:
    return f"{value:.4g}" if isinstance(value, (int, float)) else "—"


LEGEND = ("`test`: topic — macro-F1 against the silver (category-map) labels of the test split; headline — ROUGE-L "
          "(×100) against the published title; retrieval — nDCG@10 on the hand-judged test queries, pooled from the "
          "systems named under the judgments table; `judged@10` is the share of a system's top 10 that was judged "
          "(unjudged documents count as not relevant, so below 1 the nDCG@10 is a lower bound). `hand-annotated "
          "test`: topic — macro-F1 on the manually labeled `test_verified` split; headline — multi-reference ROUGE-L "
          "(published title + hand-written references) on the `headline_refs` articles. `time`: wall time of the "
          "whole run (training, validation selection, test predictions) on the device shown.")


def format_leaderboard(rows: list[dict]) -> str:
    """Markdown table of the main metric on the test split and on its hand-annotated view, then `LEGEND`."""
    lines = ["| task | model | variant | main metric | test | hand-annotated test | time | dataset version |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        time_ = f"{r['wall_time_s'] / 60:.0f} min ({r['device']})" if r.get("wall_time_s") else "—"
        value = _fmt(r["value"])
        if "judged_at_10" in r["test"]:
            value += f" (judged@10 {r['test']['judged_at_10']:.2f})"
        lines.append(f"| {r['task']} | {r['model']} | {r['variant']} | {r['metric']} | {value} | "
                     f"{_fmt(r['hand'])} | {time_} | {r['dataset_version']} |")
    return "\n".join(lines + ["", LEGEND])
