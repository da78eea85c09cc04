"""Dedup with released articles (`keep`): a released article stays its cluster's representative, whatever joins it."""
from arnews_ds.dedup import find_clusters, representative_key

from test_dedup import MATCH, OTHER_1, OTHER_2, ROAD, ROAD_TEXT, art, body, replaced


def test_a_longer_new_copy_joins_the_released_article_instead_of_replacing_it():
    released = art("a1", ROAD_TEXT)
    longer = art("b2", ROAD_TEXT + "\n" + OTHER_1)  # one sentence more: the longer body would win without `keep`
    assert find_clusters([released, longer]).cluster_of["a1"] == "b2"
    c = find_clusters([released, longer], keep={"a1"})
    assert c.cluster_of == {"a1": "a1", "b2": "a1"}
    assert c.link_of == {"a1": "self", "b2": "near"}


def test_two_released_articles_are_never_merged_through_a_new_bridge():
    # Each released text is a near copy of the new one (J ~0.84), not of each other (J ~0.70).
    left = art("r1", body(replaced(ROAD, 1, OTHER_1)))
    right = art("r2", body(replaced(ROAD, 14, OTHER_2)))
    bridge = art("n3", ROAD_TEXT)
    assert len({find_clusters([left, right, bridge]).cluster_of[i] for i in ("r1", "r2")}) == 1  # one cluster
    c = find_clusters([left, right, bridge], keep={"r1", "r2"})
    assert c.cluster_of["r1"] == "r1" and c.cluster_of["r2"] == "r2"
    assert c.cluster_of["n3"] in ("r1", "r2") and c.link_of["n3"] == "near"


def test_exact_copies_of_two_released_articles_stay_apart():
    c = find_clusters([art("r1", ROAD_TEXT), art("r2", ROAD_TEXT), art("n3", ROAD_TEXT)], keep={"r1", "r2"})
    assert c.cluster_of == {"n3": "r1", "r1": "r1", "r2": "r2"}


def test_keep_changes_nothing_else():
    arts = [art("a1", ROAD_TEXT), art("b2", ROAD_TEXT + "\n" + OTHER_1), art("c3", MATCH)]
    assert find_clusters(arts, keep={"zz"}) == find_clusters(arts)
    assert representative_key(arts[0], frozenset({"a1"})) < representative_key(arts[1], frozenset({"a1"}))
