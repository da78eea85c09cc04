"""`arnews-ds verify`: checksums, committed expected counts, the built split column against `splits/`, split
disjointness, the temporal rule, cross-split near-duplicates, annotation ids, and the promises of the latest
release record (DESIGN §6-8).

Returns a list of problems, one line each; the CLI exits non-zero when there is any. A missing or unreadable file is
a problem like any other: every check runs, and one that cannot run says why instead of stopping the others.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from . import annotations as ann
from .lock import file_sha256
from .paths import ANNOTATIONS, CHANGELOG, EXPECTED_STATS, PACKAGE_DIR, RELEASES_DIR, SPLITS_DIR
from .releases import capped
from .splits import SPLITS, read_assignment

# Per config: the column holding the article id of each row (configs without one are not checked against splits).
ID_COLUMNS = {"topic": "id", "headline": "id", "headline_refs": "id", "queries": "_id", "qrels": "query-id"}


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
        path = folder / f"{split}.ids"
        if not path.exists():
            problems.append(f"missing split file {path}")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != manifest["files"][f"{split}.ids"]:
            problems.append(f"split file {split}.ids does not match splits manifest")
    return problems


def check_split_column(rows: list[dict], split_of: dict[str, str], where: str = "articles/full") -> list[str]:
    """Every built row sits in the split `splits/` assigns to its id."""
    lines = []
    for r in rows:
        want = split_of.get(r["id"])
        if want is None:
            lines.append(f"{where}: article {r['id']} has no assignment in splits/")
        elif r["split"] != want:
            lines.append(f"{where}: article {r['id']} is built in {r['split']} but splits/ assigns {want}")
    return capped(f"split mismatches in {where}", lines)


def check_config_splits(out: Path, split_of: dict[str, str]) -> list[str]:
    """The rows of every per-split config file belong to that split."""
    import pyarrow.parquet as pq

    problems = []
    for config, column in ID_COLUMNS.items():
        for path in sorted((out / "data" / config).glob("*.parquet")):
            split = path.stem
            ids = pq.read_table(path, columns=[column]).column(column).to_pylist()
            problems += check_split_column([{"id": i, "split": split} for i in ids], split_of,
                                           f"{config}/{path.stem}")
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


def check_release(out: Path, manifest: dict, rows: list[dict], releases: Path, changelog: Path) -> list[str]:
    """The build against the newest release record in `releases/` (nothing to check before the first release)."""
    from .releases import built_annotation_keys, compare, latest_record
    from .splits import temporal_violations

    record = latest_record(releases)
    version = manifest["version"]
    if record is None:
        return temporal_violations(rows)
    text = changelog.read_text(encoding="utf-8") if changelog.exists() else ""
    same_major = record.version.split(".")[0] == version.split(".")[0]
    return (compare(record, version, rows, built_annotation_keys(out), text)
            + temporal_violations(rows, record.ids if same_major else frozenset()))


def _one_line(exc: BaseException) -> str:
    return " ".join(f"{type(exc).__name__}: {exc}".split())


def verify(out: Path = PACKAGE_DIR, near_duplicates: bool = True, annotations: Path = ANNOTATIONS,
           splits_dir: Path = SPLITS_DIR, expected_stats: Path = EXPECTED_STATS, releases: Path = RELEASES_DIR,
           changelog: Path = CHANGELOG) -> list[str]:
    from .atomic import pending_commit

    problems: list[str] = []

    def run(what: str, check: Callable[..., list[str]], *args) -> None:
        try:
            problems.extend(check(*args))
        except Exception as exc:  # noqa: BLE001 - one check that cannot run must not hide the others
            problems.append(f"{what}: cannot check ({_one_line(exc)})")

    if pending_commit(out) is not None:
        problems.append(f"a build was killed while swapping its output into {out}: run `arnews-ds build`")
    manifest = _read_manifest(out, problems)
    if manifest is not None:
        run("checksums", check_checksums, out, manifest)
        if expected_stats.exists():
            run("expected stats", lambda: _diff(json.loads(expected_stats.read_text(encoding="utf-8")),
                                                manifest["stats"]))
        else:
            problems.append(f"no committed expected stats at {expected_stats}")
    run("splits", check_splits, splits_dir)
    # The split files read leniently: still meaningful when they overlap (already reported above).
    split_of = {i: split for split in SPLITS if (splits_dir / f"{split}.ids").exists()
                for i in (splits_dir / f"{split}.ids").read_text(encoding="ascii").split()}
    rows = built_articles(out, problems)
    if rows is not None:
        run("split column", check_split_column, rows, split_of)
        if manifest is not None:
            run("release record", check_release, out, manifest, rows, releases, changelog)
        if near_duplicates:
            run("cross-split duplicates", check_cross_split_duplicates, rows)
    if (out / "data").is_dir():
        run("config splits", check_config_splits, out, split_of)
    if (out / "data" / "duplicates.tsv").exists():
        run("duplicate clusters", check_cluster_splits, out, split_of)
    run("annotation ids", check_annotation_ids, set(split_of), annotations)
    return problems


def _read_manifest(out: Path, problems: list[str]) -> dict | None:
    path = out / "data" / "manifest.json"
    if not path.exists():
        problems.append(f"no build at {out} (no data/manifest.json): run `arnews-ds build` first")
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        problems.append(f"data/manifest.json is unreadable ({_one_line(exc)}): run `arnews-ds build`")
        return None


def built_articles(out: Path, problems: list[str]) -> list[dict] | None:
    """The built `articles` rows, or None (a missing file is already a checksum finding)."""
    import pyarrow.parquet as pq

    path = out / "data" / "articles" / "full.parquet"
    if not path.exists():
        return None
    try:
        return pq.read_table(path).to_pylist()
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for a damaged file
        problems.append(f"data/articles/full.parquet is unreadable ({_one_line(exc)})")
        return None


def record_release(out: Path = PACKAGE_DIR, releases: Path = RELEASES_DIR, **verify_paths):
    """Write the release record of a build that verifies clean; returns (path, record). Raises ReleaseError."""
    from .releases import ReleaseError, built_annotation_keys, make_record, write_record

    problems = verify(out, releases=releases, **verify_paths)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ReleaseError(f"verify found {len(problems)} problem(s), e.g. {problems[0]}{more}: a release record is "
                           "only written for a clean build")
    manifest = json.loads((out / "data" / "manifest.json").read_text(encoding="utf-8"))
    record = make_record(manifest["version"], built_articles(out, problems), built_annotation_keys(out))
    return write_record(record, releases), record
