"""The records baselines take and return: `TaskData` in, `Options` to steer, `BaselineResult` out."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class TaskData:
    """One task's data as plain rows (dicts with the config's fields)."""

    task: str
    train: list[dict]
    validation: list[dict]
    test: list[dict]
    label_names: list[str] = field(default_factory=list)  # topic
    corpus: list[dict] = field(default_factory=list)  # retrieval: every corpus row (_id, title, text)
    # retrieval: split -> query rows (_id, text) and split -> {query_id: {doc_id: grade}} (empty without judgments)
    queries: dict[str, list[dict]] = field(default_factory=dict)
    qrels: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    # headline: test id -> hand-written reference headlines (the multi-reference subset), empty before annotation
    references: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Options:
    seed: int = 13
    model_name: str | None = None  # transformer: Hub id or local path; None = small model trained from scratch
    tiny: bool = False  # tests: tiny models and few steps
    max_train: int | None = None  # cap on training rows (CPU budgets, tests)
    device: str | None = None


@dataclass
class BaselineResult:
    settings: dict  # everything needed to reproduce the run, incl. the chosen variant
    validation: dict  # validation scores of every variant tried (selection happens on these only)
    # topic: [{"id", "gold", "pred"}]; headline: [{"id", "reference", "prediction"}] (test split)
    predictions: list[dict] = field(default_factory=list)
    # retrieval: split -> query_id -> [(doc_id, score), ...] best first, query's own id removed, <= 100 docs
    runs: dict[str, dict[str, list[tuple[str, float]]]] = field(default_factory=dict)
    # extra test-time variants worth reporting side by side (e.g. every extractive headline baseline)
    extra: dict = field(default_factory=dict)


Baseline = Callable[[TaskData, Options], BaselineResult]
