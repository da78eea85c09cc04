"""Engines for the stages up to the de-duplicated article set: raw files -> (`Ingest`, `Clusters`) (DESIGN §11).

`inprocess` (the default) holds every article and signature in one process; `datatrove` runs the same stages as a
datatrove pipeline on a local, Ray or Slurm executor and returns the same records. Both take the raw files the
build hands over (a verified list, per source), so they plug into the same verified-input path.
"""
from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .ingest import default_workers


@dataclass(frozen=True)
class Engine:
    """Which engine runs ingest + dedup, and how (the executor settings matter to `datatrove` only)."""

    name: str = "inprocess"
    executor: str = "local"  # local | ray | slurm
    workers: int | None = None  # None: min(4, CPUs)
    work: Path | None = None  # datatrove's working folder; None: a temporary folder, removed afterwards
    partitions: int | None = None  # None: one per 32 MB of raw input (at least `workers`)
    slurm: dict = field(default_factory=dict)  # partition, time, venv (activate script), sbatch_args

    def __post_init__(self) -> None:
        if self.name not in ENGINES:
            raise EngineError(f"unknown engine {self.name!r} (choose from {', '.join(ENGINES)})")
        if self.name == "inprocess" and (self.executor != "local" or self.work):
            raise EngineError("--executor and --work apply to --engine datatrove only")
        if self.workers is None:
            object.__setattr__(self, "workers", default_workers())


class EngineError(ValueError):
    """An engine asked for with settings it does not take."""


def run_inprocess(files: dict[str, list[Path]], engine: Engine, progress: bool = False,
                  keep: frozenset[str] = frozenset()):
    from .dedup import find_clusters
    from .ingest import ingest

    result = ingest(files, progress=progress, workers=engine.workers)
    return result, find_clusters(result.articles, keep=keep)


def run_datatrove(files: dict[str, list[Path]], engine: Engine, progress: bool = False,
                  keep: frozenset[str] = frozenset()):
    from .distributed.pipeline import load_result, run_pipeline

    work = engine.work or Path(tempfile.mkdtemp(prefix="arnews-datatrove-"))
    try:
        plan = run_pipeline(files, work, engine.executor, engine.workers, engine.partitions, engine.slurm, keep)
        return load_result(work, plan)
    finally:
        if engine.work is None:
            shutil.rmtree(work, ignore_errors=True)


ENGINES: dict[str, Callable] = {"inprocess": run_inprocess, "datatrove": run_datatrove}


def ingest_and_dedup(files: dict[str, list[Path]], engine: Engine | None = None, progress: bool = False,
                     keep: frozenset[str] = frozenset()):
    """(`Ingest`, `Clusters`) of the raw files with the chosen engine; both engines give equal results.

    `keep`: released ids, which stay their clusters' representatives and are never merged together (`dedup`)."""
    engine = engine or Engine()
    return ENGINES[engine.name](files, engine, progress, frozenset(keep))


def agreement(a, b) -> dict:
    """How far two engines' (`Ingest`, `Clusters`) agree: kept ids, clusters, and pairwise cluster precision/recall/F1
    of `b` against `a` (a pair: two articles in one cluster)."""
    (ingest_a, clusters_a), (ingest_b, clusters_b) = a, b
    kept_a = {i for i, rep in clusters_a.cluster_of.items() if i == rep}
    kept_b = {i for i, rep in clusters_b.cluster_of.items() if i == rep}
    sets_a = {frozenset((c.representative, *c.members)) for c in clusters_a.clusters}
    sets_b = {frozenset((c.representative, *c.members)) for c in clusters_b.clusters}
    pairs_a, pairs_b = _pairs(sets_a), _pairs(sets_b)
    both = len(pairs_a & pairs_b)
    precision = both / len(pairs_b) if pairs_b else 1.0
    recall = both / len(pairs_a) if pairs_a else 1.0
    return {
        "articles": [len(ingest_a.articles), len(ingest_b.articles)],
        "same_articles": ingest_a.articles == ingest_b.articles,
        "same_accounting": ingest_a.accounting == ingest_b.accounting,
        "kept": [len(kept_a), len(kept_b)],
        "kept_only_in_first": sorted(kept_a - kept_b), "kept_only_in_second": sorted(kept_b - kept_a),
        "clusters": [len(sets_a), len(sets_b)],
        "clusters_differing": len(sets_a ^ sets_b),
        "same_clusters": clusters_a == clusters_b,
        "pairwise_precision": precision, "pairwise_recall": recall,
        "pairwise_f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
    }


def _pairs(groups) -> set[tuple[str, str]]:
    return {(x, y) for g in groups for x in g for y in g if x < y}
