"""`build` reads only locked raw files with the locked bytes: each hostile cache gives one line naming the file."""
import shutil

import pytest

from arnews_ds.lock import make_lock
from arnews_ds.rawfiles import RawFilesError, verified_raw_files

import synthetic  # tests/synthetic.py


@pytest.fixture
def raw_and_lock(tmp_path):
    raw = synthetic.write_raw(tmp_path / "raw")
    return raw, make_lock(raw)


def refused(raw, lock) -> str:
    with pytest.raises(RawFilesError) as exc:
        verified_raw_files(raw, lock)
    msg = str(exc.value)
    assert "\n" not in msg
    return msg


def test_a_clean_cache_gives_every_locked_file_per_format(raw_and_lock):
    raw, lock = raw_and_lock
    files = verified_raw_files(raw, lock)
    assert [p.name for p in files["saudinewsnet"]] == [f"2015-07-2{d}.zip" for d in (1, 2, 3, 4)]
    assert len(files["ant"]) == 1 and [p.name for p in files["aawsat-pages"]] == ["000_fixture.txt"]


def test_a_flipped_byte_is_refused_naming_the_file_and_the_remedy(raw_and_lock):
    raw, lock = raw_and_lock
    path = raw / "saudinewsnet" / "2015-07-22.zip"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    msg = refused(raw, lock)
    assert "saudinewsnet/2015-07-22.zip: sha256 mismatch" in msg and "arnews-ds fetch" in msg


def test_a_missing_file_is_refused(raw_and_lock):
    raw, lock = raw_and_lock
    (raw / "aawsat-pages" / "000_fixture.txt").unlink()
    assert "aawsat-pages/000_fixture.txt: missing" in refused(raw, lock)


def test_an_extra_copy_is_refused(raw_and_lock):
    raw, lock = raw_and_lock
    shutil.copy(raw / "saudinewsnet" / "2015-07-21.zip", raw / "saudinewsnet" / "2015-07-21 (copy).zip")
    msg = refused(raw, lock)
    assert "2015-07-21 (copy).zip: not in the lock" in msg and "add-batch" in msg


def test_a_truncated_tarball_is_refused_as_itself(raw_and_lock):
    raw, lock = raw_and_lock
    (tarball,) = (raw / "antcorpus").glob("*.tar.gz")
    tarball.write_bytes(tarball.read_bytes()[:200])
    msg = refused(raw, lock)
    assert f"antcorpus/{tarball.name}: not a readable tar.gz" in msg


def test_an_empty_or_absent_folder_says_so(tmp_path, raw_and_lock):
    _, lock = raw_and_lock
    (tmp_path / "empty" / "saudinewsnet").mkdir(parents=True)
    assert "is empty" in refused(tmp_path / "empty", lock)
    assert "raw folder not found" in refused(tmp_path / "nowhere", lock)


def test_many_problems_name_three_and_count_the_rest(raw_and_lock):
    raw, lock = raw_and_lock
    for p in (raw / "saudinewsnet").glob("*.zip"):
        p.unlink()
    (raw / "saudinewsnet" / "x.zip").write_bytes(b"x")  # not empty, but nothing locked is there
    assert "(and 1 more)" in refused(raw, lock)
