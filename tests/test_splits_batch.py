"""New ids joining frozen splits (the batch rule), the temporal check and the pre-release repair, on tiny units."""
from arnews_ds.splits import (Unit, assign_splits, batch_split, group_bounds, repair_temporal, temporal_split,
                              temporal_violations)

G = ("saudinewsnet", "sabq")


def units(day: str, n: int, prefix: str, group=G) -> list[Unit]:
    return [Unit(f"{prefix}{k:03d}", group, day) for k in range(n)]


def rows(assignment: dict[str, str], us: list[Unit]) -> list[dict]:
    return [{"id": u.id, "corpus": u.group[0], "outlet": u.group[1], "published": u.date, "split": assignment[u.id]}
            for u in us]


OLD = [u for d in range(1, 11) for u in units(f"2015-07-{d:02d}", 10, f"o{d:02d}-")]
RELEASED = assign_splits(OLD)


def test_first_assignment_is_the_plain_temporal_split():
    assert RELEASED == temporal_split(OLD)
    assert list(RELEASED.values()).count("train") == 80 and temporal_violations(rows(RELEASED, OLD)) == []


def test_a_later_batch_goes_to_validation_and_test_only():
    new = units("2015-08-10", 40, "n-")
    out = assign_splits(OLD + new, RELEASED)
    assert {i: out[i] for i in RELEASED} == RELEASED  # released ids never move
    got = [out[u.id] for u in new]
    assert got.count("train") == 0 and got.count("validation") == 20 and got.count("test") == 20
    assert temporal_violations(rows(out, OLD + new)) == []


def test_an_older_batch_goes_to_train_and_an_in_between_one_is_split_by_time():
    older = units("2015-06-30", 5, "a-")
    assert {assign_splits(OLD + older, RELEASED)[u.id] for u in older} == {"train"}
    # A group whose held-out block starts on the day its train block ends: same-date articles are free.
    bounds = group_bounds(OLD, RELEASED)
    assert bounds[G] == ("2015-07-08", "2015-07-09")
    tie = [Unit(f"t{k}", G, "2015-07-08") for k in range(3)] + [Unit(f"u{k}", G, "2015-07-09") for k in range(3)]
    out = batch_split(tie, *bounds[G])
    assert temporal_violations(rows(RELEASED | out, OLD + tie)) == []


def test_a_new_outlet_gets_its_own_temporal_split():
    other = [u for d in range(1, 11) for u in units(f"2016-01-{d:02d}", 10, f"x{d:02d}-", ("ant-v2.1", "bbc-arabic"))]
    out = assign_splits(OLD + other, RELEASED)
    assert {u.id: out[u.id] for u in other} == temporal_split(other)


def test_new_members_of_a_released_cluster_take_its_split():
    rep = OLD[0]
    grown = Unit(rep.id, rep.group, rep.date, ("n-copy",))
    out = assign_splits([grown, *OLD[1:]], RELEASED)
    assert out["n-copy"] == RELEASED[rep.id] == "train"


def test_violations_name_the_group_and_skip_released_pairs():
    broken = dict(RELEASED, **{OLD[-1].id: "train"})  # the latest article moved into train
    lines = temporal_violations(rows(broken, OLD))
    assert len(lines) == 1 and "saudinewsnet/sabq" in lines[0] and OLD[-1].id in lines[0]
    assert temporal_violations(rows(broken, OLD), released=frozenset(broken)) == []


def test_repair_moves_the_fewest_clusters_with_their_members():
    late = Unit("late", G, "2015-07-10", ("late-copy",))
    broken = dict(RELEASED, late="train", **{"late-copy": "train"})
    fixed, moved = repair_temporal(broken, [*OLD, late])
    assert moved == 2 and fixed["late"] == fixed["late-copy"] == "validation"
    assert temporal_violations(rows(fixed, [*OLD, late])) == []
    assert repair_temporal(RELEASED, OLD) == (RELEASED, 0)
