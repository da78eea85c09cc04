"""Release integrity on the synthetic fixture: verified inputs, atomic output, verify that never crashes, release
records and `add-batch` (issue 11). The same flow on the real mirror is in test_add_batch_mirror.py."""
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from arnews_ds import card
from arnews_ds.addbatch import BatchError, RepoPaths, add_batch, add_changelog_line
from arnews_ds.build import build
from arnews_ds.rawfiles import RawFilesError
from arnews_ds.releases import read_record
from arnews_ds.splits import SPLITS, read_assignment, write_assignment
from arnews_ds.verify import record_release, verify

import synthetic  # tests/synthetic.py
from test_build_fixture import fixture_build  # noqa: F401 (a fixture)


def _copy(fixture_build, tmp_path) -> tuple[Path, dict]:
    root, _, _, kwargs = fixture_build
    out = tmp_path / "out"
    shutil.copytree(root / "out1", out)
    return out, kwargs


def test_verify_reports_missing_files_one_line_each_and_runs_every_other_check(fixture_build, tmp_path):
    out, kwargs = _copy(fixture_build, tmp_path)
    (out / "data" / "articles" / "full.parquet").unlink()
    (out / "data" / "duplicates.tsv").unlink()
    problems = verify(out, **kwargs)
    assert "missing data file data/articles/full.parquet" in problems
    assert "missing data file data/duplicates.tsv" in problems
    assert all("\n" not in p for p in problems) and len(problems) == 2


def test_verify_survives_a_damaged_parquet_and_a_missing_manifest(fixture_build, tmp_path):
    out, kwargs = _copy(fixture_build, tmp_path)
    full = out / "data" / "articles" / "full.parquet"
    full.write_bytes(full.read_bytes()[:100])
    problems = verify(out, **kwargs)
    assert any("full.parquet is unreadable" in p for p in problems)
    assert any("checksum drift: data/articles/full.parquet" in p for p in problems)
    (out / "data" / "manifest.json").unlink()
    assert any("no build at" in p for p in verify(out, **kwargs))


def test_verify_checks_the_built_split_column_against_splits(fixture_build, tmp_path):
    out, kwargs = _copy(fixture_build, tmp_path)
    assignment = read_assignment(kwargs["splits_dir"])
    victim = sorted(i for i, s in assignment.items() if s == "train")[0]
    write_assignment(tmp_path / "splits", {**assignment, victim: "test"}, {"rule": "fixture"})
    problems = verify(out, **{**kwargs, "splits_dir": tmp_path / "splits"})
    assert f"articles/full: article {victim} is built in train but splits/ assigns test" in problems


def test_build_refuses_a_corrupt_raw_file_and_writes_nothing(fixture_build, tmp_path):
    root, _, _, kwargs = fixture_build
    raw = tmp_path / "raw"
    shutil.copytree(root / "raw", raw)
    lock = synthetic.write_lock(raw)
    victim = raw / "saudinewsnet" / "2015-07-23.zip"
    data = bytearray(victim.read_bytes())
    data[-30] ^= 1
    victim.write_bytes(bytes(data))
    with pytest.raises(RawFilesError, match="saudinewsnet/2015-07-23.zip: sha256 mismatch"):
        build(raw, tmp_path / "out", progress=False, lock_path=lock, **kwargs)
    assert not (tmp_path / "out").exists()


def test_an_interrupted_build_leaves_the_previous_build_whole(fixture_build, tmp_path, monkeypatch):
    out, kwargs = _copy(fixture_build, tmp_path)
    root = fixture_build[0]

    def files() -> dict:
        return {p.relative_to(out): p.read_bytes() for p in out.rglob("*")
                if p.is_file() and p.name != ".arnews-build.lock"}

    before = files()

    def interrupted(*args, **kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(card, "write_card", interrupted)  # the last step before the swap
    with pytest.raises(KeyboardInterrupt):
        build(root / "raw", out, progress=False, lock_path=synthetic.write_lock(root / "raw"), **kwargs)
    assert files() == before and verify(out, **kwargs) == []


def test_changelog_lines_go_under_their_version():
    text = "# Changelog\nintro\n\n## 1.0.0 — unreleased\n- first\n"
    bumped = add_changelog_line(text, "1.1.0", "batch A")
    assert bumped == "# Changelog\nintro\n\n## 1.1.0 — unreleased\n- batch A\n\n## 1.0.0 — unreleased\n- first\n"
    assert add_changelog_line(bumped, "1.1.0", "batch B").startswith(
        "# Changelog\nintro\n\n## 1.1.0 — unreleased\n- batch A\n- batch B\n\n## 1.0.0")


@pytest.fixture
def repo(fixture_build, tmp_path) -> RepoPaths:
    """Copies of everything add-batch touches, with the fixture build released as 1.0.0."""
    root, _, _, kwargs = fixture_build
    shutil.copytree(root / "raw", tmp_path / "cache")
    lock = tmp_path / "lock.json"
    shutil.copy(synthetic.write_lock(root / "raw"), lock)
    shutil.copytree(kwargs["splits_dir"], tmp_path / "splits")
    (tmp_path / "version.py").write_text('"""version"""\n__version__ = "1.0.0"\n')
    (tmp_path / "CHANGELOG.md").write_text("# Changelog\n\n## 1.0.0 — unreleased\n- first release\n")
    shutil.copy(kwargs["expected_stats"], tmp_path / "expected.json")
    record_release(root / "out1", tmp_path / "releases", annotations=kwargs["annotations"],
                   splits_dir=kwargs["splits_dir"], expected_stats=kwargs["expected_stats"])
    return RepoPaths(tmp_path / "cache", lock, tmp_path / "splits", kwargs["annotations"], tmp_path / "releases",
                     tmp_path / "version.py", tmp_path / "CHANGELOG.md", tmp_path / "expected.json", tmp_path / "out")


def _new_batch(folder: Path, released_record: dict) -> Path:
    """Ten new articles a day after the last batch, plus a slightly longer copy of a released article."""
    recs = synthetic.snn_records("2015-07-25", 40)
    recs.append({**released_record, "url": released_record["url"] + "&print=1",
                 "content": released_record["content"] + " وأضاف المصدر ذلك."})
    path = folder / "2015-07-25.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("2015-07-25.json", json.dumps(recs, ensure_ascii=False))
    return path


def test_add_batch_keeps_every_release_promise(repo, tmp_path):
    record = read_record(repo.releases / "v1.0.0.json.gz")
    copy_of = synthetic.snn_records("2015-07-21", 0)[2]
    batch = _new_batch(tmp_path, copy_of)
    report = add_batch("saudinewsnet", [batch], repo)
    assert [e.path for e in report.added] == ["saudinewsnet/2015-07-25.zip"]
    assert report.added[0].url.endswith("/dataset/2015-07-25.zip")
    assert report.version == ("1.0.0", "1.1.0") and '"1.1.0"' in repo.version_file.read_text()
    assert report.new_ids["train"] == 0 and report.new_ids["validation"] + report.new_ids["test"] == 10
    assert report.joined == 1  # the longer copy joined the released article instead of replacing it
    assert "## 1.1.0 — unreleased\n- Added saudinewsnet batch 2015-07-25.zip: 10 new articles" in \
        repo.changelog.read_text()
    splits = read_assignment(repo.splits)
    assert all(splits[i] == s for i, (s, _) in record.articles.items())
    kwargs = dict(annotations=repo.annotations, splits_dir=repo.splits, expected_stats=repo.expected_stats,
                  releases=repo.releases, changelog=repo.changelog)
    assert verify(repo.out, **kwargs) == []
    # Again: nothing new to lock, the version is bumped once per release, the CHANGELOG line is not repeated.
    again = add_batch("saudinewsnet", [batch], repo)
    assert again.already == ["saudinewsnet/2015-07-25.zip"] and again.version == ("1.1.0", "1.1.0")
    assert sum(again.new_ids.values()) == 0 and again.changelog is None
    assert repo.changelog.read_text().count("2015-07-25.zip") == 1


def test_a_build_that_loses_a_released_article_fails_verify(repo, tmp_path):
    record = read_record(repo.releases / "v1.0.0.json.gz")
    kwargs = dict(annotations=repo.annotations, splits_dir=repo.splits, expected_stats=repo.expected_stats,
                  releases=repo.releases)
    build(repo.cache, repo.out, progress=False, lock_path=repo.lock, **kwargs)
    assert verify(repo.out, changelog=repo.changelog, **kwargs) == []
    # Drop one released SaudiNewsNet batch (train articles) from the lock and the cache: 10 articles lost.
    lock = json.loads(repo.lock.read_text())
    lock["files"] = [f for f in lock["files"] if f["path"] != "saudinewsnet/2015-07-22.zip"]
    repo.lock.write_text(json.dumps(lock))
    (repo.cache / "saudinewsnet" / "2015-07-22.zip").unlink()
    build(repo.cache, repo.out, progress=False, lock_path=repo.lock, **kwargs)
    problems = verify(repo.out, changelog=repo.changelog, **kwargs)
    lost = [p for p in problems if "is missing from the build" in p]
    assert len(lost) == 10 and all(p.split()[2] in record.articles for p in lost)


@pytest.mark.parametrize("name,content,error", [
    ("2015-07-26.zip", b"not a zip", "not a saudinewsnet file"),
    ("batch.zip", None, "named YYYY-MM-DD.zip"),
    ("folder.zip", "dir", "is a folder"),
])
def test_add_batch_refuses_bad_files_in_one_line(repo, tmp_path, name, content, error):
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif content is None:
        shutil.copy(repo.cache / "saudinewsnet" / "2015-07-21.zip", path)
    else:
        path.write_bytes(content)
    lock_before = repo.lock.read_bytes()
    with pytest.raises(BatchError, match=error) as exc:
        add_batch("saudinewsnet", [path], repo)
    assert "\n" not in str(exc.value) and repo.lock.read_bytes() == lock_before
