"""Release records: byte-stable files, and every way a later build can break a release's promises."""
import gzip

import pytest

from arnews_ds.releases import (ReleaseError, compare, content_hash, is_released, latest_record, make_record,
                                read_record, write_record)


def row(i: int, split: str = "train", body: str | None = None) -> dict:
    return {"id": f"{i:016x}", "corpus": "saudinewsnet", "outlet": "sabq", "published": "2015-07-21",
            "title": f"عنوان {i}", "body": body or f"نص الخبر رقم {i}", "flags": [], "split": split}


ROWS = [row(1), row(2), row(3, "test")]
KEYS = {"topic_gold": [(ROWS[2]["id"],)], "related_qrels": [(ROWS[2]["id"], ROWS[0]["id"])]}


def test_record_round_trips_and_is_byte_stable(tmp_path):
    rec = make_record("1.0.0", ROWS, KEYS)
    path = write_record(rec, tmp_path / "a")
    assert path.name == "v1.0.0.json.gz" and read_record(path) == rec
    assert write_record(make_record("1.0.0", ROWS[::-1], KEYS), tmp_path / "b").read_bytes() == path.read_bytes()
    assert b'"split"' not in gzip.decompress(path.read_bytes())  # the split is not hashed as content
    with pytest.raises(ReleaseError, match="never rewritten"):
        write_record(rec, tmp_path / "a")
    assert is_released(tmp_path / "a", "1.0.0") and not is_released(tmp_path / "a", "1.1.0")


def test_latest_record_picks_the_newest_not_after_a_version(tmp_path):
    for v in ("1.0.0", "1.2.0", "1.10.0"):
        write_record(make_record(v, ROWS, KEYS), tmp_path)
    assert latest_record(tmp_path).version == "1.10.0"
    assert latest_record(tmp_path, up_to="1.9.9").version == "1.2.0"
    assert latest_record(tmp_path / "none") is None


def test_an_unchanged_build_and_an_added_batch_pass():
    rec = make_record("1.0.0", ROWS, KEYS)
    assert compare(rec, "1.0.0", ROWS, KEYS) == []
    grown = [*ROWS, row(4, "test")]
    assert compare(rec, "1.1.0", grown, KEYS, changelog="# Changelog\n## 1.1.0 — unreleased\n- batch\n") == []


def test_every_broken_promise_is_one_line():
    rec = make_record("1.0.0", ROWS, KEYS)
    built = [row(2, "validation"), row(3, "test", body="نص معدل"), row(4)]
    lines = compare(rec, "1.0.0", built, {"topic_gold": [], "related_qrels": [(ROWS[2]["id"], row(4)["id"])]})
    text = "\n".join(lines)
    assert len(lines) == 6, text
    for needle in ("0000000000000001 (train in v1.0.0) is missing", "0000000000000002 moved from train",
                   "0000000000000003 changed content", "topic_gold key 0000000000000003",
                   "related_qrels key 0000000000000003 -> 0000000000000001", "adds 1 articles to released v1.0.0"):
        assert needle in text


def test_version_rules():
    rec = make_record("1.1.0", ROWS, KEYS)
    assert "older than" in compare(rec, "1.0.0", ROWS, KEYS)[0]
    assert "no entry for 1.2.0" in compare(rec, "1.2.0", ROWS, KEYS, changelog="## 1.1.0\n")[0]
    # A new major version may drop, move or change anything.
    assert compare(rec, "2.0.0", [row(9)], {}, changelog="## 2.0.0\n") == []


def test_content_hash_covers_only_the_recorded_fields():
    fields = ("body", "title")
    assert content_hash(row(1), fields) == content_hash({**row(1), "new_column": 1}, fields)
    assert content_hash(row(1), fields) != content_hash(row(1, body="x"), fields)
