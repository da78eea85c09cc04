"""Annotation tooling: sampling, validation on import, kappa against scikit-learn, pooling."""
import random

import pytest

from arnews_ds import annotate as an
from arnews_ds import pooling


def test_cohen_kappa_matches_sklearn():
    from sklearn.metrics import cohen_kappa_score

    rng = random.Random(3)
    for weights in (None, "linear", "quadratic"):
        a = [rng.choice("012") for _ in range(200)]
        b = [x if rng.random() < 0.6 else rng.choice("012") for x in a]
        assert an.cohen_kappa(a, b, weights, ["0", "1", "2"]) == pytest.approx(cohen_kappa_score(a, b, weights=weights))


def test_import_validates_and_appends(tmp_path):
    known = {"a" * 16, "b" * 16}
    labels = ["politics", "sports"]
    good = [{"id": "a" * 16, "label": "sports", "annotator": "x", "method": "manual", "guidelines": "2.0"}]
    assert an.import_rows("topic", good, known, labels, "batch.tsv", tmp_path) == 1
    with pytest.raises(an.ImportError_, match="duplicate"):
        an.import_rows("topic", good, known, labels, "again.tsv", tmp_path)
    bad_id = [{**good[0], "id": "c" * 16, "annotator": "y"}]
    with pytest.raises(an.ImportError_, match="unknown article id"):
        an.import_rows("topic", bad_id, known, labels, "b.tsv", tmp_path)
    silver = [{**good[0], "annotator": "y", "method": "silver:category-map"}]
    with pytest.raises(an.ImportError_, match="manual only"):
        an.import_rows("topic", silver, known, labels, "b.tsv", tmp_path)
    second = [{**good[0], "annotator": "y", "label": "politics"}]
    an.import_rows("topic", second, known, labels, "b.tsv", tmp_path)
    report = an.agreement(tmp_path)
    assert report["topic"]["double_labeled"] == 1 and report["topic"]["raw_agreement"] == 0


def test_related_rows_reject_self_judgment_and_bad_grades(tmp_path):
    known = {"a" * 16, "b" * 16}
    row = {"query_id": "a" * 16, "doc_id": "b" * 16, "grade": "2", "duplicate": "0", "annotator": "x",
           "method": "manual", "guidelines": "1.0"}
    assert an.import_rows("related", [row], known, [], "r.tsv", tmp_path) == 1
    with pytest.raises(an.ImportError_, match="grade"):
        an.import_rows("related", [{**row, "annotator": "y", "grade": "3"}], known, [], "r.tsv", tmp_path)
    with pytest.raises(an.ImportError_, match="itself"):
        an.import_rows("related", [{**row, "annotator": "y", "doc_id": "a" * 16}], known, [], "r.tsv", tmp_path)


def test_import_accepts_committed_rows_on_since_merged_articles(tmp_path):
    """A committed judgment may name an article later merged into a duplicate cluster (the build maps it to the
    representative); new rows must still name known articles, and repeats are still caught."""
    row = {"query_id": "a" * 16, "doc_id": "b" * 16, "grade": "1", "duplicate": "0", "annotator": "x",
           "method": "manual", "guidelines": "1.0"}
    an.import_rows("related", [row], {"a" * 16, "b" * 16}, [], "old.tsv", tmp_path)
    now_known = {"a" * 16, "c" * 16}  # "b"*16 was merged away since
    assert an.import_rows("related", [{**row, "doc_id": "c" * 16}], now_known, [], "new.tsv", tmp_path) == 1
    with pytest.raises(an.ImportError_, match="new.tsv:2: unknown article id"):
        an.import_rows("related", [{**row, "annotator": "y"}], now_known, [], "new.tsv", tmp_path)
    with pytest.raises(an.ImportError_, match="duplicate judgment"):
        an.import_rows("related", [{**row, "doc_id": "c" * 16}], now_known, [], "new.tsv", tmp_path)
    assert len(an.read_gold("related", tmp_path)) == 2


def test_pooling_unions_top_k_of_every_system_without_the_query():
    runs = {"s1": {"q": [("d1", 3.0), ("d2", 2.0), ("q", 1.0)]}, "s2": {"q": [("d3", 1.0), ("d1", 0.5)]}}
    assert pooling.pool_related(["q"], runs, depth=2) == {"q": ["d1", "d2", "d3"]}


def test_topic_sample_is_stratified_and_hides_the_silver_label():
    arts = [{"id": f"{i:016x}", "outlet": "aawsat" if i % 3 == 0 else "x", "title": "ع", "body": "نص " * 400,
             "split": "test"} for i in range(90)]
    topic = [{"id": a["id"], "label": i % 2} for i, a in enumerate(arts) if a["outlet"] == "x"]
    items = an.sample_topic(arts, topic, ["politics", "sports"], 5, "aawsat", 7, seed=1)
    assert len(items) == 17 and all("label" not in i for i in items)
    assert len({i["id"] for i in items}) == 17 and all(len(i["text"]) <= an.SNIPPET + 2 for i in items)
    assert items == an.sample_topic(arts, topic, ["politics", "sports"], 5, "aawsat", 7, seed=1)
