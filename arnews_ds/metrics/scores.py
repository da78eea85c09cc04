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


def headline_scores(
    predictions: Sequence[str], references: Sequence[str] | Sequence[Sequence[str]]
) -> dict[str, float]:
    """ROUGE-1/2/L F1 without (`rouge1`...) and with Snowball light stemming (`rouge1_stem`...), chrF and BLEU; 0-100.

    ROUGE uses `arabic.tokenize`; with several references per item each ROUGE type takes the best reference by F1
    (as rouge_score's `score_multi`), then items are averaged. chrF (sacrebleu defaults) and BLEU (sacrebleu with
    `tokenize="intl"`, which splits Arabic punctuation such as ، and ؟ that the default 13a tokenizer leaves
    attached) are corpus-level scores over every reference.
    """
    import sacrebleu

    predictions = list(predictions)
    reference_lists = _as_reference_lists(references)
    if len(predictions) != len(reference_lists):
        raise ValueError(f"{len(predictions)} predictions but {len(reference_lists)} references")
    if not predictions:
        raise ValueError("no items to score")

    totals = dict.fromkeys([*ROUGE_TYPES, *(f"{t}_stem" for t in ROUGE_TYPES)], 0.0)
    for pred, refs in zip(predictions, reference_lists):
        for stem, suffix in ((False, ""), (True, "_stem")):
            pred_tokens = tokenize(pred, stem=stem)
            per_ref = [_rouge(pred_tokens, tokenize(ref, stem=stem)) for ref in refs]
            for rouge_type in ROUGE_TYPES:
                totals[rouge_type + suffix] += max(s[rouge_type] for s in per_ref)
    scores = {name: 100 * total / len(predictions) for name, total in totals.items()}

    # sacrebleu reads references as streams (stream k = k-th reference of every item); None pads shorter lists.
    n_streams = max(len(refs) for refs in reference_lists)
    streams = [[refs[k] if k < len(refs) else None for refs in reference_lists] for k in range(n_streams)]
    scores["chrf"] = sacrebleu.corpus_chrf(predictions, streams).score
    scores["bleu"] = sacrebleu.corpus_bleu(predictions, streams, tokenize="intl").score
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


def retrieval_scores(
    qrels: Mapping[str, Mapping[str, int]],
    run: Mapping[str, Ranking],
    ignore_identical_ids: bool = True,
) -> dict[str, float]:
    """nDCG@10 (the headline metric), MRR@10, Recall@100 and MAP, averaged over queries with a relevant judgment.

    Definitions follow trec_eval: nDCG gain is the grade itself (`ndcg_cut_10`), a document is relevant when its
    grade is >= 1 (MRR, recall, MAP), MAP runs over the whole ranking. A run entry per query is either
    `{doc_id: score}` or `[(doc_id, score), ...]`; either way documents are ordered by score. A query with
    judgments but no ranking scores 0. With `ignore_identical_ids`, the query's own id is dropped from its
    ranking (query articles are corpus articles).
    """
    totals = {"ndcg_at_10": 0.0, "mrr_at_10": 0.0, "recall_at_100": 0.0, "map": 0.0}
    n_queries = 0
    for query_id, judged in qrels.items():
        grades = {doc_id: int(grade) for doc_id, grade in judged.items()}
        n_relevant = sum(grade >= 1 for grade in grades.values())
        if not n_relevant:
            continue
        n_queries += 1
        ranked = _ranked_doc_ids(run.get(query_id, {}), query_id if ignore_identical_ids else None)
        ranked_grades = [grades.get(doc_id, 0) for doc_id in ranked]

        dcg = sum(max(g, 0) / math.log2(rank + 1) for rank, g in enumerate(ranked_grades[:10], 1))
        ideal = sorted((g for g in grades.values() if g > 0), reverse=True)[:10]
        totals["ndcg_at_10"] += dcg / sum(g / math.log2(rank + 1) for rank, g in enumerate(ideal, 1))

        first_hit = next((rank for rank, g in enumerate(ranked_grades[:10], 1) if g >= 1), None)
        totals["mrr_at_10"] += 1 / first_hit if first_hit else 0.0
        totals["recall_at_100"] += sum(g >= 1 for g in ranked_grades[:100]) / n_relevant

        hits, precision_sum = 0, 0.0
        for rank, g in enumerate(ranked_grades, 1):
            if g >= 1:
                hits += 1
                precision_sum += hits / rank
        totals["map"] += precision_sum / n_relevant
    if not n_queries:
        raise ValueError("no query has a relevant judgment (grade >= 1)")
    return {name: total / n_queries for name, total in totals.items()}


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
