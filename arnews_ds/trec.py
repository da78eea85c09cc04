"""TREC run and qrels files, plain or gzipped: what retrieval baselines write, and what pooling, pool bias,
significance tests and the reproducibility test read (DESIGN §10).

Run lines are `qid Q0 doc rank score tag`, qrels lines `qid 0 doc grade`. Large committed files are gzipped without
a timestamp (`write_file`), and every reader takes `path` or, when only that exists, `path.gz`; the per-item JSON
Lines of `baselines/items.py` use the same two edges.
"""
from __future__ import annotations

import gzip
from collections.abc import Mapping
from pathlib import Path

Run = dict[str, list[tuple[str, float]]]  # query id -> [(doc id, score), ...] best first
Qrels = dict[str, dict[str, int]]  # query id -> {doc id: grade}
GZIP_ABOVE = 2_000_000  # bytes: larger files are written gzipped (deterministically)


def write_file(path: Path, data: bytes) -> Path:
    """`data` at `path`, or at `<path>.gz` (gzip, mtime 0: byte-identical reruns) when larger than `GZIP_ABOVE`;
    a stale copy under the other name is removed. Returns the path written."""
    path = Path(path)
    for stale in (path, path.with_name(path.name + ".gz")):
        stale.unlink(missing_ok=True)
    if len(data) > GZIP_ABOVE:
        path = path.with_name(path.name + ".gz")
        data = gzip.compress(data, mtime=0)
    path.write_bytes(data)
    return path


def read_text(path: Path) -> str:
    """`path`, or `path.gz` when only the gzipped file exists (a `.gz` path is decompressed too)."""
    path = Path(path)
    gz = path.with_name(path.name + ".gz")
    if not path.exists() and gz.exists():
        path = gz
    data = path.read_bytes()
    return (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8")


def ranked(ranking) -> list[tuple[str, float]]:
    """(doc, score) by score, then doc id, descending: the order trec_eval and our metrics evaluate."""
    pairs = ranking.items() if isinstance(ranking, Mapping) else ranking
    return sorted(((d, float(s)) for d, s in pairs), key=lambda item: (item[1], item[0]), reverse=True)


def write_run(path: Path, run: Mapping, tag: str) -> Path:
    """Queries sorted by id, documents in `ranked` order; scores as Python's shortest round-trip repr, so reading
    the file gives the same ranking and the same metrics (byte-stable)."""
    lines = [f"{qid} Q0 {doc} {rank} {score!r} {tag}\n"
             for qid in sorted(run) for rank, (doc, score) in enumerate(ranked(run[qid]), start=1)]
    return write_file(path, "".join(lines).encode("utf-8"))


def _lines(path: Path, n_fields: int, layout: str):
    for i, line in enumerate(read_text(path).splitlines(), start=1):
        fields = line.split()
        if len(fields) != n_fields:
            raise ValueError(f"{path}:{i}: a TREC {layout} line has {n_fields} fields, got {len(fields)}")
        yield fields


def read_run(path: Path) -> Run:
    """The run in file order; ValueError naming the line for anything not six fields."""
    run: Run = {}
    for qid, _, doc, _, score, _ in _lines(path, 6, "run (qid Q0 doc rank score tag)"):
        run.setdefault(qid, []).append((doc, float(score)))
    return run


def read_run_tag(path: Path) -> str:
    """The run tag (6th field) of a run file's first line: the system name the pool file uses."""
    first = next((line for line in read_text(path).splitlines() if line.strip()), "")
    fields = first.split()
    if len(fields) != 6:
        raise ValueError(f"{path}: not a TREC run file (qid Q0 doc rank score tag)")
    return fields[5]


def write_qrels(path: Path, qrels: Mapping[str, Mapping[str, int]]) -> Path:
    lines = [f"{q} 0 {d} {int(g)}\n" for q in sorted(qrels) for d, g in sorted(qrels[q].items())]
    return write_file(path, "".join(lines).encode("utf-8"))


def read_qrels(path: Path) -> Qrels:
    qrels: Qrels = {}
    for qid, _, doc, grade in _lines(path, 4, "qrels (qid 0 doc grade)"):
        qrels.setdefault(qid, {})[doc] = int(grade)
    return qrels
