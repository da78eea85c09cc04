"""Baselines (DESIGN §2 `baselines`): pure functions from task data to predictions, in a plain registry.

Every baseline takes a `TaskData` (the fixed splits of one task, loaded by the task's loader in `data.py`) and
`Options`, trains on `train`, chooses its settings on `validation` only, and returns a `BaselineResult` with test
predictions (and the validation scores it selected on). `runner.py` owns scoring with our metrics, timing and
writing files. Heavy imports (sklearn, bm25s, torch) happen inside the baseline functions.
"""
from __future__ import annotations

from .types import Baseline, BaselineResult, Options, TaskData

MODEL_NAMES = ("tfidf", "transformer")


def _registry() -> dict[tuple[str, str], Baseline]:
    # Imported here so `import arnews_ds.baselines` stays light; each module imports its heavy deps lazily too.
    from . import biencoder, lexical, tfidf, transformer

    return {
        ("topic", "tfidf"): tfidf.topic,
        ("headline", "tfidf"): tfidf.headline,
        ("retrieval", "tfidf"): lexical.retrieval,
        ("topic", "transformer"): transformer.topic,
        ("headline", "transformer"): transformer.headline,
        ("retrieval", "transformer"): biencoder.retrieval,
    }


def get_baseline(task: str, model: str) -> Baseline:
    return _registry()[(task, model)]


__all__ = ["MODEL_NAMES", "Baseline", "BaselineResult", "Options", "TaskData", "get_baseline"]
