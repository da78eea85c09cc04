"""Integration: the committed lock against the real raw mirror, by copy and over a local HTTP server."""
from __future__ import annotations

import gzip
import re
import shutil
from pathlib import Path

import pytest

from arnews_ds.fetch import FetchError, fetch, raw_files, verify_cache
from arnews_ds.lock import LockEntry, load_lock, make_lock
from test_fetch import assert_one_line_naming, nothing_installed, serve_folder

pytestmark = pytest.mark.integration

ZIPS = ("saudinewsnet/2015-07-23.zip", "saudinewsnet/2015-08-01.zip")
ANT_V11 = "antcorpus/antcorpus.data-06f6a10e80c7a0e7aee0bba2f0a6372c35c45c83.tar.gz"


@pytest.fixture(autouse=True)
def _no_origin_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ARNEWS_MIRROR", "ARNEWS_BASE_URL", "ARNEWS_HOME"):
        monkeypatch.delenv(name, raising=False)


def _subset(*paths: str) -> list[LockEntry]:
    entries = [e for e in load_lock() if e.path in paths]
    assert len(entries) == len(paths)
    return entries


def _copy(mirror: Path, served: Path, path: str) -> Path:
    (served / path).parent.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copyfile(mirror / path, served / path))


def test_lock_matches_sources_md(mirror: Path) -> None:
    documented = dict((p, h) for h, p in re.findall(r"^([0-9a-f]{64})  (\S+)$", (mirror / "SOURCES.md").read_text(), re.M))
    lock = load_lock()
    assert {e.path: e.sha256 for e in lock} == documented
    assert sum(e.path.startswith("saudinewsnet/") for e in lock) == 17
    assert {e.path: e.tree.members for e in lock if e.tree} == {
        ANT_V11: 10163, "antcorpus/antcorpus.multisource.data-f117ce44a9cfad0dcbd341b7d744e4c3cdb4fed8.tar.gz": 31526}


def test_committed_lock_is_what_make_lock_writes(mirror: Path) -> None:
    assert make_lock(mirror) == list(load_lock())


def test_fetch_whole_mirror(mirror: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    report = fetch(cache, mirror=mirror, progress=False)
    assert len(report.fetched) == 20 and verify_cache(cache) == []
    files = raw_files(cache)
    assert {folder: len(paths) for folder, paths in files.items()} == {"saudinewsnet": 17, "antcorpus": 2, "aawsat-pages": 1}
    assert files["saudinewsnet"][0].name == "2015-07-21.zip" and files["saudinewsnet"][-1].name == "2015-08-10.zip"
    assert fetch(cache, mirror=mirror, progress=False).skipped == report.fetched


def test_http_fetch_of_real_files_with_resume(mirror: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    (cache / ZIPS[0]).parent.mkdir(parents=True)
    (cache / f"{ZIPS[0]}.part").write_bytes((mirror / ZIPS[0]).read_bytes()[:500_000])
    with serve_folder(mirror) as (url, seen):
        report = fetch(cache, base_url=url, progress=False, lock=_subset(*ZIPS, ANT_V11))
    assert report.fetched == [*ZIPS, ANT_V11] and seen[0] == (ZIPS[0], "bytes=500000-")
    assert verify_cache(cache, _subset(*ZIPS, ANT_V11)) == []


def test_http_regzipped_real_tarball_is_accepted_by_tree(mirror: Path, tmp_path: Path) -> None:
    served = tmp_path / "served"
    (served / ANT_V11).parent.mkdir(parents=True)
    # Same tar stream, other gzip bytes: what a GitHub-regenerated archive looks like.
    (served / ANT_V11).write_bytes(gzip.compress(gzip.decompress((mirror / ANT_V11).read_bytes()), 1, mtime=0))
    assert (served / ANT_V11).read_bytes() != (mirror / ANT_V11).read_bytes()
    with serve_folder(served) as (url, _):
        fetch(tmp_path / "cache", base_url=url, progress=False, lock=_subset(ANT_V11))
    assert verify_cache(tmp_path / "cache", _subset(ANT_V11)) == []


def test_http_corrupted_real_copy_is_refused(mirror: Path, tmp_path: Path) -> None:
    served = tmp_path / "served"
    _copy(mirror, served, ZIPS[0])
    bad = _copy(mirror, served, ZIPS[1])
    data = bytearray(bad.read_bytes())
    data[len(data) // 2] ^= 0x01
    bad.write_bytes(bytes(data))
    cache = tmp_path / "cache"
    with serve_folder(served) as (url, _), pytest.raises(FetchError) as exc:
        fetch(cache, base_url=url, progress=False, lock=_subset(*ZIPS))
    assert "sha256 mismatch" in assert_one_line_naming(exc, ZIPS[1])
    assert nothing_installed(cache, ZIPS[1]) and (cache / ZIPS[0]).is_file()
