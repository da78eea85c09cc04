"""Bootstrap confidence intervals and paired significance tests over test items (pure, seeded functions).

A metric is given as a `Statistic`: per-item sufficient statistics (an items x k array) and a `reduce` that turns
their column sums into the metric. A mean of per-item scores (ROUGE, nDCG, ...) has one column; a corpus-level score
sums counts first (macro-F1 from per-class tp/fp/fn, chrF from n-gram counts). A bootstrap resample is then a vector
of draw counts per item, and its metric is `reduce(counts @ stats)`: every resample at numpy speed, with the same
definition as the published number (`reduce(stats.sum(0))` equals it, which the tests check).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

N_RESAMPLES = 1000
SEED = 0
LEVEL = 0.95
ALPHA = 0.05  # significance level the leaderboard marks
_CHUNK = 250  # resamples per matrix product (bounds memory on large test sets)
DIGITS = 6  # CI bounds are rounded: BLAS summation order may move the last bits between machines


@dataclass(frozen=True)
class Statistic:
    stats: np.ndarray  # items x k
    reduce: Callable[[np.ndarray], np.ndarray]  # (..., k) column sums -> (...) metric values

    @property
    def n(self) -> int:
        return self.stats.shape[0]

    def value(self) -> float:
        return float(self.reduce(self.stats.sum(axis=0)[None, :])[0])


def mean_statistic(values: Sequence[float]) -> Statistic:
    """The mean of per-item scores."""
    column = np.asarray(values, dtype=np.float64).reshape(-1, 1)
    n = column.shape[0]
    return Statistic(column, lambda sums: sums[..., 0] / n)


def topic_statistics(gold: Sequence[int], pred: Sequence[int], n_labels: int) -> dict[str, Statistic]:
    """Accuracy and macro-F1 over `n_labels` classes (F1 = 0 for a class never gold nor predicted), as
    `scores.topic_scores` defines them."""
    gold, pred = np.asarray(gold, dtype=np.int64), np.asarray(pred, dtype=np.int64)
    if gold.shape != pred.shape:
        raise ValueError(f"{gold.size} gold labels but {pred.size} predictions")
    n = gold.size
    onehot_gold, onehot_pred = np.eye(n_labels)[gold], np.eye(n_labels)[pred]
    tp = onehot_gold * onehot_pred
    # Columns: tp per class, fp per class, fn per class, correct.
    stats = np.hstack([tp, onehot_pred - tp, onehot_gold - tp, tp.sum(axis=1, keepdims=True)])

    def macro_f1(sums: np.ndarray) -> np.ndarray:
        tp_, fp_, fn_ = (sums[..., i * n_labels:(i + 1) * n_labels] for i in range(3))
        denominator = 2 * tp_ + fp_ + fn_
        f1 = np.divide(2 * tp_, denominator, out=np.zeros_like(tp_), where=tp_ > 0)
        return f1.mean(axis=-1)

    return {"macro_f1": Statistic(stats, macro_f1), "accuracy": Statistic(stats, lambda sums: sums[..., -1] / n)}


def corpus_statistic(item_stats: Sequence[Sequence[float]], score: Callable[[Sequence[float]], float]) -> Statistic:
    """A corpus-level score (chrF, BLEU) from per-item sufficient statistics and `score(summed statistics)`."""
    stats = np.asarray(item_stats, dtype=np.float64)
    return Statistic(stats, lambda sums: np.array([score(list(row)) for row in sums.reshape(-1, sums.shape[-1])]))


def _draw_counts(n: int, n_resamples: int, seed: int) -> Iterator[np.ndarray]:
    """Chunks of bootstrap resamples as draw counts per item (resamples x items), seeded."""
    rng = np.random.default_rng(seed)
    for start in range(0, n_resamples, _CHUNK):
        size = min(_CHUNK, n_resamples - start)
        draws = rng.integers(0, n, size=(size, n))
        yield np.stack([np.bincount(row, minlength=n) for row in draws]).astype(np.float64)


def _percentile_interval(values: np.ndarray, level: float) -> list[float]:
    lo, hi = np.quantile(values, [(1 - level) / 2, (1 + level) / 2])
    return [round(float(lo), DIGITS), round(float(hi), DIGITS)]


def bootstrap_intervals(statistics: Mapping[str, Statistic], n_resamples: int = N_RESAMPLES, seed: int = SEED,
                        level: float = LEVEL) -> dict[str, list[float]]:
    """Percentile bootstrap interval of each metric; all metrics share the same resamples of the items."""
    if not statistics:
        return {}
    n = _common_n(statistics.values())
    values: dict[str, list[np.ndarray]] = {name: [] for name in statistics}
    for counts in _draw_counts(n, n_resamples, seed):
        for name, s in statistics.items():
            values[name].append(s.reduce(counts @ s.stats))
    return {name: _percentile_interval(np.concatenate(v), level) for name, v in values.items()}


def paired_test(a: Statistic, b: Statistic, n_resamples: int = N_RESAMPLES, seed: int = SEED,
                level: float = LEVEL) -> dict[str, float | list[float]]:
    """Two systems scored on the same items (row i of `a` and `b` is the same item), with `a.reduce`:

    `difference` (a - b), its paired-bootstrap percentile interval `ci95_difference`, and the two-sided `p_value` of
    a paired approximate randomization test (each resample swaps the two systems' outputs on a random half of the
    items; p = (1 + #{|resampled difference| >= |observed|}) / (1 + resamples)).
    """
    n = _common_n([a, b])
    if a.stats.shape != b.stats.shape:
        raise ValueError(f"statistics of different shapes: {a.stats.shape} vs {b.stats.shape}")
    observed = a.value() - b.reduce(b.stats.sum(axis=0)[None, :])[0]
    boot = [a.reduce(c @ a.stats) - a.reduce(c @ b.stats) for c in _draw_counts(n, n_resamples, seed)]
    rng = np.random.default_rng(seed + 1)
    total_a, total_b, delta = a.stats.sum(axis=0), b.stats.sum(axis=0), b.stats - a.stats
    extreme = 0
    for start in range(0, n_resamples, _CHUNK):
        swaps = rng.integers(0, 2, size=(min(_CHUNK, n_resamples - start), n)).astype(np.float64)
        moved = swaps @ delta
        diffs = a.reduce(total_a + moved) - a.reduce(total_b - moved)
        extreme += int(np.sum(np.abs(diffs) >= abs(observed) - 1e-12))
    return {"difference": round(float(observed), DIGITS + 4),
            f"ci{round(level * 100)}_difference": _percentile_interval(np.concatenate(boot), level),
            "p_value": round((1 + extreme) / (1 + n_resamples), DIGITS)}


def _common_n(statistics) -> int:
    sizes = {s.n for s in statistics}
    if len(sizes) != 1:
        raise ValueError(f"statistics over different numbers of items: {sorted(sizes)}")
    n = sizes.pop()
    if n < 2:
        raise ValueError(f"need >= 2 items to resample, got {n}")
    return n
