"""The benchmark's metrics: pure functions in `scores`, wrapped as local `evaluate` modules that load offline."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from .arabic import ArabicTokenizer, tokenize
from .scores import headline_scores, judged_at_k, retrieval_scores, topic_scores

_HERE = Path(__file__).resolve().parent

METRICS: dict[str, Path] = {
    "topic": _HERE / "topic_metrics",
    "headline": _HERE / "headline_metrics",
    "retrieval": _HERE / "retrieval_metrics",
}


def load_metric(task: str, **kwargs):
    """The task's metric as an `evaluate` module, loaded from this package (no Hub access)."""
    import evaluate

    if task not in METRICS:
        raise KeyError(f"unknown task {task!r}; expected one of {sorted(METRICS)}")
    return evaluate.load(str(METRICS[task]), **kwargs)


def retrieval_inputs(qrels: Mapping[str, Mapping[str, int]], run: Mapping) -> dict[str, list[str]]:
    """`compute(**retrieval_inputs(qrels, run))` columns for the retrieval module: one row per judged query."""
    query_ids = list(qrels)

    def ranking_json(ranking) -> str:
        pairs = ranking.items() if isinstance(ranking, Mapping) else ranking
        return json.dumps([[doc_id, float(score)] for doc_id, score in pairs], ensure_ascii=False)

    return {
        "query_id": query_ids,
        "predictions": [ranking_json(run.get(q, {})) for q in query_ids],
        "references": [json.dumps({d: int(g) for d, g in qrels[q].items()}, ensure_ascii=False) for q in query_ids],
    }


__all__ = [
    "METRICS",
    "ArabicTokenizer",
    "headline_scores",
    "judged_at_k",
    "load_metric",
    "retrieval_inputs",
    "retrieval_scores",
    "tokenize",
    "topic_scores",
]
