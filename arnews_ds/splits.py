"""Global, temporal, leakage-free train/validation/test assignment (DESIGN §6).

One assignment per article id, shared by every task. Within each (corpus, outlet), dated articles are ordered by
(date, id): the latest ~10% go to test, the ~10% before to validation, the cut moved to a date boundary where one
lies close enough. Undated articles are assigned by a hash of their id in the same proportions. Every member of a
duplicate cluster (exact or near, see `dedup.py`) takes one split, so no cluster straddles splits. Existing
assignments never move. New ids of an (corpus, outlet) that already has assignments follow the batch rule
(`batch_split`): no train article may be newer than a validation or test article of its outlet (same-date ties
allowed), so a batch dated after the outlet's held-out articles goes entirely to validation/test.
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


def group_bounds(units: Iterable[Unit],
                 existing: Mapping[str, str]) -> dict[tuple[str, str], tuple[str | None, str | None]]:
    """(corpus, outlet) -> (latest train date, earliest validation/test date) among already assigned dated units."""
    train: dict[tuple[str, str], str] = {}
    held: dict[tuple[str, str], str] = {}
    for u in units:
        split = existing.get(u.id)
        if split is None or not u.date:
            continue
        if split == "train":
            train[u.group] = max(train.get(u.group, u.date), u.date)
        else:
            held[u.group] = min(held.get(u.group, u.date), u.date)
    return {g: (train.get(g), held.get(g)) for g in sorted(set(train) | set(held))}


def batch_split(units: list[Unit], train_max: str | None, held_min: str | None) -> dict[str, str]:
    """New dated units of a group that already has assignments, without breaking the temporal rule.

    Older than the latest train article -> train; newer than the earliest validation/test article -> validation or
    test (earlier half validation, by date then id); in between, free -> `temporal_split` among themselves."""
    to_train = [u for u in units if train_max and u.date < train_max]
    to_held = [u for u in units if held_min and u.date > held_min and not (train_max and u.date < train_max)]
    taken = {u.id for u in to_train} | {u.id for u in to_held}
    out = {u.id: "train" for u in to_train}
    out |= temporal_split([u for u in units if u.id not in taken])
    ordered = sorted(to_held, key=lambda u: (u.date, u.id))
    val_at = _cut([u.date for u in ordered], round(len(ordered) * VALIDATION_SHARE / (VALIDATION_SHARE + TEST_SHARE)))
    out |= {u.id: "validation" if i < val_at else "test" for i, u in enumerate(ordered)}
    return out


def assign_splits(units: Iterable[Unit], existing: Mapping[str, str] | None = None) -> dict[str, str]:
    """id -> split for every unit id and member id; ids in `existing` keep their split."""
    units = list(units)
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
    bounds = group_bounds(units, result)
    for group in sorted(pending):
        if group in bounds:
            result.update(batch_split(pending[group], *bounds[group]))
        else:
            result.update(temporal_split(pending[group]))
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
        "within the slack; undated by blake2b(id); duplicate clusters share one split; new ids never make a train "
        "article newer than a validation/test article of their (corpus, outlet)")


def temporal_violations(rows: Iterable[Mapping], released: frozenset[str] = frozenset()) -> list[str]:
    """One line per (corpus, outlet) whose built rows hold a train article dated after a validation/test article.

    Rows need id, corpus, outlet, published, split. A pair of two `released` articles is not reported: a release
    cannot be changed within its major version, so only what was added since can break the rule."""
    groups: dict[tuple[str, str], dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        if r["published"]:
            kind = "train" if r["split"] == "train" else "held"
            groups[(r["corpus"], r["outlet"])][kind + ("" if r["id"] in released else "_new")].append(
                (r["published"][:10], r["id"]))
    problems = []
    for (corpus, outlet), g in sorted(groups.items()):
        train, held = g["train"] + g["train_new"], g["held"] + g["held_new"]
        pairs = [(max(g["train_new"]), min(held)) if g["train_new"] and held else None,
                 (max(train), min(g["held_new"])) if train and g["held_new"] else None]
        broken = [(t, h) for t, h in filter(None, pairs) if t[0] > h[0]]
        if broken:
            (t_date, t_id), (h_date, h_id) = max(broken)
            n = sum(d > h_date for d, _ in train)
            problems.append(f"temporal rule broken in {corpus}/{outlet}: {n} train article(s) dated after "
                            f"validation/test article {h_id} ({h_date}), latest {t_id} ({t_date})")
    return problems


def repair_temporal(assignment: Mapping[str, str], units: Iterable[Unit]) -> tuple[dict[str, str], int]:
    """Unreleased splits only: move the fewest clusters that make each (corpus, outlet) obey the temporal rule.

    Either the train units dated after the earliest held-out unit go to validation, or the held-out units dated
    before the latest train unit go to train, whichever moves fewer. Returns the new assignment and the ids moved."""
    out = dict(assignment)
    by_group: dict[tuple[str, str], list[Unit]] = defaultdict(list)
    for u in units:
        if u.date and u.id in out:
            by_group[u.group].append(u)
    moved = 0
    for _, group in sorted(by_group.items()):
        train = [u for u in group if out[u.id] == "train"]
        held = [u for u in group if out[u.id] != "train"]
        if not train or not held:
            continue
        held_min, train_max = min(u.date for u in held), max(u.date for u in train)
        late_train = [u for u in train if u.date > held_min]
        early_held = [u for u in held if u.date < train_max]
        fix, split = (late_train, "validation") if len(late_train) <= len(early_held) else (early_held, "train")
        for u in fix:
            for i in (u.id, *u.member_ids):
                moved += out.get(i) != split
                out[i] = split
    return out, moved


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


def update_splits(raw_dir, folder, reconcile_unreleased: bool = False,
                  repair_temporal_unreleased: bool = False) -> tuple[int, dict, int]:
    """Assign every not-yet-assigned article id of the locked raw files in `raw_dir` and rewrite the split files in
    `folder`; existing assignments never move (unless, before a first release, `reconcile_unreleased` (see
    `reconcile`) or `repair_temporal_unreleased` (see `repair_temporal`)). Returns (new ids, the written manifest,
    ids moved)."""
    from pathlib import Path

    from .dedup import find_clusters
    from .ingest import default_workers, ingest
    from .paths import RELEASES_DIR
    from .rawfiles import verified_raw_files
    from .releases import released_ids
    from .version import __version__

    result = ingest(verified_raw_files(Path(raw_dir)), progress=True, workers=default_workers())
    clusters = find_clusters(result.articles, keep=released_ids(RELEASES_DIR, __version__))
    units = units_from(result.articles, clusters)
    existing = read_assignment(folder)
    moved = 0
    if reconcile_unreleased:
        existing, moved = reconcile(existing, clusters)
    if repair_temporal_unreleased:
        existing, repaired = repair_temporal(existing, units)
        moved += repaired
    assignment = assign_splits(units, existing)
    new = len(set(assignment) - set(existing))
    details = {"rule": RULE, "test_share": TEST_SHARE, "validation_share": VALIDATION_SHARE, "date_slack": DATE_SLACK}
    return new, write_assignment(folder, {**existing, **assignment}, details), moved
