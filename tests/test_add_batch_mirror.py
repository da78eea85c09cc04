"""Integration (issue 11): release a build made without the last SaudiNewsNet batch, then add that batch with
`add-batch`. Every file the flow writes is a copy in tmp_path; the repository's own files are never touched.

Two full builds (~1.5 min each on 2 cores) plus one parse of the SaudiNewsNet zips."""
import csv
import hashlib
import os
import re
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from arnews_ds.addbatch import RepoPaths, add_batch
from arnews_ds.build import build
from arnews_ds.lock import dump_lock, load_lock
from arnews_ds.paths import ANNOTATIONS, CHANGELOG, EXPECTED_STATS, SPLITS_DIR
from arnews_ds.record import Article
from arnews_ds.releases import built_annotation_keys, compare, make_record, write_record
from arnews_ds.sources import saudinewsnet
from arnews_ds.splits import read_assignment, temporal_violations, write_assignment
from arnews_ds.verify import verify

pytestmark = pytest.mark.integration

LAST = "saudinewsnet/2015-08-10.zip"
ID_FILES = ("exclusions.tsv", "topic_gold.tsv", "headline_refs.tsv", "related_qrels.tsv")


def only_in_last(mirror: Path) -> set[str]:
    """Ids that no SaudiNewsNet batch but the last one holds (what a build without it never saw)."""
    ids: dict[str, set[str]] = {}
    for zip_path in sorted((mirror / "saudinewsnet").glob("*.zip")):
        ids[zip_path.name] = {r.id for r in saudinewsnet.read(zip_path) if isinstance(r, Article)}
    last = ids.pop(Path(LAST).name)
    return last - set().union(*ids.values())


def annotations_without(src: Path, dst: Path, drop: set[str]) -> None:
    """The annotations as they stood before the batch existed: rows and samples on its articles left out."""
    shutil.copytree(src, dst)
    for name in ID_FILES:
        lines = (dst / name).read_text(encoding="utf-8").splitlines(keepends=True)
        (dst / name).write_text(lines[0] + "".join(l for l in lines[1:] if not set(l.split("\t")[:2]) & drop),
                                encoding="utf-8")
    with (src / "category_map.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    with (dst / "category_map.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, list(rows[0]), lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({**r, "sample_ids": " ".join(i for i in r["sample_ids"].split() if i not in drop)})


def folder_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(folder).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def flow(mirror, tmp_path_factory):
    root = tmp_path_factory.mktemp("add_batch")
    entries = [e for e in load_lock() if e.path != LAST]
    for e in entries:  # a cache without the last batch (links to the read-only mirror)
        (root / "cache" / e.path).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(mirror / e.path, root / "cache" / e.path)
    dump_lock(entries, root / "lock.json")
    drop = only_in_last(mirror)
    assignment = read_assignment(SPLITS_DIR)
    details = {"rule": "committed splits without the ids only the last batch holds"}
    write_assignment(root / "splits", {i: s for i, s in assignment.items() if i not in drop}, details)
    annotations_without(ANNOTATIONS, root / "annotations", drop)
    (root / "version.py").write_text('__version__ = "1.0.0"\n', encoding="utf-8")
    shutil.copy(CHANGELOG, root / "CHANGELOG.md")
    shutil.copy(EXPECTED_STATS, root / "expected.json")
    repo = RepoPaths(root / "cache", root / "lock.json", root / "splits", root / "annotations", root / "releases",
                     root / "version.py", root / "CHANGELOG.md", root / "expected.json", root / "out2")
    # Release 1.0.0: the build without the batch, recorded as `arnews-ds release-record` records it.
    first = build(repo.cache, root / "out1", progress=False, update_expected=True, annotations=repo.annotations,
                  splits_dir=repo.splits, expected_stats=repo.expected_stats, lock_path=repo.lock,
                  releases=repo.releases, version="1.0.0")
    rows1 = pq.read_table(root / "out1" / "data" / "articles" / "full.parquet").to_pylist()
    record = make_record("1.0.0", rows1, built_annotation_keys(root / "out1"))
    write_record(record, repo.releases)
    annotations_before = folder_digest(repo.annotations)
    report = add_batch("saudinewsnet", [mirror / LAST], repo)
    rows2 = pq.read_table(repo.out / "data" / "articles" / "full.parquet").to_pylist()
    return repo, first, record, report, rows2, annotations_before, drop


def test_the_batch_is_cached_and_locked_with_its_upstream_url(flow):
    repo, _, _, report, _, _, _ = flow
    (entry,) = report.added
    assert entry.path == LAST and entry.url == saudinewsnet.upstream_url("2015-08-10.zip")
    assert LAST in {e.path for e in load_lock(repo.lock)} and (repo.cache / LAST).is_file()


def test_no_released_article_is_lost_moved_or_changed(flow):
    repo, _, record, _, rows2, _, _ = flow
    problems = compare(record, "1.1.0", rows2, built_annotation_keys(repo.out), repo.changelog.read_text())
    assert problems == []
    built = {r["id"]: r["split"] for r in rows2}
    assert all(built.get(i) == split for i, (split, _) in record.articles.items())


def test_new_articles_arrive_and_near_duplicates_join_the_released_representative(flow):
    repo, first, record, report, rows2, _, drop = flow
    new = {r["id"] for r in rows2} - record.ids
    assert len(new) == sum(report.new_ids.values()) > 1000 and new <= drop
    assert report.joined > 0  # copies that, being longer, would have replaced a released article
    for line in (repo.out / "data" / "duplicates.tsv").read_text().splitlines()[1:]:
        rep, member, _ = line.split("\t")
        assert member not in record.ids  # a released article is never merged away


def test_the_temporal_rule_holds_for_every_new_article(flow):
    _, _, record, report, rows2, _, _ = flow
    assert temporal_violations(rows2, record.ids) == []
    # An outlet with released articles gets no new train article (the batch is newer than its held-out ones);
    # an outlet new to the dataset gets its own 80/10/10 temporal split.
    released_outlets = {(r["corpus"], r["outlet"]) for r in rows2 if r["id"] in record.ids}
    new = [r for r in rows2 if r["id"] not in record.ids]
    assert not [r for r in new if r["split"] == "train" and (r["corpus"], r["outlet"]) in released_outlets]
    assert report.new_ids["validation"] > 0 and report.new_ids["test"] > 0


def test_annotations_unchanged_and_minor_version_bumped_with_a_changelog_entry(flow):
    repo, _, _, report, _, annotations_before, _ = flow
    assert folder_digest(repo.annotations) == annotations_before
    assert report.version == ("1.0.0", "1.1.0") and '"1.1.0"' in repo.version_file.read_text()
    text = repo.changelog.read_text(encoding="utf-8")
    assert re.search(r"^## 1\.1\.0 — unreleased\n- Added saudinewsnet batch 2015-08-10\.zip: [\d,]+ new articles",
                     text, re.M)
    assert text.index("## 1.1.0") < text.index("## 1.0.0")


def test_the_new_build_verifies(flow):
    repo, _, _, _, _, _, _ = flow
    problems = verify(repo.out, near_duplicates=False, annotations=repo.annotations, splits_dir=repo.splits,
                      expected_stats=repo.expected_stats, releases=repo.releases, changelog=repo.changelog)
    assert problems == []
