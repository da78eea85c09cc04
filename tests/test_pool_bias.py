"""Leave-one-system-out pool bias on a tiny synthetic pool (metrics/pool_bias.py)."""
import json
import math

import pytest

from arnews_ds.metrics.pool_bias import format_pool_bias, pool_bias, read_pools, unique_pairs

# q1: d1 relevant (grade 2) found only by A; d2 relevant found by A and B; d3 judged 0 only by B.
# q2: d4 relevant found only by the sweep; d5 relevant found only by B.
POOL = {"pools": {"q1": {"d1": ["A"], "d2": ["A", "B"], "d3": ["B"]},
                  "q2": {"d4": ["sweep"], "d5": ["B"]}},
        "systems": {"A": "bm25", "B": "bi-encoder", "sweep": "story sweep"}}
QRELS = {"q1": {"d1": 2, "d2": 1, "d3": 0}, "q2": {"d4": 1, "d5": 1}}
RUNS = {"A": {"q1": [("d1", 3.0), ("d2", 2.0)], "q2": [("x", 1.0)]},
        "B": {"q1": [("d2", 3.0), ("d3", 2.0)], "q2": [("d5", 2.0), ("d4", 1.0)]}}


def _dcg(grades):
    return sum(g / math.log2(i + 2) for i, g in enumerate(grades))


def test_unique_pairs_count_only_single_contributor_pairs():
    pools = read_pools(POOL)
    assert unique_pairs(pools, "A") == {("q1", "d1")}
    assert unique_pairs(pools, "B") == {("q1", "d3"), ("q2", "d5")}


def test_leave_one_out_scores_and_judged_at_k():
    bias = pool_bias(read_pools(POOL), QRELS, RUNS)
    ideal_q1, ideal_q2 = _dcg([2, 1]), _dcg([1, 1])
    a = bias["A"]
    assert a["ndcg_at_10"] == pytest.approx((1 + 0) / 2)
    # without d1, q1's only relevant document is d2, ranked second by A
    assert a["ndcg_at_10_without_unique"] == pytest.approx((_dcg([0, 1]) / _dcg([1]) + 0) / 2)
    assert (a["unique_pairs"], a["unique_relevant"], a["pooled"]) == (1, 1, True)
    assert a["judged_at_10"] == pytest.approx((2 / 10 + 0) / 2) and a["judged_at_20"] == pytest.approx(2 / 20 / 2)
    b = bias["B"]
    assert b["ndcg_at_10"] == pytest.approx((_dcg([1, 0]) / ideal_q1 + 1) / 2)
    # d3 (grade 0) changes nothing; without d5, q2 has only d4, which B ranks second
    assert b["ndcg_at_10_without_unique"] == pytest.approx((_dcg([1, 0]) / ideal_q1 + _dcg([0, 1]) / _dcg([1])) / 2)
    assert (b["unique_pairs"], b["unique_relevant"]) == (2, 1)
    assert ideal_q2 > 0


def test_card_table_names_systems_that_miss_the_targets():
    text = format_pool_bias(pool_bias(read_pools(POOL), QRELS, RUNS))
    assert "| A | yes | 0.5000 |" in text
    assert "`A` loses 0.185" in text and "`B` loses 0.185" in text
    assert "`A` has judged@10 0.100" in text and "`B` has judged@10 0.200" in text


def test_schema_v1_pool_file_is_refused_with_one_line():
    with pytest.raises(ValueError, match="schema-v2"):
        read_pools({"pools": {"q1": ["d1", "d2"]}})


def test_pool_bias_command_writes_the_file_from_tmp_pool_qrels_and_runs(tmp_path, capsys):
    from arnews_ds import cli, trec

    (tmp_path / "pool.json").write_text(json.dumps(POOL), encoding="utf-8")
    trec.write_qrels(tmp_path / "qrels.txt", QRELS)
    runs = [f"{name}={trec.write_run(tmp_path / f'{name}.trec', run, name)}" for name, run in RUNS.items()]
    out = tmp_path / "bias.json"
    assert cli.main(["pool-bias", "--pool", str(tmp_path / "pool.json"), "--qrels", str(tmp_path / "qrels.txt"),
                     "--run", *runs, "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8")) == pool_bias(read_pools(POOL), QRELS, RUNS)
    assert "| A | yes |" in capsys.readouterr().out


def test_pool_bias_command_errors_are_one_line(tmp_path, capsys):
    from arnews_ds import cli

    (tmp_path / "v1.json").write_text(json.dumps({"pools": {"q1": ["d1", "d2"]}}), encoding="utf-8")
    (tmp_path / "qrels.txt").write_text("q1 0 d1 1\n", encoding="utf-8")
    assert cli.main(["pool-bias", "--pool", str(tmp_path / "v1.json"), "--qrels", str(tmp_path / "qrels.txt"),
                     "--run", f"A={tmp_path / 'none.trec'}"]) == 1
    err = capsys.readouterr().err
    assert "v1.json: pool of query q1 is a list" in err and len(err.strip().splitlines()) == 1
    with pytest.raises(SystemExit):
        cli.main(["pool-bias", "--run", "no-equals-sign"])
    assert "is not SYSTEM=RUN_FILE" in capsys.readouterr().err
