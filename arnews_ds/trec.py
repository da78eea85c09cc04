"""TREC run files (`qid Q0 doc rank score tag`): what retrieval baselines write and pooling reads."""
from __future__ import annotations

from pathlib import Path

Run = dict[str, list[tuple[str, float]]]  # query id -> [(doc id, score), ...] best first


def write_run(path: Path, run: Run, tag: str) -> None:
    """Queries sorted by id, documents in their ranked order, scores with 6 decimals (byte-stable)."""
    with path.open("w", encoding="utf-8") as f:
        for qid in sorted(run):
            for rank, (doc, score) in enumerate(run[qid], start=1):
                f.write(f"{qid} Q0 {doc} {rank} {score:.6f} {tag}\n")


def read_run(path: Path) -> Run:
    """The run as written by `write_run`; ValueError naming the line for anything not six fields."""
    run: Run = {}
    for i, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        fields = line.split()
        if len(fields) != 6:
            raise ValueError(f"{path}:{i}: a TREC run line has 6 fields (qid Q0 doc rank score tag)")
        qid, _, doc, _, score, _ = fields
        run.setdefault(qid, []).append((doc, float(score)))
    return run
