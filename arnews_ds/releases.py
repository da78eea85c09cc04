"""Release records: what a published version promised, so later builds can be held to it.

`releases/v<version>.json.gz` lists every article of that release (id, split, content hash) and the annotation keys
its configs carried (gold topic ids, reference-headline ids, judged query/document pairs). Within one major version,
a build may add articles and annotations but never lose, move or change a released one (CHANGELOG rule); `compare`
lists every way a build breaks that promise. The gzip is written without a timestamp, so a record is byte-stable.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

RECORD_FORMAT = 1
_NAME = re.compile(r"v(\d+)\.(\d+)\.(\d+)\.json(\.gz)?")
# Examples named per kind of finding before the rest are only counted.
MAX_NAMED = 50
ANNOTATION_KINDS = ("topic_gold", "headline_refs", "related_qrels")


class ReleaseError(RuntimeError):
    """A release record cannot be written or read; the message is one line."""


def parse_version(version: str) -> tuple[int, int, int]:
    parts = version.split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ReleaseError(f"version {version!r} is not MAJOR.MINOR.PATCH")
    return int(parts[0]), int(parts[1]), int(parts[2])


@dataclass(frozen=True)
class ReleaseRecord:
    version: str
    fields: tuple[str, ...]  # the article columns the content hash covers
    articles: dict[str, tuple[str, str]]  # id -> (split, content hash)
    annotations: dict[str, tuple[tuple[str, ...], ...]]  # kind -> sorted keys (one id, or query id + doc id)

    @cached_property
    def ids(self) -> frozenset[str]:
        return frozenset(self.articles)


def content_hash(row: Mapping, fields: Iterable[str]) -> str:
    """16 hex chars over the canonical JSON of the given columns of one built `articles` row."""
    blob = json.dumps({f: row.get(f) for f in fields}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(blob.encode("utf-8"), digest_size=8).hexdigest()


def content_fields(row: Mapping) -> tuple[str, ...]:
    """Every column of an `articles` row except its split (a move is reported as a move, not a content change)."""
    return tuple(sorted(k for k in row if k != "split"))


def make_record(version: str, article_rows: list[dict], annotations: Mapping[str, Iterable[tuple[str, ...]]]
                ) -> ReleaseRecord:
    parse_version(version)
    fields = content_fields(article_rows[0]) if article_rows else ()
    articles = {r["id"]: (r["split"], content_hash(r, fields)) for r in sorted(article_rows, key=lambda r: r["id"])}
    keys = {kind: tuple(sorted(set(map(tuple, annotations.get(kind, ()))))) for kind in ANNOTATION_KINDS}
    return ReleaseRecord(version, fields, articles, keys)


def record_path(releases: Path, version: str) -> Path:
    return releases / f"v{version}.json.gz"


def write_record(record: ReleaseRecord, releases: Path) -> Path:
    """Write `releases/v<version>.json.gz`; a record is frozen, so an existing one is never overwritten."""
    path = record_path(releases, record.version)
    if path.exists() or path.with_suffix("").exists():
        raise ReleaseError(f"{path.name} already exists: a release record is never rewritten")
    data = {"format": RECORD_FORMAT, "version": record.version, "fields": list(record.fields),
            "articles": [[i, s, h] for i, (s, h) in record.articles.items()],
            "annotations": {k: [list(key) for key in v] for k, v in record.annotations.items()}}
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write((json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8"))
    releases.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(buf.getvalue())
    tmp.replace(path)
    return path


def read_record(path: Path) -> ReleaseRecord:
    try:
        raw = path.read_bytes()
        data = json.loads(gzip.decompress(raw) if path.suffix == ".gz" else raw)
    except (OSError, EOFError, ValueError) as exc:
        raise ReleaseError(f"release record {path} is unreadable ({type(exc).__name__}: {exc})") from None
    if data.get("format") != RECORD_FORMAT:
        raise ReleaseError(f"release record {path} has format {data.get('format')!r}; expected {RECORD_FORMAT}")
    return ReleaseRecord(data["version"], tuple(data["fields"]), {i: (s, h) for i, s, h in data["articles"]},
                         {k: tuple(map(tuple, v)) for k, v in data["annotations"].items()})


def record_files(releases: Path) -> dict[tuple[int, int, int], Path]:
    """version -> record file in `releases`."""
    out = {}
    for p in sorted(releases.glob("v*.json*")) if releases.is_dir() else []:
        m = _NAME.fullmatch(p.name)
        if m:
            out[tuple(map(int, m.groups()[:3]))] = p
    return out


def latest_record(releases: Path, up_to: str | None = None) -> ReleaseRecord | None:
    """The newest record in `releases` (not newer than version `up_to` when given), or None."""
    files = record_files(releases)
    limit = parse_version(up_to) if up_to else None
    versions = [v for v in files if limit is None or v <= limit]
    return read_record(files[max(versions)]) if versions else None


def released_ids(releases: Path, version: str) -> frozenset[str]:
    """Ids of the newest release of `version`'s major version not newer than it: the articles a build must keep."""
    record = latest_record(releases, up_to=version)
    same_major = record is not None and parse_version(record.version)[0] == parse_version(version)[0]
    return record.ids if same_major else frozenset()


def is_released(releases: Path, version: str) -> bool:
    return parse_version(version) in record_files(releases)


def capped(kind: str, lines: list[str]) -> list[str]:
    """`lines`, or the first `MAX_NAMED` of them and one line counting the rest."""
    if len(lines) <= MAX_NAMED:
        return lines
    return lines[:MAX_NAMED] + [f"... and {len(lines) - MAX_NAMED} more {kind}"]


def compare(record: ReleaseRecord, version: str, article_rows: list[dict],
            annotations: Mapping[str, Iterable[tuple[str, ...]]], changelog: str | None = None) -> list[str]:
    """Every way a build of `version` breaks the promises of an earlier release record (empty when none)."""
    problems: list[str] = []
    if parse_version(version) < parse_version(record.version):
        return [f"build version {version} is older than the latest release record v{record.version}"]
    if changelog is not None and version != record.version and not re.search(
            rf"^## {re.escape(version)}\b", changelog, re.M):
        problems.append(f"CHANGELOG.md has no entry for {version} (released {record.version} had one to build on)")
    if parse_version(version)[0] > parse_version(record.version)[0]:
        return problems  # a new major version may change anything; the CHANGELOG says what
    tag = f"v{record.version}"
    built = {r["id"]: r for r in article_rows}
    lost, moved, changed = [], [], []
    for aid, (split, digest) in record.articles.items():
        row = built.get(aid)
        if row is None:
            lost.append(f"released article {aid} ({split} in {tag}) is missing from the build")
        elif row["split"] != split:
            moved.append(f"released article {aid} moved from {split} ({tag}) to {row['split']}")
        elif content_hash(row, record.fields) != digest:
            changed.append(f"released article {aid} changed content since {tag}")
    problems += capped("lost articles", lost) + capped("moved articles", moved) + capped("changed articles", changed)
    for kind in ANNOTATION_KINDS:
        have = set(map(tuple, annotations.get(kind, ())))
        gone = [f"released {kind} key {' -> '.join(key)} ({tag}) is not in the build"
                for key in record.annotations.get(kind, ()) if key not in have]
        problems += capped(f"{kind} keys", gone)
    added = len(set(built) - set(record.articles))
    if added and version == record.version:
        problems.append(f"the build adds {added:,} articles to released {tag} without a new version: bump the "
                        "minor version with a CHANGELOG entry (`arnews-ds add-batch` does both)")
    return problems


def built_annotation_keys(folder: Path) -> dict[str, list[tuple[str, ...]]]:
    """The annotation keys a build's configs carry: hand-labeled topic `test` ids, `headline_refs` ids, judged
    pairs."""
    import pyarrow.parquet as pq

    def column_rows(config: str, columns: list[str]) -> list[tuple[str, ...]]:
        rows: list[tuple[str, ...]] = []
        for path in sorted((folder / "data" / config).glob("*.parquet")):
            if config == "topic" and path.stem != "test":  # train/validation labels are silver
                continue
            table = pq.read_table(path, columns=columns).to_pydict()
            rows += list(zip(*(table[c] for c in columns)))
        return rows

    return {"topic_gold": column_rows("topic", ["id"]), "headline_refs": column_rows("headline_refs", ["id"]),
            "related_qrels": column_rows("qrels", ["query-id", "corpus-id"])}
