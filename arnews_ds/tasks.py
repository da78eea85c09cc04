"""The benchmark task registry (DESIGN §8): one validated `BenchmarkTask` per task, like mteb's `TaskMetadata`.

A task names the HF configs it reads (`configs.py`), its main metric and the local `evaluate` module that computes
it (`metrics/`), the hand-annotated view of its test score, and the loader that turns a built dataset into
`TaskData`. The runner, the leaderboard and the card read these records; nothing re-declares them.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .baselines.data import load_headline, load_retrieval, load_topic
from .baselines.types import TaskData
from .configs import CONFIGS

METRICS_DIR = Path(__file__).resolve().parent / "metrics"
# Hand-annotated views a runner writes into the test scores (see `baselines/runner.score`).
HAND_VIEWS = ("multi_reference",)


class TaskSpecError(ValueError):
    """A registry entry that contradicts the config registry or the metric modules."""


@dataclass(frozen=True)
class BenchmarkTask:
    name: str
    description: str
    configs: tuple[str, ...]  # HF configs the task reads, all in `CONFIGS`
    main_metric: str  # the leaderboard's column: a key of the metric module's scores
    metric_module: str  # local `evaluate` module: arnews_ds/metrics/<metric_module>/<metric_module>.py
    load: Callable[[Path], TaskData]  # built dataset folder -> the task's splits
    hand_view: str | None = None  # key of the test score on the hand-annotated subset, when there is one

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", self.name):
            raise TaskSpecError(f"task name {self.name!r} is not a lowercase slug")
        unknown = [c for c in self.configs if c not in CONFIGS]
        if not self.configs or unknown:
            raise TaskSpecError(f"task {self.name}: unknown configs {unknown or '(none given)'}")
        if not (METRICS_DIR / self.metric_module / f"{self.metric_module}.py").is_file():
            raise TaskSpecError(f"task {self.name}: no metric module {self.metric_module!r} under {METRICS_DIR}")
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", self.main_metric):
            raise TaskSpecError(f"task {self.name}: main metric {self.main_metric!r} is not a score key")
        if self.hand_view not in (None, *HAND_VIEWS):
            raise TaskSpecError(f"task {self.name}: hand_view must be one of {HAND_VIEWS} or None")
        if not callable(self.load):
            raise TaskSpecError(f"task {self.name}: load must be callable")


TASKS: dict[str, BenchmarkTask] = {
    "topic": BenchmarkTask(
        "topic", "Topic classification into the unified taxonomy (silver train/validation labels; the test labels "
        "are hand-made).", ("topic",), "macro_f1", "topic_metrics", load_topic),
    "headline": BenchmarkTask(
        "headline", "Headline generation from the body, scored against the published title (and hand-written "
        "references on the headline_refs subset).",
        ("headline", "headline_refs"), "rougeL", "headline_metrics", load_headline, hand_view="multi_reference"),
    "retrieval": BenchmarkTask(
        "retrieval", "Related-article retrieval (BEIR layout) on hand-judged queries; a query's own id is ignored.",
        ("corpus", "queries", "qrels", "articles"), "ndcg_at_10", "retrieval_metrics", load_retrieval),
}
