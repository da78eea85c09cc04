"""Bootstrap intervals and paired tests (metrics/uncertainty.py) against closed forms and exact enumerations."""
import itertools
import math
import random

import numpy as np
import pytest
import sacrebleu

from arnews_ds.metrics.scores import corpus_score_from_statistics, corpus_statistics, topic_scores
from arnews_ds.metrics.uncertainty import (bootstrap_intervals, corpus_statistic, mean_statistic, paired_test,
                                           topic_statistics)


def test_mean_interval_matches_the_normal_approximation_and_is_seeded():
    values = [1.0] * 300 + [0.0] * 700  # p = 0.3, n = 1000
    ci = bootstrap_intervals({"acc": mean_statistic(values)}, n_resamples=2000, seed=3)["acc"]
    half = 1.96 * math.sqrt(0.3 * 0.7 / 1000)
    assert ci[0] == pytest.approx(0.3 - half, abs=0.006) and ci[1] == pytest.approx(0.3 + half, abs=0.006)
    assert bootstrap_intervals({"acc": mean_statistic(values)}, n_resamples=2000, seed=3)["acc"] == ci
    assert bootstrap_intervals({"acc": mean_statistic(values)}, n_resamples=2000, seed=4)["acc"] != ci


def test_topic_statistics_reproduce_topic_scores():
    rng = random.Random(1)
    names = ["a", "b", "c", "never"]
    gold = [rng.randrange(3) for _ in range(200)]
    pred = [g if rng.random() < 0.7 else rng.randrange(3) for g in gold]
    stats = topic_statistics(gold, pred, len(names))
    expected = topic_scores(gold, pred, names)
    assert stats["macro_f1"].value() == pytest.approx(expected["macro_f1"], abs=1e-12)
    assert stats["accuracy"].value() == pytest.approx(expected["accuracy"], abs=1e-12)
    lo, hi = bootstrap_intervals(stats, n_resamples=500)["macro_f1"]
    assert lo < expected["macro_f1"] < hi


def test_chrf_statistics_reproduce_sacrebleu_corpus_scores():
    preds = ["قال الوزير إن الاقتصاد ينمو", "فاز الفريق بالمباراة", "افتتاح معرض الكتاب في الرياض"]
    refs = [["الوزير: الاقتصاد ينمو بسرعة", "نمو الاقتصاد"], ["الفريق يفوز بالمباراة النهائية"],
            ["معرض الرياض للكتاب يفتح أبوابه"]]
    stats = corpus_statistics(preds, refs)
    streams = [[r[k] if k < len(r) else None for r in refs] for k in range(2)]
    chrf = corpus_statistic(stats["chrf"], lambda s: corpus_score_from_statistics("chrf", s))
    assert chrf.value() == pytest.approx(sacrebleu.corpus_chrf(preds, streams).score, abs=1e-9)
    bleu = corpus_score_from_statistics("bleu", [sum(col) for col in zip(*stats["bleu"])])
    assert bleu == pytest.approx(sacrebleu.corpus_bleu(preds, streams, tokenize="intl").score, abs=1e-9)


def test_paired_test_identical_and_clearly_different_systems():
    a = mean_statistic([0.2, 0.4, 0.9, 0.1] * 10)
    same = paired_test(a, a, n_resamples=200)
    assert same["difference"] == 0 and same["p_value"] == 1.0 and same["ci95_difference"] == [0, 0]
    better = paired_test(mean_statistic([1.0] * 40), mean_statistic([0.0] * 40), n_resamples=200)
    assert better["difference"] == 1 and better["p_value"] == pytest.approx(1 / 201, abs=1e-6)


def test_randomization_p_value_approximates_the_exact_permutation_test():
    rng = random.Random(7)
    a = [rng.random() for _ in range(12)]
    b = [x - 0.15 + rng.gauss(0, 0.2) for x in a]
    observed = abs(np.mean(a) - np.mean(b))
    exact = np.mean([abs(np.mean([y if s else x for x, y, s in zip(a, b, swaps)])
                         - np.mean([x if s else y for x, y, s in zip(a, b, swaps)])) >= observed - 1e-12
                     for swaps in itertools.product([0, 1], repeat=len(a))])
    approx = paired_test(mean_statistic(a), mean_statistic(b), n_resamples=4000, seed=2)["p_value"]
    assert 0 < exact < 0.5
    assert approx == pytest.approx(exact, abs=0.02)


def test_macro_f1_paired_test_uses_the_corpus_level_metric():
    gold = [0, 1, 2] * 30
    good, bad = list(gold), [0] * 90
    t = paired_test(topic_statistics(gold, good, 3)["macro_f1"], topic_statistics(gold, bad, 3)["macro_f1"],
                    n_resamples=300)
    assert t["difference"] == pytest.approx(1 - topic_scores(gold, bad, ["x", "y", "z"])["macro_f1"])
    assert t["p_value"] < 0.01 and t["ci95_difference"][0] > 0


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="different numbers of items"):
        paired_test(mean_statistic([1, 2, 3]), mean_statistic([1, 2]))
    with pytest.raises(ValueError, match=">= 2 items"):
        bootstrap_intervals({"x": mean_statistic([1.0])})
