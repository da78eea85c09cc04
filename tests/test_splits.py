"""The split rule (DESIGN §6) on hand-made units: temporal cuts, hash for undated, clusters never straddle splits,
existing assignments never move, and the frozen files round-trip."""
from __future__ import annotations

from collections import Counter

import pytest

from arnews_ds.dedup import Cluster, Clusters
from arnews_ds.record import Article
from arnews_ds.splits import (SPLITS, Unit, _cut, assign_splits, hash_split, manifest_hash, read_assignment,
                              reconcile, split_counts, temporal_split, units_from, write_assignment)


def _dated(n: int, group=("c", "o"), day=lambda i: f"2015-01-{i // 4 + 1:02d}") -> list[Unit]:
    return [Unit(f"u{i:03d}", group, day(i)) for i in range(n)]


def test_temporal_split_puts_the_latest_tenth_in_test_and_the_tenth_before_in_validation():
    units = [Unit(f"u{i:03d}", ("c", "o"), f"2015-{i // 28 + 1:02d}-{i % 28 + 1:02d}") for i in range(100)]
    out = temporal_split(units)
    assert Counter(out.values()) == {"train": 80, "validation": 10, "test": 10}
    by_date = sorted(units, key=lambda u: u.date)
    assert {out[u.id] for u in by_date[:80]} == {"train"} and {out[u.id] for u in by_date[90:]} == {"test"}


def test_cut_moves_to_a_date_boundary_within_the_slack_only():
    dates = ["d1"] * 45 + ["d2"] * 55
    assert _cut(dates, 44) == 45  # the boundary is 1 away: the cut lands between two dates
    same = ["d"] * 100
    assert _cut(same, 90) == 90  # no boundary at all: the plain target
    far = ["a"] * 50 + ["b"] * 50
    assert _cut(far, 90) == 90  # the only boundary is far outside the slack
    assert _cut(dates, 0) == 0 and _cut(dates, 150) == 100


def test_no_date_is_split_across_train_and_test_when_a_boundary_is_near():
    out = temporal_split(_dated(100))  # 4 articles per day
    split_of_day: dict[str, set[str]] = {}
    for u in _dated(100):
        split_of_day.setdefault(u.date, set()).add(out[u.id])
    assert all(len(s) == 1 for s in split_of_day.values())


def test_hash_split_is_stable_and_near_the_proportions():
    ids = [f"{i:016x}" for i in range(5000)]
    counts = Counter(hash_split(i) for i in ids)
    assert [hash_split(i) for i in ids[:50]] == [hash_split(i) for i in ids[:50]]
    assert 0.77 < counts["train"] / 5000 < 0.83 and 0.08 < counts["test"] / 5000 < 0.12


def test_assign_splits_groups_per_outlet_and_undated_by_hash():
    units = _dated(20, ("c", "a")) + [Unit(f"b{i}", ("c", "b"), f"2016-02-{i + 1:02d}") for i in range(10)]
    units.append(Unit("undated", ("c", "a"), None))
    out = assign_splits(units)
    assert out["undated"] == hash_split("undated")
    # Each outlet gets its own latest articles in test, not the globally latest ones.
    assert "test" in {out[f"u{i:03d}"] for i in range(20)} and "test" in {out[f"b{i}"] for i in range(10)}


def test_cluster_members_take_their_representatives_split():
    units = _dated(30)
    units[-1] = Unit(units[-1].id, units[-1].group, units[-1].date, member_ids=("dup1", "dup2"))
    out = assign_splits(units)
    assert out["dup1"] == out["dup2"] == out[units[-1].id] == "test"


def test_existing_assignments_never_move_and_new_ids_follow_the_rule():
    units = _dated(30)
    existing = {u.id: "train" for u in units[:25]}
    out = assign_splits(units + [Unit("new", ("c", "o"), None)], existing)
    assert all(out[i] == "train" for i in existing)
    assert out["new"] == hash_split("new")


def test_a_new_member_joining_clusters_in_several_splits_takes_the_latest():
    existing = {"a": "train", "b": "test"}
    out = assign_splits([Unit("a", ("c", "o"), "2015-01-01", member_ids=("b", "n"))], existing)
    assert out == {"a": "train", "b": "test", "n": "test"}  # never test material in train


def _article(i: str, date: str | None) -> Article:
    return Article(id=i, corpus="c", outlet="o", url=None, published=date, date_kind="published" if date else "none",
                   title="ع", lead=None, body="نص", byline=None)


def test_units_from_keeps_representatives_with_their_members():
    arts = [_article("r", "2015-03-04T10:00:00+03:00"), _article("m", "2015-03-05"), _article("s", None)]
    clusters = Clusters({"r": "r", "m": "r", "s": "s"}, {"r": "self", "m": "near", "s": "self"},
                        (Cluster("r", ("m",), ("near",)),))
    assert units_from(arts, clusters) == [Unit("r", ("c", "o"), "2015-03-04", ("m",)), Unit("s", ("c", "o"), None)]
    moved, n = reconcile({"r": "test", "m": "train", "s": "train"}, clusters)
    assert moved == {"r": "test", "m": "test", "s": "train"} and n == 1


def test_frozen_files_round_trip_and_reject_overlap(tmp_path):
    assignment = {"b": "test", "a": "train", "c": "validation"}
    manifest = write_assignment(tmp_path, assignment, {"rule": "x"})
    assert manifest["counts"] == split_counts(assignment) == {"train": 1, "validation": 1, "test": 1}
    assert (tmp_path / "train.ids").read_text() == "a\n"
    assert read_assignment(tmp_path) == assignment
    first = manifest_hash(tmp_path)
    write_assignment(tmp_path, assignment, {"rule": "x"})
    assert manifest_hash(tmp_path) == first  # byte-stable
    (tmp_path / "test.ids").write_text("b\na\n")
    with pytest.raises(ValueError, match="already in split"):
        read_assignment(tmp_path)
    assert set(SPLITS) == {"train", "validation", "test"}
