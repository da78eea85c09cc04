"""`arnews-ds build`: its options and its run, including the choice of engine (DESIGN §11); the build is `build.py`.

Light at import (argparse and pathlib only), so `arnews-ds --help` stays instant."""
from __future__ import annotations

import argparse
from pathlib import Path

EX_TEMPFAIL = 75  # Slurm: the pipeline's jobs were submitted; the same command, run again later, finishes the build


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", help="output folder (default: the arnews_ds/ package folder)")
    p.add_argument("--update-expected", action="store_true", help="rewrite the committed expected stats on purpose")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument("--engine", choices=("inprocess", "datatrove"), default="inprocess",
                   help="run ingest + dedup in this process, or as a datatrove pipeline (README: Bigger than one "
                        "machine)")
    p.add_argument("--executor", choices=("local", "ray", "slurm"), default="local",
                   help="datatrove executor: local processes, a Ray cluster ($RAY_ADDRESS), or Slurm jobs")
    p.add_argument("--workers", type=int, help="parallel tasks (default: min(4, CPUs))")
    p.add_argument("--work", help="datatrove working folder, shared by every worker; kept, and resumed when run "
                                  "again (default: a temporary folder)")
    p.add_argument("--slurm", nargs=2, metavar=("PARTITION", "TIME"), default=("cpu", "04:00:00"),
                   help="Slurm partition and time limit of each pipeline job (default: cpu 04:00:00)")


def run(args: argparse.Namespace, raw: Path, out: Path) -> int:
    """Build `out` from `raw` with the chosen engine; print the accounting and the row counts."""
    from .build import build
    from .distributed.pipeline import PipelineSubmitted
    from .engines import Engine

    engine = Engine(args.engine, args.executor, args.workers, args.work and Path(args.work),
                    slurm=dict(zip(("partition", "time"), args.slurm)))
    try:
        result = build(raw, out, progress=not args.quiet, update_expected=args.update_expected, engine=engine)
    except PipelineSubmitted as e:
        print(e)
        return EX_TEMPFAIL
    print(result.accounting)
    print(f"built dataset v{result.manifest['version']} in {result.out}: "
          + ", ".join(f"{c}={sum(s.values()):,}" for c, s in result.stats["configs"].items()))
    return 0 if result.stats["balanced"] else 1
