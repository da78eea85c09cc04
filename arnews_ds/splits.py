"""Global, temporal, leakage-free train/validation/test assignment (DESIGN §6).

One assignment per article id, shared by every task. Within each (corpus, outlet), dated articles are ordered by
(date, id): the latest ~10% go to test, the ~10% before to validation, the cut moved to a date boundary where one
lies close enough. Undated articles are assigned by a hash of their id in the same proportions. Every member of a
duplicate cluster (exact or near, see `dedup.py`) takes one split, so no cluster straddles splits. Existing
assignments never move: new ids are assigned among themselves by the same rule.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SPLITS = ("train", "validation", "test")
TEST_SHARE = 0.10
VALIDATION_SHARE = 0.10
# How far (as a share of the group) a cut may move to land between two dates instead of inside one.
DATE_SLACK = 0.03


@dataclass(frozen=True)
class Unit:
    """What gets assigned: an article (and the ids of the duplicates merged into it)."""

    id: str
    group: tuple[str, str]  # (corpus, outlet)
    date: str | None  # YYYY-MM-DD or None
    member_ids: tuple[str, ...] = ()


def hash_split(article_id: str) -> str:
    """Undated articles: a stable hash of the id in the same 80/10/10 proportions."""
    x = int.from_bytes(hashlib.blake2b(article_id.encode(), digest_size=8).digest(), "big") / 2**64
    if x < 1 - TEST_SHARE - VALIDATION_SHARE:
        return "train"
    return "validation" if x < 1 - TEST_SHARE else "test"


def _cut(dates: list[str], target: int) -> int:
    """Index near `target` where dates[i-1] != dates[i]; the plain target when no boundary is within the slack."""
    n = len(dates)
    if target <= 0 or target >= n:
        return max(0, min(n, target))
    slack = max(1, int(n * DATE_SLACK))
    best = None
    for i in range(max(1, target - slack), min(n, target + slack) + 1):
        if i < n and dates[i - 1] != dates[i] and (best is None or abs(i - target) < abs(best - target)):
            best = i
    return target if best is None else best


def temporal_split(units: list[Unit]) -> dict[str, str]:
    """Assign one group's dated units by time: oldest 80% train, next 10% validation, latest 10% test."""
    ordered = sorted(units, key=lambda u: (u.date, u.id))
    dates = [u.date for u in ordered]
    n = len(ordered)
    test_at = _cut(dates, round(n * (1 - TEST_SHARE)))
    val_at = _cut(dates[:test_at], round(n * (1 - TEST_SHARE - VALIDATION_SHARE)))
    out = {}
    for i, u in enumerate(ordered):
        out[u.id] = "train" if i < val_at else "validation" if i < test_at else "test"
    return out


def assign_splits(units: Iterable[Unit], existing: Mapping[str, str] | None = None) -> dict[str, str]:
    """id -> split for every unit id and member id; ids in `existing` keep their split."""
    existing = dict(existing or {})
    result: dict[str, str] = {}
    pending: dict[tuple[str, str], list[Unit]] = defaultdict(list)
    undated: list[Unit] = []
    for u in units:
        ids = (u.id, *u.member_ids)
        known = sorted({existing[i] for i in ids if i in existing}, key=SPLITS.index)
        if known:
            # A cluster that already touches a split keeps it; if it touches several (a new near-duplicate link),
            # the latest split wins for the new ids so that test never leaks into train.
            for i in ids:
                result[i] = existing.get(i, known[-1])
        elif u.date:
            pending[u.group].append(u)
        else:
            undated.append(u)
    for group in sorted(pending):
        for uid, split in temporal_split(pending[group]).items():
            result[uid] = split
    for u in undated:
        result[u.id] = hash_split(u.id)
    by_id = {u.id: u for grp in pending.values() for u in grp} | {u.id: u for u in undated}
    for uid, u in by_id.items():
        for m in u.member_ids:
            result.setdefault(m, result[uid])
    return dict(sorted(result.items()))


def units_from(articles, clusters) -> list[Unit]:
    """One unit per cluster representative (or singleton), carrying the ids merged into it."""
    members = {c.representative: c.members for c in clusters.clusters}
    return [Unit(a.id, (a.corpus, a.outlet), a.published[:10] if a.published else None, tuple(members.get(a.id, ())))
            for a in articles if clusters.cluster_of[a.id] == a.id]


def reconcile(assignment: Mapping[str, str], clusters) -> tuple[dict[str, str], int]:
    """Give every merged-away duplicate its representative's split (the representative is what the dataset holds).

    Only for an unreleased split version: a cleaning change can merge articles that were assigned apart. Returns
    the new assignment and how many ids moved."""
    out = dict(assignment)
    moved = 0
    for c in clusters.clusters:
        split = out.get(c.representative)
        for m in c.members:
            if split and out.get(m) != split:
                out[m] = split
                moved += 1
    return out, moved


RULE = ("temporal per (corpus, outlet): latest ~10% test, ~10% before validation, cut moved to a date boundary "
        "within the slack; undated by blake2b(id); duplicate clusters share one split")


def split_counts(assignment: Mapping[str, str]) -> dict[str, int]:
    counts = dict.fromkeys(SPLITS, 0)
    for s in assignment.values():
        counts[s] += 1
    return counts


# ---- the frozen files: splits/v<major>/<split>.ids (sorted ids, one per line) + manifest.json ----

def read_assignment(folder) -> dict[str, str]:
    """id -> split from a splits folder; an id listed in two splits is an error."""
    from pathlib import Path

    out: dict[str, str] = {}
    for split in SPLITS:
        path = Path(folder) / f"{split}.ids"
        if not path.exists():
            continue
        for line in path.read_text(encoding="ascii").split():
            if line in out:
                raise ValueError(f"{path}: id {line} is already in split {out[line]}")
            out[line] = split
    return out


def write_assignment(folder, assignment: Mapping[str, str], details: dict) -> dict:
    """Write the split files and a manifest with counts and sha256 of each file; returns the manifest."""
    import json
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    manifest = {"counts": split_counts(assignment), "files": {}, **details}
    for split in SPLITS:
        ids = sorted(i for i, s in assignment.items() if s == split)
        data = "".join(i + "\n" for i in ids).encode("ascii")
        (folder / f"{split}.ids").write_bytes(data)
        manifest["files"][f"{split}.ids"] = hashlib.sha256(data).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def manifest_hash(folder) -> str:
    """sha256 of the split manifest: what results files cite to say which splits they were scored on."""
    from pathlib import Path

    return hashlib.sha256((Path(folder) / "manifest.json").read_bytes()).hexdigest()


def update_splits(raw_dir, folder, reconcile_unreleased: bool = False) -> tuple[int, dict, int]:
    """Assign every not-yet-assigned article id of the raw files in `raw_dir` and rewrite the split files in
    `folder`; existing assignments never move (unless `reconcile_unreleased`, see `reconcile`). Returns (new ids,
    the written manifest, ids moved by reconciling)."""
    from .dedup import find_clusters
    from .ingest import ingest_dir

    result = ingest_dir(raw_dir)
    clusters = find_clusters(result.articles)
    existing = read_assignment(folder)
    moved = 0
    if reconcile_unreleased:
        existing, moved = reconcile(existing, clusters)
    assignment = assign_splits(units_from(result.articles, clusters), existing)
    new = len(set(assignment) - set(existing))
    details = {"rule": RULE, "test_share": TEST_SHARE, "validation_share": VALIDATION_SHARE, "date_slack": DATE_SLACK}
    return new, write_assignment(folder, {**existing, **assignment}, details), moved
