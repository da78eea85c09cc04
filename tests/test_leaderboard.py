"""The card's leaderboard: one row per committed results/<task>/<model>/metrics.json."""
import json

from arnews_ds.card import LEGEND, SIGNIFICANCE_LEGEND, format_leaderboard, leaderboard


def _write(root, task, model, test, settings, wall):
    folder = root / task / model
    folder.mkdir(parents=True)
    (folder / "metrics.json").write_text(json.dumps(
        {"task": task, "model": model, "test": test, "dataset_version": "9.9.9", "settings": settings,
         "wall_time_s": wall}), encoding="utf-8")


def test_rows_carry_main_metric_hand_annotated_view_and_device(tmp_path):
    _write(tmp_path, "headline", "transformer", {"rougeL": 0.81, "multi_reference": {"rougeL": 0.7}},
           {"variant": "scratch", "device": "cpu", "torch_threads": 2}, 600.0)
    _write(tmp_path, "retrieval", "tfidf", {"ndcg_at_10": 0.5, "judged_at_10": 0.25}, {"variant": "bm25"}, 90.0)
    rows = leaderboard(tmp_path)
    assert [(r["task"], r["value"], r["hand"], r["device"]) for r in rows] == [
        ("headline", 0.81, 0.7, "cpu, 2 threads"), ("retrieval", 0.5, None, "cpu")]
    table = format_leaderboard(rows)
    assert "| headline | transformer | scratch | rougeL | 0.81 | 0.7 | 10 min (cpu, 2 threads) | 9.9.9 |" in table
    assert "| retrieval | tfidf | bm25 | ndcg_at_10 | 0.5 (judged@10 0.25) | — | 2 min (cpu) | 9.9.9 |" in table
    assert LEGEND in table and table.endswith(SIGNIFICANCE_LEGEND)
