"""Analyses over the committed `results/` folder that need more than one result (DESIGN §10): the retrieval pool-bias
file, from the pool file, the test judgments and every committed test run. `arnews-ds pool-bias` is the command-line
edge; the computation itself is pure (`metrics/pool_bias.py`), significance tests live in `significance.py`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..annotations import POOL_FILES
from ..metrics.pool_bias import pool_bias, read_pools
from ..paths import ANNOTATIONS, PACKAGE_DIR, RESULTS_DIR
from ..trec import Qrels, read_qrels, read_run, read_run_tag


@dataclass(frozen=True)
class PoolBiasReport:
    bias: dict[str, dict]  # system -> the `pool_bias` numbers
    path: Path  # where the JSON was written
    outside: list[str]  # judged queries the pool file does not list (scored, but nothing is unique to a system)


def committed_runs(results_dir: Path = RESULTS_DIR) -> dict[str, Path]:
    """Every committed retrieval test run, by its TREC run tag (the system name the pool file uses); the first file
    of a tag in path order wins."""
    runs: dict[str, Path] = {}
    for path in sorted(results_dir.glob("retrieval/*/run.test*.trec*")):
        runs.setdefault(read_run_tag(path), path)
    return runs


def load_test_qrels(qrels_path: Path | None = None, folder: Path = PACKAGE_DIR) -> Qrels:
    """A TREC qrels file, else the test qrels of the build in `folder` (FileNotFoundError before a build)."""
    if qrels_path is not None:
        return read_qrels(qrels_path)
    from ..loading import built_rows

    qrels: Qrels = {}
    for r in built_rows("qrels", "test", folder):
        qrels.setdefault(r["query-id"], {})[r["corpus-id"]] = r["score"]
    return qrels


def write_pool_bias(pool_path: Path | None = None, qrels_path: Path | None = None,
                    run_paths: dict[str, Path] | None = None, out: Path | None = None,
                    folder: Path = PACKAGE_DIR, results_dir: Path = RESULTS_DIR) -> PoolBiasReport:
    """Leave-one-system-out pool bias and judged@k of every run (default: `committed_runs`) against the test
    judgments, written to `out` (default `results/retrieval/pool_bias.json`). ValueError for a pool file without
    contributors (schema v1), no judged query or no run."""
    pool_path = pool_path or ANNOTATIONS / POOL_FILES["test"]
    try:
        pools = read_pools(json.loads(pool_path.read_text(encoding="utf-8")))
    except ValueError as e:
        raise ValueError(f"{pool_path}: {e}") from None
    qrels = load_test_qrels(qrels_path, folder)
    if not qrels:
        raise ValueError("no judged test query in the qrels")
    run_paths = run_paths or committed_runs(results_dir)
    if not run_paths:
        raise ValueError("no runs: pass --run SYSTEM=RUN_FILE (TREC format), or commit results/retrieval/*/run.test.trec")
    bias = pool_bias(pools, qrels, {name: read_run(path) for name, path in run_paths.items()})
    out = out or results_dir / "retrieval" / "pool_bias.json"
    out.write_text(json.dumps(bias, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return PoolBiasReport(bias, out, sorted(set(qrels) - set(pools)))
