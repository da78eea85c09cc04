"""Per-item results a user can score alone, and the published test numbers derived from them.

Committed next to each `metrics.json` (none of them holds article text):
- topic `predictions.jsonl`: one row per predicted test article — `id`, `split`, `label` (its hand-made gold label,
  the one it is scored against) and `pred`;
- headline `item_scores.jsonl`: one row per test article and reference set — per-item ROUGE and the chrF/BLEU
  sufficient statistics (n-gram counts). The predictions quote article bodies and stay out of git;
- retrieval `run.<split>.trec` (ids and scores, TREC format; variants not chosen as `run.test.<variant>.trec`) and
  `qrels.<split>.txt`, the judgments that were scored (TREC qrels format).

A task's results are grouped in *views*: `""` is the `test` block, a named view a nested block of it (headline
`multi_reference`). Each view maps item id -> item. The runner scores these views, so
recomputing from the committed files reproduces every published test number.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from ..metrics.scores import (CORPUS_METRICS, ROUGE_TYPES, corpus_score_from_statistics, corpus_statistics,
                              headline_item_scores, judged_at_k, retrieval_query_scores, topic_scores)
from ..metrics.uncertainty import Statistic, corpus_statistic, mean_statistic, topic_statistics
from ..trec import read_qrels, read_run, read_text, write_file

Views = dict[str, dict[str, object]]  # view -> item id -> item
# Metrics that get a confidence interval and a significance test (the main metric first).
CI_METRICS = {"topic": ("macro_f1", "accuracy"), "headline": ("rougeL", "rouge1", "rouge2", "chrf"),
              "retrieval": ("ndcg_at_10", "mrr_at_10", "recall_at_100", "map")}
HEADLINE_VIEWS = {"published_title": "", "published_title+hand_written": "multi_reference"}


# ------------------------------------------------------------------------------------------------------ topic
def topic_rows(predictions: list[dict]) -> list[dict]:
    """Prediction rows with the label each is scored against: the test split's hand-made gold label."""
    return [{"id": p["id"], "split": "test", "label": p["gold"], "pred": p["pred"]} for p in predictions]


def topic_views(rows: list[dict]) -> Views:
    """`""`: the `test` rows against their gold label."""
    return {"": {r["id"]: (r["label"], r["pred"]) for r in rows if r["split"] == "test"}}


# --------------------------------------------------------------------------------------------------- headline
def headline_rows(ids: list[str], predictions: list[str], titles: list[str],
                  hand: Mapping[str, list[str]]) -> list[dict]:
    """Per-item scores of the predictions against the published titles, and on the articles with hand-written
    references against the title plus those references."""
    rows = []
    subset = [i for i, id_ in enumerate(ids) if id_ in hand]
    for references, positions in (("published_title", range(len(ids))), ("published_title+hand_written", subset)):
        if not positions:
            continue
        preds = [predictions[i] for i in positions]
        refs = [[titles[i], *hand.get(ids[i], [])] if references != "published_title" else titles[i]
                for i in positions]
        stats = corpus_statistics(preds, refs)
        for k, (i, item) in enumerate(zip(positions, headline_item_scores(preds, refs))):
            rows.append({"id": ids[i], "split": "test", "references": references, **item,
                         **{f"{name}_stats": stats[name][k] for name in CORPUS_METRICS}})
    return rows


def headline_views(rows: list[dict]) -> Views:
    views: Views = {}
    for r in rows:
        views.setdefault(HEADLINE_VIEWS[r["references"]], {})[r["id"]] = r
    return views


# -------------------------------------------------------------------------------------------------- retrieval
def retrieval_views(qrels: Mapping[str, Mapping[str, int]], run: Mapping) -> Views:
    return {"": dict(retrieval_query_scores(qrels, run))}


# ---------------------------------------------------------------------------------------------------- scoring
def _view_scores(task: str, items: list, label_names: list[str]) -> dict[str, float]:
    if task == "topic":
        index = {name: i for i, name in enumerate(label_names)}
        return topic_scores([index[g] for g, _ in items], [index[p] for _, p in items], label_names)
    if task == "headline":
        rouge = [name + suffix for suffix in ("", "_stem") for name in ROUGE_TYPES]
        scores = {name: sum(r[name] for r in items) / len(items) for name in rouge}
        for name in CORPUS_METRICS:
            scores[name] = corpus_score_from_statistics(name, [sum(col) for col in zip(*(r[f"{name}_stats"]
                                                                                           for r in items))])
        return scores
    return {name: sum(q[name] for q in items) / len(items) for name in CI_METRICS["retrieval"]}


def score_views(task: str, views: Views, label_names: list[str] | None = None) -> dict:
    """The published `test` block: the top view's scores, each named view nested with its item count `n`."""
    test = {}
    for view, items in views.items():
        scores = _view_scores(task, list(items.values()), label_names or [])
        if view:
            test[view] = {"n": len(items), **scores}
        else:
            test |= scores
    return test


def view_statistics(task: str, items: list, label_names: list[str] | None = None) -> dict[str, Statistic]:
    """The CI metrics of one view as resampleable statistics (items in the order given)."""
    if task == "topic":
        index = {name: i for i, name in enumerate(label_names or [])}
        return topic_statistics([index[g] for g, _ in items], [index[p] for _, p in items], len(index))
    if task == "headline":
        out = {name: mean_statistic([r[name] for r in items]) for name in ROUGE_TYPES}
        out["chrf"] = corpus_statistic([r["chrf_stats"] for r in items],
                                       lambda summed: corpus_score_from_statistics("chrf", summed))
        return {name: out[name] for name in CI_METRICS["headline"]}
    return {name: mean_statistic([q[name] for q in items]) for name in CI_METRICS["retrieval"]}


def nest(per_view: Mapping[str, dict]) -> dict:
    """{"": {...}, "v": {...}} -> {..., "v": {...}} (the layout of the `test` block)."""
    out = dict(per_view.get("", {}))
    out |= {view: values for view, values in per_view.items() if view}
    return out


# ------------------------------------------------------------------------------------------------- file edges
def write_jsonl(path: Path, rows: list[dict]) -> Path:
    """JSON Lines, gzipped (`<path>.gz`, no timestamp: byte-identical reruns) when large (`trec.write_file`)."""
    return write_file(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8"))


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in read_text(path).splitlines() if line.strip()]


def load_views(task: str, folder: Path) -> tuple[Views, dict]:
    """A committed result's views and its metrics.json, from the files in `folder` alone."""
    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    if task == "topic":
        return topic_views(read_jsonl(folder / "predictions.jsonl")), metrics
    if task == "headline":
        return headline_views(read_jsonl(folder / "item_scores.jsonl")), metrics
    return retrieval_views(read_qrels(folder / "qrels.test.txt"), read_run(folder / "run.test.trec")), metrics


def rescore(task: str, folder: Path) -> dict:
    """The `test` block of a committed result, recomputed from its committed per-item files alone."""
    views, metrics = load_views(task, folder)
    test = score_views(task, views, metrics.get("label_names"))
    if task == "retrieval":
        test["judged_at_10"] = judged_at_k(read_qrels(folder / "qrels.test.txt"), read_run(folder / "run.test.trec"))
    return test
