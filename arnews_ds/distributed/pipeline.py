"""Raw files -> `Ingest` + `Clusters` through a datatrove pipeline on a local, Ray or Slurm executor (DESIGN §11).

Six stages, each a datatrove executor over its own tasks, each reading what the one before wrote in the working
folder (local, or any filesystem every worker shares): read -> merge -> buckets -> verify -> cluster -> filter.
Tasks are independent within a stage, so a stage spreads over as many workers or nodes as it has tasks; only
`cluster` is a single task, and it holds a few fields per article, never the text. The result does not depend on
the number of workers or partitions: every stage sorts what it reads (see `records`).
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..ingest import Ingest, OutletCount
from . import records as rec

EXECUTORS = ("local", "ray", "slurm")
_PARTITION_BYTES = 32 << 20  # raw (compressed) bytes per partition: a merge task then holds ~40k articles


class PipelineError(RuntimeError):
    """The pipeline cannot run or failed (a clear one-line message for the CLI)."""


class PipelineSubmitted(PipelineError):
    """The stages were submitted to Slurm and run on; the same call, made again later, finishes."""


@dataclass(frozen=True)
class Plan:
    """What the pipeline runs on: the raw files in reading order and how the work is cut."""

    files: list[tuple[str, str]]  # (source format, path), in the in-process engine's reading order
    partitions: int
    shards: int  # verify tasks
    bands: int
    rows: int
    readers: int  # read tasks (each reads every `readers`-th file)
    bucketers: int  # buckets tasks (each takes every `bucketers`-th band)
    keep: tuple[str, ...] = ()  # released ids (sorted): they stay representatives, never two in one cluster

    def manifest(self) -> dict:
        return {"files": [[fmt, path, Path(path).stat().st_size] for fmt, path in self.files],
                "partitions": self.partitions, "shards": self.shards, "bands": self.bands, "rows": self.rows,
                "readers": self.readers, "bucketers": self.bucketers,
                "keep_sha256": hashlib.sha256("\n".join(self.keep).encode()).hexdigest()}


def make_plan(files: dict[str, list[Path]], workers: int, partitions: int | None = None,
              keep: Iterable[str] = ()) -> Plan:
    from ..dedup import lsh_bands

    flat = [(fmt, str(p)) for fmt, paths in files.items() for p in paths]
    total = sum(Path(p).stat().st_size for _, p in flat)
    parts = partitions or max(workers, -(-total // _PARTITION_BYTES), 1)
    bands, rows = lsh_bands()
    # A few tasks per worker: enough to balance uneven files, few enough that starting tasks (a Ray actor, a
    # Slurm array element) costs little next to their work.
    return Plan(flat, parts, max(workers, 1), bands, rows, max(min(len(flat), 4 * workers), 1),
                max(min(bands, 2 * workers), 1), tuple(sorted(set(keep))))


def stages(plan: Plan, work: str) -> list[tuple[str, list, int]]:
    """(name, pipeline, tasks) of each stage, in order."""
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from .dedup_steps import ClusterIds, KeepRepresentatives, LshBuckets, VerifyPairs
    from .ingest_steps import MergeSign, ReadRaw

    def writer(sub: str, name: str) -> JsonlWriter:
        return JsonlWriter(f"{work}/{sub}", output_filename=name, compression=None)

    return [
        ("read", [ReadRaw(plan.files, plan.partitions), writer(rec.RECORDS, "${bucket}/${rank}.jsonl")],
         plan.readers),
        ("merge", [MergeSign(work), writer(rec.MERGED, "${rank}.jsonl")], plan.partitions),
        ("buckets", [LshBuckets(work, plan.partitions, plan.shards, plan.bands, plan.rows)], plan.bucketers),
        ("verify", [VerifyPairs(work, plan.partitions, plan.bands, every_pair=bool(plan.keep))], plan.shards),
        ("cluster", [ClusterIds(work, plan.partitions, plan.shards, plan.keep)], 1),
        ("filter", [JsonlReader(f"{work}/{rec.MERGED}", compression=None), KeepRepresentatives(work),
                    writer(rec.KEPT, "${rank}.jsonl")], plan.partitions),
    ]


# Local and Ray stages run one after the other from `run_pipeline` (no `depends`: datatrove would poll a failed
# dependency forever); Slurm stages are submitted at once, each held until the one it depends on has finished.
def _local(pipeline, tasks, workers, logs, depends, **_):
    from datatrove.executor import LocalPipelineExecutor

    return LocalPipelineExecutor(pipeline, tasks=tasks, workers=min(workers, tasks), logging_dir=logs,
                                 start_method="fork")


def _ray(pipeline, tasks, workers, logs, depends, **_):
    from datatrove.executor import RayPipelineExecutor

    # One Ray actor per task (an actor running several tasks runs them at once: memory would add up). Memory per
    # task is a scheduling hint; a merge task needs ~1 GB.
    return RayPipelineExecutor(pipeline, tasks=tasks, workers=workers, logging_dir=logs, cpus_per_task=1,
                               mem_per_cpu_gb=1)


def _slurm(pipeline, tasks, workers, logs, depends, name, slurm):
    from datatrove.executor import SlurmPipelineExecutor

    activate = Path(sys.prefix) / "bin" / "activate"  # the jobs run in the environment that submits them

    return SlurmPipelineExecutor(pipeline, tasks=tasks, workers=workers, logging_dir=logs, depends=depends,
                                 job_name=f"arnews-{name}", time=slurm.get("time", "04:00:00"),
                                 partition=slurm.get("partition", "cpu"), cpus_per_task=1, mem_per_cpu_gb=4,
                                 venv_path=slurm.get("venv") or (str(activate) if activate.exists() else None),
                                 sbatch_args=slurm.get("sbatch_args"))


_MAKERS: dict[str, Callable] = {"local": _local, "ray": _ray, "slurm": _slurm}


def executors(plan: Plan, work: str, executor: str = "local", workers: int = 1, slurm: dict | None = None) -> list:
    """One datatrove executor per stage, each depending on the one before."""
    if executor not in _MAKERS:
        raise PipelineError(f"unknown executor {executor!r} (choose from {', '.join(EXECUTORS)})")
    out: list = []
    for name, pipeline, tasks in stages(plan, work):
        out.append(_MAKERS[executor](pipeline, tasks, workers, f"{work}/{rec.LOGS}/{name}",
                                     out[-1] if out else None, name=name, slurm=slurm or {}))
    return out


def run_pipeline(files: dict[str, list[Path]], work: Path, executor: str = "local", workers: int = 1,
                 partitions: int | None = None, slurm: dict | None = None, keep: Iterable[str] = ()) -> Plan:
    """Run (or resume) every stage in `work`; on Slurm, submit them and raise `PipelineError` until they are done.

    A completed task is never re-run, so a second call on the same `work` resumes; a working folder made for other
    inputs is refused."""
    try:
        import datatrove  # noqa: F401
    except ImportError:
        raise PipelineError("the datatrove engine needs the datatrove extra: pip install -e '.[datatrove]'") from None
    plan = make_plan(files, workers, partitions, keep)
    work.mkdir(parents=True, exist_ok=True)
    marker = work / "plan.json"
    manifest = plan.manifest()
    if marker.exists() and json.loads(marker.read_text(encoding="utf-8")) != manifest:
        raise PipelineError(f"{work} holds a pipeline run on other inputs or settings: use a new --work folder")
    marker.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    if executor == "ray":
        _connect_ray()
    chain = executors(plan, str(work), executor, workers, slurm)
    if executor == "slurm":
        if not all(_complete(ex) for ex in chain):
            submitted = work / "slurm-submitted"
            if submitted.exists():  # resubmitting would run the pending tasks twice
                raise PipelineSubmitted(f"the Slurm jobs submitted for {work} have not all finished; if they "
                                        f"failed, delete {submitted} and run again to resubmit the unfinished tasks")
            chain[-1].run()  # submits every stage not yet complete, each after the one it depends on
            submitted.touch()
            raise PipelineSubmitted(f"submitted the pipeline to Slurm (logs in {work / rec.LOGS}); "
                                    "run the same command again once its jobs have finished")
        return plan
    seconds: dict[str, float] = {}
    for ex in chain:
        t0 = time.perf_counter()
        ex.run()
        seconds[Path(ex.logging_dir.path).name] = round(time.perf_counter() - t0, 1)
        if not _complete(ex):
            raise PipelineError(f"a {executor} pipeline task failed: see {ex.logging_dir.path}/logs")
    # Wall seconds per stage of this call (a resumed stage counts only what was left): where time goes at scale.
    (work / rec.LOGS / "stage_seconds.json").write_text(json.dumps(seconds) + "\n", encoding="utf-8")
    return plan


def _complete(executor) -> bool:
    return not executor.get_incomplete_ranks(skip_completed=True)


def _connect_ray() -> None:
    """Join the cluster $RAY_ADDRESS names (`auto`: the one `ray start` made here), else start a one-node Ray."""
    try:
        import ray
    except ImportError:
        raise PipelineError("--executor ray needs the ray extra: pip install -e '.[ray]'") from None
    if not ray.is_initialized():
        ray.init(address=os.environ.get("RAY_ADDRESS"), include_dashboard=False, log_to_driver=False)


def load_result(work: Path, plan: Plan):
    """The pipeline's outputs as the in-process engine's (`Ingest`, `Clusters`): articles and rejections in reading
    order, the per-outlet counts, and the clusters from `duplicates.tsv`."""
    from datatrove.io import get_datafolder

    from ..dedup import clusters_from_records
    from .dedup_steps import read_duplicates

    folder = get_datafolder(str(work))
    articles = sorted(((d.metadata["seq"], rec.article_of(d)) for d in rec.read_documents(folder, rec.MERGED)),
                      key=lambda t: t[0])
    rejections = sorted(((d.metadata["seq"], d.metadata["fmt"], rec.rejection_of(d))
                         for d in rec.read_documents(folder, f"{rec.RECORDS}/{rec.REJECTIONS}")), key=lambda t: t[0])
    accounting: dict[tuple[str, str, str], OutletCount] = {}

    def count(key: tuple[str, str, str]) -> OutletCount:
        return accounting.setdefault(key, OutletCount())

    for _, fmt, r in rejections:
        c = count((fmt, r.corpus or "-", r.outlet or "-"))
        c.read += 1
        c.rejected[r.code] += 1
    for p in range(plan.partitions):
        with folder.open(f"{rec.COUNTS}/p{p:05d}.json", "r") as f:
            counts = json.load(f)
        for field in ("read", "kept", "merged"):
            for fmt, corpus, outlet, n in counts[field]:
                c = count((fmt, corpus, outlet))
                setattr(c, field, getattr(c, field) + n)
    ingest = Ingest([a for _, a in articles], [r for _, _, r in rejections], dict(sorted(accounting.items())))
    return ingest, clusters_from_records((a.id for a in ingest.articles), read_duplicates(folder))


def summary(work: Path) -> dict:
    """Raw records read and articles in the de-duplicated set, from a finished local working folder (no articles
    are loaded)."""
    def lines(sub: Path) -> int:
        return sum(sum(1 for _ in p.open("rb")) for p in sorted(sub.glob("*.jsonl")))

    read = sum(n for p in (work / rec.COUNTS).glob("*.json")
               for *_, n in json.loads(p.read_text(encoding="utf-8"))["read"])
    timings = work / rec.LOGS / "stage_seconds.json"
    return {"articles_in": read + lines(work / rec.RECORDS / rec.REJECTIONS), "articles_out": lines(work / rec.KEPT),
            **({"stage_s": json.loads(timings.read_text(encoding="utf-8"))} if timings.exists() else {})}
