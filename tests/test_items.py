"""Committed per-item files (baselines/items.py, trec.py), significance.json and the leaderboard's CI and marks."""
import json

import pytest

from arnews_ds import trec
from arnews_ds.baselines import items
from arnews_ds.baselines.significance import compare, confidence_intervals, write_significance
from arnews_ds.card import format_ci, format_leaderboard, leaderboard, significance_marks
from arnews_ds.metrics.scores import retrieval_scores, topic_scores

LABELS = ["politics", "sports"]


def test_topic_rows_carry_split_and_the_gold_label_they_are_scored_against():
    preds = [{"id": "a", "gold": "politics", "pred": "politics"}, {"id": "b", "gold": "politics", "pred": "sports"},
             {"id": "c", "gold": "sports", "pred": "sports"}]
    rows = items.topic_rows(preds)
    assert rows[1] == {"id": "b", "split": "test", "label": "politics", "pred": "sports"}
    views = items.topic_views(rows)
    assert set(views) == {""}
    test = items.score_views("topic", views, LABELS)
    assert test["accuracy"] == 2 / 3
    assert test["macro_f1"] == topic_scores([0, 0, 1], [0, 1, 1], LABELS)["macro_f1"]


def test_run_files_round_trip_exactly_with_ties_in_trec_order(tmp_path):
    run = {"q1": [("d1", 0.1 + 0.2), ("d3", 0.5), ("d2", 0.5), ("d4", 1 / 3)], "q0": {"d9": 2.0}}
    path = trec.write_run(tmp_path / "run.test.trec", run, "bm25-title_body")
    lines = path.read_text().splitlines()
    assert lines[0] == "q0 Q0 d9 1 2.0 bm25-title_body"
    assert [line.split()[2] for line in lines[1:]] == ["d3", "d2", "d4", "d1"]  # score, then doc id, descending
    back = trec.read_run(path)
    assert back["q1"] == trec.ranked(run["q1"])
    assert trec.read_run_tag(path) == "bm25-title_body"
    qrels = {"q1": {"d1": 1, "d2": 2}, "q0": {"d9": 0}}
    assert trec.read_qrels(trec.write_qrels(tmp_path / "qrels.test.txt", qrels)) == qrels
    assert retrieval_scores(qrels, back) == retrieval_scores(qrels, run)


def test_large_files_are_gzipped_deterministically(tmp_path, monkeypatch):
    monkeypatch.setattr(trec, "GZIP_ABOVE", 50)
    rows = [{"id": f"x{i}", "split": "test", "rougeL": i / 7} for i in range(20)]
    first = items.write_jsonl(tmp_path / "item_scores.jsonl", rows)
    data = first.read_bytes()
    assert first.name == "item_scores.jsonl.gz"
    assert items.write_jsonl(tmp_path / "item_scores.jsonl", rows).read_bytes() == data
    assert items.read_jsonl(tmp_path / "item_scores.jsonl") == rows == items.read_jsonl(first)


def _committed(root, model, correct, label_names=LABELS):
    """A committed topic result whose prediction is right on the items in `correct`."""
    folder = root / "topic" / model
    folder.mkdir(parents=True)
    rows = [{"id": f"i{k:03d}", "split": "test", "label": LABELS[k % 2], "gold": None,
             "pred": LABELS[k % 2] if k in correct else LABELS[1 - k % 2]} for k in range(100)]
    items.write_jsonl(folder / "predictions.jsonl", rows)
    views = items.topic_views(rows)
    metrics = {"task": "topic", "model": model, "dataset_version": "9.9.9", "settings": {"variant": model},
               "label_names": label_names, "test": items.score_views("topic", views, label_names),
               "test_ci95": confidence_intervals("topic", views, label_names, n_resamples=200)}
    (folder / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")


def test_significance_file_and_leaderboard_marks(tmp_path):
    _committed(tmp_path, "strong", correct=set(range(95)))
    _committed(tmp_path, "close", correct=set(range(93)))
    _committed(tmp_path, "weak", correct=set(range(60)))
    assert write_significance("topic", tmp_path).endswith("3 systems (close, strong, weak), 3 paired comparisons")
    sig = json.loads((tmp_path / "topic" / "significance.json").read_text(encoding="utf-8"))
    assert sig["systems"] == ["close", "strong", "weak"] and len(sig["pairs"]) == 3
    by_pair = {(p["a"], p["b"]): p["metrics"]["accuracy"] for p in sig["pairs"]}
    assert by_pair[("close", "strong")]["difference"] == pytest.approx(-0.02)
    assert by_pair[("close", "strong")]["p_value"] > 0.05 and by_pair[("strong", "weak")]["p_value"] < 0.01
    values = {"strong": 0.95, "close": 0.93, "weak": 0.6}
    assert significance_marks(sig, values, "accuracy") == {"strong": "≈", "close": "≈", "weak": ""}
    table = format_leaderboard(leaderboard(tmp_path), {"topic": sig})
    strong = next(line for line in table.splitlines() if "| strong |" in line)
    assert "| 0.95 [" in strong and "] ≈ |" in strong
    weak = next(line for line in table.splitlines() if "| weak |" in line)
    assert "≈" not in weak


def test_compare_pairs_only_shared_items_and_format_ci():
    a = {"": {f"q{i}": {m: i % 2 for m in items.CI_METRICS["retrieval"]} for i in range(10)}}
    b = {"": {f"q{i}": {m: 1.0 for m in items.CI_METRICS["retrieval"]} for i in range(5, 12)}}
    pair = compare("retrieval", {"a": (a, None), "b": (b, None)}, n_resamples=100)["pairs"][0]
    assert pair["n"] == 5 and pair["view"] == "test"
    assert pair["metrics"]["ndcg_at_10"]["difference"] == pytest.approx(0.6 - 1.0)
    assert format_ci(0.90036, [0.8931, 0.9071]) == "0.9004 [0.8931, 0.9071]"
    assert format_ci(None, None) == "—" and format_ci(0.5, None) == "0.5"


def test_significance_without_results_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no results for headline"):
        write_significance("headline", tmp_path)


def test_significance_command_is_thin_over_write_significance(tmp_path, capsys):
    from arnews_ds import cli

    _committed(tmp_path, "strong", correct=set(range(95)))
    _committed(tmp_path, "weak", correct=set(range(60)))
    assert cli.main(["significance", "--task", "topic", "--results", str(tmp_path)]) == 0
    assert "2 systems (strong, weak), 1 paired comparisons" in capsys.readouterr().out
    assert cli.main(["significance", "--task", "retrieval", "--results", str(tmp_path)]) == 1
    assert "no results for retrieval" in capsys.readouterr().err
