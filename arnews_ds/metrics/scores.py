"""The benchmark's scores as pure functions; the evaluate modules in this package are thin wrappers over them.

Scales: topic and retrieval scores are fractions in [0, 1]; headline scores (ROUGE, chrF, BLEU) are on 0-100.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from .arabic import tokenize

# --------------------------------------------------------------------------------------------------- topic


def topic_scores(gold: Sequence[int], pred: Sequence[int], label_names: Sequence[str]) -> dict[str, float]:
    """Accuracy, macro-F1 over every label in `label_names` (the headline metric) and `f1_<label>` per class.

    A class with no gold and no predicted item scores F1 = 0 (scikit-learn's `zero_division=0`).
    """
    gold, pred, label_names = [int(g) for g in gold], [int(p) for p in pred], list(label_names)
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold labels but {len(pred)} predictions")
    if not gold:
        raise ValueError("no items to score")
    if len(set(label_names)) != len(label_names):
        raise ValueError(f"duplicate label names: {label_names}")
    n_labels = len(label_names)
    for label in (*gold, *pred):
        if not 0 <= label < n_labels:
            raise ValueError(f"label {label} outside 0..{n_labels - 1}")
    tp, fp, fn = [0] * n_labels, [0] * n_labels, [0] * n_labels
    for g, p in zip(gold, pred):
        if g == p:
            tp[g] += 1
        else:
            fp[p] += 1
            fn[g] += 1
    f1 = [2 * tp[c] / (2 * tp[c] + fp[c] + fn[c]) if tp[c] else 0.0 for c in range(n_labels)]
    scores = {"accuracy": sum(tp) / len(gold), "macro_f1": sum(f1) / n_labels}
    scores |= {f"f1_{name}": f1[c] for c, name in enumerate(label_names)}
    return scores


# ------------------------------------------------------------------------------------------------ headline

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")


def _ngram_f1(pred: list[str], ref: list[str], n: int) -> float:
    pred_ngrams = Counter(tuple(pred[i : i + n]) for i in range(len(pred) - n + 1))
    ref_ngrams = Counter(tuple(ref[i : i + n]) for i in range(len(ref) - n + 1))
    overlap = sum((pred_ngrams & ref_ngrams).values())
    return _f1(overlap, sum(pred_ngrams.values()), sum(ref_ngrams.values()))


def _lcs_length(a: list[str], b: list[str]) -> int:
    if len(a) < len(b):
        a, b = b, a
    row = [0] * (len(b) + 1)
    for x in a:
        diagonal = 0  # row[j - 1] of the previous row
        for j, y in enumerate(b, 1):
            diagonal, row[j] = row[j], diagonal + 1 if x == y else max(row[j], row[j - 1])
    return row[-1]


def _f1(overlap: int, n_pred: int, n_ref: int) -> float:
    if not overlap:
        return 0.0
    precision, recall = overlap / n_pred, overlap / n_ref
    return 2 * precision * recall / (precision + recall)


def _rouge(pred: list[str], ref: list[str]) -> dict[str, float]:
    """F1 of ROUGE-1, ROUGE-2 and ROUGE-L (LCS over the whole token sequence, like rouge_score's `rougeL`)."""
    rouge_l = _f1(_lcs_length(pred, ref), len(pred), len(ref))
    return {"rouge1": _ngram_f1(pred, ref, 1), "rouge2": _ngram_f1(pred, ref, 2), "rougeL": rouge_l}


def _as_reference_lists(references: Sequence[str] | Sequence[Sequence[str]]) -> list[list[str]]:
    lists = [[r] if isinstance(r, str) else list(r) for r in references]
    for i, refs in enumerate(lists):
        if not refs or not all(isinstance(r, str) for r in refs):
            raise ValueError(f"item {i}: references must be a string or a non-empty list of strings, got {refs!r}")
    return lists


def headline_item_scores(
    predictions: Sequence[str], references: Sequence[str] | Sequence[Sequence[str]]
) -> list[dict[str, float]]:
    """Per item: ROUGE-1/2/L F1 without (`rouge1`...) and with Snowball light stemming (`rouge1_stem`...), 0-100.

    ROUGE uses `arabic.tokenize`; with several references per item each ROUGE type takes the best reference by F1
    (as rouge_score's `score_multi`).
    """
    predictions = list(predictions)
    reference_lists = _as_reference_lists(references)
    if len(predictions) != len(reference_lists):
        raise ValueError(f"{len(predictions)} predictions but {len(reference_lists)} references")
    items = []
    for pred, refs in zip(predictions, reference_lists):
        item = {}
        for stem, suffix in ((False, ""), (True, "_stem")):
            pred_tokens = tokenize(pred, stem=stem)
            per_ref = [_rouge(pred_tokens, tokenize(ref, stem=stem)) for ref in refs]
            item |= {rouge_type + suffix: 100 * max(s[rouge_type] for s in per_ref) for rouge_type in ROUGE_TYPES}
        items.append(item)
    return items


CORPUS_METRICS = ("chrf", "bleu")


def _sacrebleu_metric(name: str):
    from sacrebleu.metrics import BLEU, CHRF

    # BLEU with `tokenize="intl"`, which splits Arabic punctuation such as ، and ؟ that the default 13a tokenizer
    # leaves attached; chrF with sacrebleu's defaults.
    return CHRF() if name == "chrf" else BLEU(tokenize="intl")


def corpus_statistics(
    predictions: Sequence[str], references: Sequence[str] | Sequence[Sequence[str]]
) -> dict[str, list[list[int | float]]]:
    """Per item, sacrebleu's sufficient statistics of chrF and BLEU (n-gram counts: numbers, no text).

    Summed over items they give the corpus score exactly (`corpus_score_from_statistics`), so the corpus scores of a
    subset or a bootstrap resample need no text.
    """
    predictions = list(predictions)
    reference_lists = _as_reference_lists(references)
    # sacrebleu reads references as streams (stream k = k-th reference of every item); None pads shorter lists.
    n_streams = max((len(refs) for refs in reference_lists), default=1)
    streams = [[refs[k] if k < len(refs) else None for refs in reference_lists] for k in range(n_streams)]
    return {name: [[int(x) if float(x).is_integer() else float(x) for x in row]
                   for row in _sacrebleu_metric(name)._extract_corpus_statistics(predictions, streams)]
            for name in CORPUS_METRICS}


def corpus_score_from_statistics(name: str, summed: Sequence[float]) -> float:
    """The corpus chrF or BLEU (0-100) from per-item statistics summed over the items."""
    return float(_sacrebleu_metric(name)._compute_score_from_stats(list(summed)).score)


def headline_scores(
    predictions: Sequence[str], references: Sequence[str] | Sequence[Sequence[str]]
) -> dict[str, float]:
    """ROUGE-1/2/L F1 without and with light stemming (`headline_item_scores`, averaged over items), chrF and BLEU
    (corpus-level, over every reference); 0-100."""
    items = headline_item_scores(predictions, references)
    if not items:
        raise ValueError("no items to score")
    scores = {name: sum(item[name] for item in items) / len(items) for name in items[0]}
    for name, rows in corpus_statistics(predictions, references).items():
        scores[name] = corpus_score_from_statistics(name, [sum(col) for col in zip(*rows)])
    return scores


# ----------------------------------------------------------------------------------------------- retrieval

Ranking = Mapping[str, float] | Iterable[tuple[str, float]]


def _ranked_doc_ids(ranking: Ranking, query_id: str | None) -> list[str]:
    """Doc ids by score, descending; ties by doc id descending, as trec_eval (and pytrec_eval) break them."""
    items = list(ranking.items()) if isinstance(ranking, Mapping) else [(d, s) for d, s in ranking]
    if len({d for d, _ in items}) != len(items):
        raise ValueError(f"query {query_id}: a document appears twice in its ranking")
    items.sort(key=lambda item: (float(item[1]), item[0]), reverse=True)
    return [d for d, _ in items if d != query_id]


RETRIEVAL_METRICS = ("ndcg_at_10", "mrr_at_10", "recall_at_100", "map")


def retrieval_query_scores(
    qrels: Mapping[str, Mapping[str, int]],
    run: Mapping[str, Ranking],
    ignore_identical_ids: bool = True,
) -> dict[str, dict[str, float]]:
    """Per query of `qrels`: nDCG@10, MRR@10, Recall@100 and MAP, as trec_eval computes them.

    nDCG gain is the grade itself (`ndcg_cut_10`), a document is relevant when its grade is >= 1 (MRR, recall,
    MAP), MAP runs over the whole ranking. A run entry is either `{doc_id: score}` or `[(doc_id, score), ...]`;
    either way documents are ordered by score. A query without a ranking, or without a relevant judgment, scores 0
    (trec_eval's convention). With `ignore_identical_ids`, the query's own id is dropped from its ranking (query
    articles are corpus articles).
    """
    out = {}
    for query_id, judged in qrels.items():
        grades = {doc_id: int(grade) for doc_id, grade in judged.items()}
        n_relevant = sum(grade >= 1 for grade in grades.values())
        ranked = _ranked_doc_ids(run.get(query_id, {}), query_id if ignore_identical_ids else None)
        ranked_grades = [grades.get(doc_id, 0) for doc_id in ranked]
        if not n_relevant:
            out[query_id] = dict.fromkeys(RETRIEVAL_METRICS, 0.0)
            continue

        dcg = sum(max(g, 0) / math.log2(rank + 1) for rank, g in enumerate(ranked_grades[:10], 1))
        ideal = sorted((g for g in grades.values() if g > 0), reverse=True)[:10]
        first_hit = next((rank for rank, g in enumerate(ranked_grades[:10], 1) if g >= 1), None)
        hits, precision_sum = 0, 0.0
        for rank, g in enumerate(ranked_grades, 1):
            if g >= 1:
                hits += 1
                precision_sum += hits / rank
        out[query_id] = {
            "ndcg_at_10": dcg / sum(g / math.log2(rank + 1) for rank, g in enumerate(ideal, 1)),
            "mrr_at_10": 1 / first_hit if first_hit else 0.0,
            "recall_at_100": sum(g >= 1 for g in ranked_grades[:100]) / n_relevant,
            "map": precision_sum / n_relevant,
        }
    return out


def retrieval_scores(
    qrels: Mapping[str, Mapping[str, int]],
    run: Mapping[str, Ranking],
    ignore_identical_ids: bool = True,
) -> dict[str, float]:
    """nDCG@10 (the headline metric), MRR@10, Recall@100 and MAP (`retrieval_query_scores`), averaged over every
    query in `qrels`, as trec_eval, pytrec_eval, BEIR and MTEB average them."""
    per_query = retrieval_query_scores(qrels, run, ignore_identical_ids)
    if not per_query:
        raise ValueError("no judged query")
    if not any(g >= 1 for judged in qrels.values() for g in judged.values()):
        raise ValueError("no query has a relevant judgment (grade >= 1)")
    return {name: sum(q[name] for q in per_query.values()) / len(per_query) for name in RETRIEVAL_METRICS}


def judged_at_k(qrels: Mapping[str, Mapping[str, int]], run: Mapping[str, Ranking], k: int = 10,
                ignore_identical_ids: bool = True) -> float:
    """Share of the top-k documents that carry a judgment (any grade, 0 included), averaged over judged queries
    (ir_measures' `Judged@k`). With pooled judgments, a system that did not contribute to the pool has unjudged
    documents in its top k that count as not relevant, so its nDCG is a lower bound; this says how loose."""
    shares = []
    for query_id, judged in qrels.items():
        top = _ranked_doc_ids(run.get(query_id, {}), query_id if ignore_identical_ids else None)[:k]
        shares.append(sum(d in judged for d in top) / k)
    if not shares:
        raise ValueError("no judged query")
    return sum(shares) / len(shares)
