"""`arnews-ds verify`: checksums, committed expected counts, split disjointness, cross-split near-duplicates and
annotation ids (DESIGN §6-8). Returns a list of problems; the CLI exits non-zero when there is any."""
from __future__ import annotations

import json
from pathlib import Path

from . import annotations as ann
from .lock import file_sha256
from .paths import ANNOTATIONS, EXPECTED_STATS, PACKAGE_DIR, SPLITS_DIR
from .splits import SPLITS, read_assignment


def _diff(expected, actual, path="") -> list[str]:
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = []
        for k in sorted(set(expected) | set(actual)):
            out += _diff(expected.get(k), actual.get(k), f"{path}.{k}" if path else k)
        return out
    return [] if expected == actual else [f"count drift at {path}: expected {expected}, built {actual}"]


def check_checksums(out: Path, manifest: dict) -> list[str]:
    problems = []
    for rel, digest in manifest["files"].items():
        path = out / rel
        if not path.exists():
            problems.append(f"missing data file {rel}")
        elif file_sha256(path) != digest:
            problems.append(f"checksum drift: {rel} does not match the build manifest")
    return problems


def check_splits(folder: Path) -> list[str]:
    """Disjoint split files whose sha256 match their manifest."""
    import hashlib

    try:
        read_assignment(folder)
    except ValueError as e:
        return [f"overlapping splits: {e}"]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    problems = []
    for split in SPLITS:
        data = (folder / f"{split}.ids").read_bytes()
        if hashlib.sha256(data).hexdigest() != manifest["files"][f"{split}.ids"]:
            problems.append(f"split file {split}.ids does not match splits manifest")
    return problems


def check_cross_split_duplicates(article_rows: list[dict]) -> list[str]:
    """Near-duplicates (dedup threshold) whose members fall in different splits: leakage."""
    from .dedup import find_clusters
    from .record import Article

    arts = [Article(id=r["id"], corpus=r["corpus"], outlet=r["outlet"], url=None, published=r["published"],
                    date_kind=r["date_kind"], title=r["title"], lead=None, body=r["body"], byline=None,
                    flags=tuple(r["flags"])) for r in article_rows]
    split_of = {r["id"]: r["split"] for r in article_rows}
    problems = []
    for c in find_clusters(arts).clusters:
        splits = {split_of[c.representative], *(split_of[m] for m in c.members)}
        if len(splits) > 1:
            problems.append(f"cross-split duplicate cluster {c.representative} spans {sorted(splits)}")
    return problems


def check_cluster_splits(out: Path, split_of: dict[str, str]) -> list[str]:
    """Every merge of data/duplicates.tsv keeps representative and member in one split (DESIGN §6)."""
    from .loading import duplicate_alias

    return [f"duplicate cluster straddles splits: {rep} ({split_of.get(rep)}) / {member} ({split_of.get(member)})"
            for member, rep in duplicate_alias(out).items() if split_of.get(rep) != split_of.get(member)]


def check_annotation_ids(known: set[str], root: Path = ANNOTATIONS) -> list[str]:
    """Every id in an annotation file must be a known article id (kept, merged or duplicate)."""
    problems = []
    for name, col, delim in (("exclusions.tsv", "id", "\t"), ("topic_gold.tsv", "id", "\t"),
                             ("headline_refs.tsv", "id", "\t"), ("related_qrels.tsv", "query_id", "\t"),
                             ("related_qrels.tsv", "doc_id", "\t")):
        path = root / name
        if not path.exists():
            continue
        for i, row in enumerate(ann.read_table(path, (col,), delim), start=2):
            if row[col] not in known:
                problems.append(f"{name}:{i}: unknown article id {row[col]}")
    for i, row in enumerate(ann.read_table(root / "category_map.csv", ann.MAP_COLUMNS, ","), start=2):
        for sid in row["sample_ids"].split():
            if sid not in known:
                problems.append(f"category_map.csv:{i}: unknown sample id {sid}")
    return problems


def verify(out: Path = PACKAGE_DIR, near_duplicates: bool = True, annotations: Path = ANNOTATIONS,
           splits_dir: Path = SPLITS_DIR, expected_stats: Path = EXPECTED_STATS) -> list[str]:
    manifest_path = out / "data" / "manifest.json"
    if not manifest_path.exists():
        return [f"no build at {out}: run `arnews-ds build` first"]
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    problems = check_checksums(out, manifest)
    if expected_stats.exists():
        problems += _diff(json.loads(expected_stats.read_text(encoding="utf-8")), manifest["stats"])
    else:
        problems.append(f"no committed expected stats at {expected_stats}")
    problems += check_splits(splits_dir)
    import pyarrow.parquet as pq

    rows = pq.read_table(out / "data" / "articles" / "full.parquet").to_pylist()
    # The split files read leniently: still meaningful when they overlap (already reported above).
    split_of = {i: split for split in SPLITS if (splits_dir / f"{split}.ids").exists()
                for i in (splits_dir / f"{split}.ids").read_text(encoding="ascii").split()}
    known = set(split_of)
    problems += check_cluster_splits(out, split_of)
    problems += check_annotation_ids(known, annotations)
    if near_duplicates:
        problems += check_cross_split_duplicates(rows)
    return problems
