"""Every published test number is recomputed from the committed per-item files alone (results/<task>/<model>/),
and our retrieval scores equal pytrec_eval's and MTEB's on the committed qrels and run files."""
import json
import math
from pathlib import Path

import pytest

from arnews_ds.baselines.items import load_views, rescore
from arnews_ds.baselines.significance import confidence_intervals
from arnews_ds.trec import read_qrels, read_run

RESULTS = Path(__file__).resolve().parents[1] / "results"
PER_ITEM = {"topic": "predictions.jsonl", "headline": "item_scores.jsonl", "retrieval": "run.test.trec"}
COMMITTED = sorted(f for task, name in PER_ITEM.items() for f in RESULTS.glob(f"{task}/*")
                   if (f / name).exists() or (f / f"{name}.gz").exists())


def _assert_same(recomputed, published, path=""):
    assert isinstance(published, dict), path
    assert recomputed.keys() == published.keys(), path
    for key, value in published.items():
        if isinstance(value, dict):
            _assert_same(recomputed[key], value, f"{path}.{key}")
        elif isinstance(value, list):
            assert recomputed[key] == pytest.approx(value, abs=1e-6), f"{path}.{key}"
        else:
            assert recomputed[key] == pytest.approx(value, abs=1e-6), f"{path}.{key}"


def test_per_item_files_are_committed_for_the_tfidf_baselines():
    assert {f"{f.parent.name}/{f.name}" for f in COMMITTED} >= {"topic/tfidf", "headline/tfidf", "retrieval/tfidf"}


@pytest.mark.parametrize("folder", COMMITTED, ids=lambda f: f"{f.parent.name}-{f.name}")
def test_published_test_numbers_and_intervals_recompute_from_committed_files(folder):
    task = folder.parent.name
    published = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    _assert_same(rescore(task, folder), published["test"])
    views, metrics = load_views(task, folder)
    _assert_same(confidence_intervals(task, views, metrics.get("label_names")), published["test_ci95"])
    assert published["n_test"] == len(views[""])


RETRIEVAL = [f for f in COMMITTED if f.parent.name == "retrieval"]


@pytest.mark.parametrize("folder", RETRIEVAL, ids=lambda f: f.name)
def test_retrieval_numbers_equal_pytrec_eval_on_the_committed_files(folder):
    import pytrec_eval

    qrels, run = read_qrels(folder / "qrels.test.txt"), read_run(folder / "run.test.trec")
    run = {q: dict(ranking) for q, ranking in run.items()}
    assert all(q not in ranking for q, ranking in run.items())  # the query's own id is never ranked
    per_query = pytrec_eval.RelevanceEvaluator(qrels, {"ndcg_cut_10", "recall_100", "map"}).evaluate(run)
    top10 = {q: dict(sorted(r.items(), key=lambda x: (x[1], x[0]), reverse=True)[:10]) for q, r in run.items()}
    rr = pytrec_eval.RelevanceEvaluator(qrels, {"recip_rank"}).evaluate(top10)
    assert set(per_query) == set(qrels)  # every judged query has a ranking, so every evaluator averages the same set
    expected = {"ndcg_at_10": "ndcg_cut_10", "recall_at_100": "recall_100", "map": "map"}
    published = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    for ours, theirs in expected.items():
        mean = sum(per_query[q][theirs] for q in qrels) / len(qrels)
        assert published["test"][ours] == pytest.approx(mean, abs=1e-6), ours
    assert published["test"]["mrr_at_10"] == pytest.approx(sum(rr[q]["recip_rank"] for q in qrels) / len(qrels),
                                                           abs=1e-6)
    assert published["n_test"] == len(qrels)


@pytest.mark.parametrize("folder", RETRIEVAL[:1], ids=lambda f: f.name)
def test_mteb_evaluator_gives_the_card_numbers(folder):
    """The card's MTEB recipe: MTEB's scorer (5 decimals) on the same qrels and run, identical ids dropped."""
    from mteb._evaluators.retrieval_metrics import calculate_retrieval_scores

    qrels, run = read_qrels(folder / "qrels.test.txt"), read_run(folder / "run.test.trec")
    results = {q: {d: s for d, s in ranking if d != q} for q, ranking in run.items()}
    scores = calculate_retrieval_scores(results, qrels, [10, 100])
    published = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))["test"]
    for ours, theirs in (("ndcg_at_10", scores.ndcg["NDCG@10"]), ("recall_at_100", scores.recall["Recall@100"]),
                         ("map", scores.map["MAP@100"]), ("mrr_at_10", scores.mrr["MRR@10"])):
        assert math.isclose(published[ours], theirs, abs_tol=5e-6), ours
