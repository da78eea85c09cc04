"""Metrics: our own scoring code checked against independent implementations (scikit-learn, rouge_score, sacrebleu,
pytrec_eval), hand-computed cases, and the local evaluate modules loaded offline."""

import math
import random
import sys

import pytest

from arnews_ds.metrics import (
    METRICS,
    ArabicTokenizer,
    headline_scores,
    load_metric,
    judged_at_k,
    retrieval_inputs,
    retrieval_scores,
    tokenize,
    topic_scores,
)
from arnews_ds.metrics import arabic

# Self-written headline pairs (prediction, reference).
PAIRS = [
    ("الرئيس يزور الرياض لبحث التعاون الاقتصادي", "زيارة رسمية للرئيس إلى الرياض لبحث التعاون"),
    ("ارتفاع أسعار النفط في الأسواق العالمية", "أسعار النفط ترتفع في الأسواق العالمية اليوم"),
    ("المنتخب يفوز على منافسه بهدفين", "فوز المنتخب الوطني بهدفين دون رد"),
    ("افتتاح معرض الكتاب الدولي في جدة", "افتتاح معرض جدة الدولي للكتاب، بمشاركة واسعة"),
    ("هطول أمطار غزيرة على المناطق الشمالية", "أمطارٌ غزيرةٌ تهطل على الشمال؟"),
    ("وزارة الصحة تعلن حملة تطعيم جديدة", "الصحة: حملة تطعيم جديدة تبدأ الأسبوع المقبل"),
    ("", "عنوان لا يقابله أي توقع"),
]
VOCAB = "الرئيس الوزير يزور الرياض جدة النفط الأسواق المنتخب يفوز الكتاب معرض حملة جديدة في على من إلى".split()


# ------------------------------------------------------------------------------------------- tokenizer


def test_tokenize_strips_marks_and_splits_on_unicode_punctuation():
    text = "قالَ الرئيسُ، في بيانٍ: «الاقتصادُ يـــنمو» بنسبة ٣٪؟ Hello-World!"
    assert tokenize(text) == ["قال", "الرئيس", "في", "بيان", "الاقتصاد", "ينمو", "بنسبة", "٣", "hello", "world"]
    assert tokenize("كلمة\u200fأخرى\u200c") == ["كلمةأخرى"]  # invisible marks join, they do not split
    assert tokenize("  ،؛ ... ") == []


def test_tokenize_nfc():
    decomposed = "ا\u0653"  # alef + combining maddah -> NFC alef with madda (آ)
    assert tokenize(decomposed) == tokenize("آ") == ["آ"]


def test_stemming_uses_snowball_arabic_and_falls_back(monkeypatch):
    import snowballstemmer

    words = tokenize("المدارس يكتبون الرياض")
    expected = snowballstemmer.stemmer("arabic").stemWords(words)
    assert tokenize("المدارس يكتبون الرياض", stem=True) == expected
    assert expected != words  # the stemmer really changes Arabic words
    languages = []
    real_stemmer = snowballstemmer.stemmer
    monkeypatch.setattr(snowballstemmer, "stemmer", lambda lang: languages.append(lang) or real_stemmer(lang))
    monkeypatch.setitem(sys.modules, "Stemmer", None)  # PyStemmer missing -> snowballstemmer
    arabic._stemmer.cache_clear()
    try:
        assert tokenize("المدارس يكتبون الرياض", stem=True) == expected
        assert languages == ["arabic"]
    finally:
        arabic._stemmer.cache_clear()


def test_tokenizer_object():
    assert ArabicTokenizer(stem=True).tokenize("المدارس") == tokenize("المدارس", stem=True)
    assert ArabicTokenizer().tokenize("المدارس") == ["المدارس"]


# ----------------------------------------------------------------------------------------------- topic


@pytest.mark.parametrize("seed", range(5))
def test_topic_scores_match_sklearn(seed):
    from sklearn.metrics import accuracy_score, f1_score

    rng = random.Random(seed)
    names = ["politics", "economy", "sports", "culture", "health", "tech"]
    gold = [rng.randrange(5) for _ in range(200)]  # "tech" never gold; sometimes predicted
    pred = [g if rng.random() < 0.5 else rng.randrange(len(names) - (seed % 2)) for g in gold]
    scores = topic_scores(gold, pred, names)
    labels = list(range(len(names)))
    assert scores["accuracy"] == pytest.approx(accuracy_score(gold, pred), abs=1e-12)
    assert scores["macro_f1"] == pytest.approx(
        f1_score(gold, pred, labels=labels, average="macro", zero_division=0), abs=1e-12
    )
    per_class = f1_score(gold, pred, labels=labels, average=None, zero_division=0)
    for c, name in enumerate(names):
        assert scores[f"f1_{name}"] == pytest.approx(per_class[c], abs=1e-12)


def test_topic_scores_hand_case_and_errors():
    # gold a a b, pred a b b: f1_a = 2*1/(2+0+1) = 2/3, f1_b = 2/3
    scores = topic_scores([0, 0, 1], [0, 1, 1], ["a", "b"])
    assert scores == pytest.approx({"accuracy": 2 / 3, "macro_f1": 2 / 3, "f1_a": 2 / 3, "f1_b": 2 / 3})
    with pytest.raises(ValueError):
        topic_scores([0, 1], [0], ["a", "b"])
    with pytest.raises(ValueError):
        topic_scores([0, 2], [0, 1], ["a", "b"])


# -------------------------------------------------------------------------------------------- headline


def _rouge_score_reference(predictions, reference_lists, stem):
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], tokenizer=ArabicTokenizer(stem))
    per_item = [scorer.score_multi(refs, pred) for pred, refs in zip(predictions, reference_lists)]
    return {t: 100 * sum(s[t].fmeasure for s in per_item) / len(per_item) for t in ("rouge1", "rouge2", "rougeL")}


def _random_sentence(rng):
    return " ".join(rng.choice(VOCAB) for _ in range(rng.randrange(0, 12)))


def test_rouge_matches_rouge_score_with_our_tokenizer():
    rng = random.Random(0)
    predictions = [p for p, _ in PAIRS] + [_random_sentence(rng) for _ in range(60)]
    references = [r for _, r in PAIRS] + [_random_sentence(rng) or "الرياض" for _ in range(60)]
    ours = headline_scores(predictions, references)
    for stem, suffix in ((False, ""), (True, "_stem")):
        expected = _rouge_score_reference(predictions, [[r] for r in references], stem)
        for rouge_type, value in expected.items():
            assert ours[rouge_type + suffix] == pytest.approx(value, abs=1e-9)


def test_rouge_is_not_zero_on_arabic():
    from rouge_score import rouge_scorer

    pred, ref = PAIRS[1]
    default = rouge_scorer.RougeScorer(["rouge1"]).score(ref, pred)["rouge1"].fmeasure
    assert default == 0  # why we ship our own tokenizer
    scores = headline_scores([pred], [ref])
    assert scores["rouge1"] > 40 and scores["rougeL"] > 30


def test_rouge_hand_computed():
    # pred: زار الرئيس مدينة الرياض   ref: الرئيس يزور الرياض اليوم
    # shared words: الرئيس, الرياض -> P = R = 2/4 -> ROUGE-1 = 50; no shared bigram -> ROUGE-2 = 0;
    # LCS = (الرئيس, الرياض) = 2 -> ROUGE-L = 50.
    scores = headline_scores(["زار الرئيسُ مدينةَ الرياض."], ["الرئيس يزور الرياض اليوم"])
    assert scores["rouge1"] == pytest.approx(50)
    assert scores["rouge2"] == pytest.approx(0)
    assert scores["rougeL"] == pytest.approx(50)
    # pred 3 words, ref 5 words, 3 shared in order: P = 1, R = 3/5 -> F = 2*0.6/1.6 = 75; bigrams: 1 of 2 / 1 of 4
    scores = headline_scores(["النفط يرتفع اليوم"], ["النفط يرتفع في الأسواق اليوم"])
    assert scores["rouge1"] == pytest.approx(75)
    assert scores["rouge2"] == pytest.approx(100 * 2 * 0.5 * 0.25 / 0.75)
    assert scores["rougeL"] == pytest.approx(75)


def test_rouge_multi_reference_takes_best_reference():
    pred = PAIRS[0][0]
    good, bad = PAIRS[0][1], PAIRS[2][1]
    multi = headline_scores([pred, PAIRS[3][0]], [[bad, good], [PAIRS[3][1]]])
    single = headline_scores([pred, PAIRS[3][0]], [good, PAIRS[3][1]])
    for key in ("rouge1", "rouge2", "rougeL", "rouge1_stem", "rougeL_stem"):
        assert multi[key] == pytest.approx(single[key])
    expected = _rouge_score_reference([pred, PAIRS[3][0]], [[bad, good], [PAIRS[3][1]]], stem=False)
    assert multi["rougeL"] == pytest.approx(expected["rougeL"])


def test_chrf_and_bleu_equal_sacrebleu_corpus_scores():
    import sacrebleu

    predictions, references = [p for p, _ in PAIRS], [r for _, r in PAIRS]
    scores = headline_scores(predictions, references)
    assert scores["chrf"] == pytest.approx(sacrebleu.corpus_chrf(predictions, [references]).score)
    assert scores["bleu"] == pytest.approx(sacrebleu.corpus_bleu(predictions, [references], tokenize="intl").score)
    assert scores["bleu"] > 0


def test_chrf_and_bleu_multi_reference_padding():
    import sacrebleu

    predictions = [p for p, _ in PAIRS[:4]]
    refs = [[PAIRS[0][1], "زيارة الرئيس إلى الرياض"], [PAIRS[1][1]], [PAIRS[2][1], "المنتخب يفوز"], [PAIRS[3][1]]]
    scores = headline_scores(predictions, refs)
    # A missing second reference must be ignored, not read as "": repeating the first reference is equivalent.
    streams = [[r[0] for r in refs], [r[-1] for r in refs]]
    assert scores["chrf"] == pytest.approx(sacrebleu.corpus_chrf(predictions, streams).score)
    assert scores["bleu"] == pytest.approx(sacrebleu.corpus_bleu(predictions, streams, tokenize="intl").score)


def test_headline_input_errors():
    with pytest.raises(ValueError):
        headline_scores(["أ"], ["أ", "ب"])
    with pytest.raises(ValueError):
        headline_scores(["أ"], [[]])


# ------------------------------------------------------------------------------------------- retrieval


def _random_qrels_and_run(seed, n_queries=40, n_docs=400):
    rng = random.Random(seed)
    docs = [f"d{i:03d}" for i in range(n_docs)]
    qrels, run = {}, {}
    for q in range(n_queries):
        qid = f"q{q:02d}"
        judged = rng.sample(docs, rng.randrange(1, 25))
        qrels[qid] = {d: rng.choice([0, 0, 1, 1, 2, 3]) for d in judged}
        if q % 7 == 0:
            qrels[qid] = dict.fromkeys(judged, 0)  # judged but nothing relevant: averaged as 0, like trec_eval
        candidates = rng.sample(docs, rng.randrange(1, 160))
        candidates += [d for d in judged if rng.random() < 0.6 and d not in candidates]
        # Rounded scores make ties, which must be broken like trec_eval.
        run[qid] = {d: round(rng.random(), 1 if q % 2 else 6) for d in candidates}
    return qrels, run


def _trec_top(ranking, k):
    return dict(sorted(ranking.items(), key=lambda x: (x[1], x[0]), reverse=True)[:k])


def _pytrec_means(qrels, run):
    import pytrec_eval

    evaluator = pytrec_eval.RelevanceEvaluator(qrels, {"ndcg_cut_10", "recall_100", "map"})
    per_query = evaluator.evaluate(run)
    # pytrec_eval's recip_rank has no cut: score the top 10 only.
    rr_per_query = pytrec_eval.RelevanceEvaluator(qrels, {"recip_rank"}).evaluate(
        {q: _trec_top(r, 10) for q, r in run.items()}
    )
    averaged = list(qrels)  # every judged query, as pytrec_eval / BEIR / MTEB average
    assert set(per_query) == set(averaged)
    return {
        "ndcg_at_10": sum(per_query[q]["ndcg_cut_10"] for q in averaged) / len(averaged),
        "mrr_at_10": sum(rr_per_query[q]["recip_rank"] for q in averaged) / len(averaged),
        "recall_at_100": sum(per_query[q]["recall_100"] for q in averaged) / len(averaged),
        "map": sum(per_query[q]["map"] for q in averaged) / len(averaged),
    }


@pytest.mark.parametrize("seed", range(4))
def test_retrieval_matches_pytrec_eval(seed):
    qrels, run = _random_qrels_and_run(seed)
    expected = _pytrec_means(qrels, run)
    ours = retrieval_scores(qrels, run)
    assert ours.keys() == expected.keys()
    for name, value in expected.items():
        assert ours[name] == pytest.approx(value, abs=1e-6), name
    # the same run as ranked lists of (doc, score)
    as_lists = {q: sorted(r.items(), key=lambda x: -x[1]) for q, r in run.items()}
    assert retrieval_scores(qrels, as_lists) == pytest.approx(ours)


def test_retrieval_hand_computed():
    qrels = {
        "q1": {"d1": 2, "d2": 1, "d3": 0},
        "q2": {"d1": 0},  # no relevant document: scores 0 and counts in the average (trec_eval)
        "q3": {"d4": 1},  # relevant document but no ranking: scores 0
    }
    run = {"q1": [("d3", 0.9), ("d1", 0.8), ("x", 0.7), ("d2", 0.6)], "q2": [("d1", 1.0)]}
    # q1 grades by rank: 0, 2, 0, 1
    ndcg = (2 / math.log2(3) + 1 / math.log2(5)) / (2 / math.log2(2) + 1 / math.log2(3))
    mrr, recall, ap = 1 / 2, 2 / 2, (1 / 2 + 2 / 4) / 2
    assert retrieval_scores(qrels, run) == pytest.approx(
        {"ndcg_at_10": ndcg / 3, "mrr_at_10": mrr / 3, "recall_at_100": recall / 3, "map": ap / 3}
    )
    # a relevant document below rank 10 counts for recall and MAP but not for MRR@10 or nDCG@10
    deep = {"q1": [(f"x{i}", 1 - i / 100) for i in range(11)] + [("d1", 0.0)]}
    scores = retrieval_scores({"q1": {"d1": 1}}, deep)
    assert scores == pytest.approx({"ndcg_at_10": 0, "mrr_at_10": 0, "recall_at_100": 1, "map": 1 / 12})


def test_ignore_identical_ids_removes_the_query_itself():
    import pytrec_eval

    qrels, run = _random_qrels_and_run(7, n_queries=12)
    with_self = {q: {**r, q: 99.0} for q, r in run.items()}  # the query article ranks itself first
    assert retrieval_scores(qrels, with_self) == pytest.approx(retrieval_scores(qrels, run))
    assert retrieval_scores(qrels, with_self, ignore_identical_ids=False)["mrr_at_10"] < retrieval_scores(
        qrels, run
    )["mrr_at_10"]
    # not ignoring: the self-match is an unjudged document at rank 1, exactly as pytrec_eval sees it
    evaluator = pytrec_eval.RelevanceEvaluator(qrels, {"ndcg_cut_10"})
    per_query = evaluator.evaluate(with_self)
    averaged = list(qrels)  # every judged query, as pytrec_eval / BEIR / MTEB average
    assert set(per_query) == set(averaged)
    assert retrieval_scores(qrels, with_self, ignore_identical_ids=False)["ndcg_at_10"] == pytest.approx(
        sum(per_query[q]["ndcg_cut_10"] for q in averaged) / len(averaged), abs=1e-6
    )


def test_retrieval_errors():
    with pytest.raises(ValueError):
        retrieval_scores({"q": {"d": 0}}, {"q": {"d": 1.0}})
    with pytest.raises(ValueError):
        retrieval_scores({"q": {"d": 1}}, {"q": [("d", 1.0), ("d", 0.5)]})


# ------------------------------------------------------------------------------------- evaluate modules


def test_metric_modules_ship_with_the_package():
    assert set(METRICS) == {"topic", "headline", "retrieval"}
    for folder in METRICS.values():
        assert (folder / f"{folder.name}.py").is_file()


def test_topic_module_matches_scores():
    rng = random.Random(1)
    names = ["politics", "economy", "sports"]
    gold = [rng.randrange(3) for _ in range(50)]
    pred = [rng.randrange(3) for _ in range(50)]
    metric = load_metric("topic")
    assert metric.compute(predictions=pred, references=gold, label_names=names) == pytest.approx(
        topic_scores(gold, pred, names)
    )


def test_headline_module_matches_scores():
    predictions, references = [p for p, _ in PAIRS], [r for _, r in PAIRS]
    metric = load_metric("headline")
    assert metric.compute(predictions=predictions, references=references) == pytest.approx(
        headline_scores(predictions, references)
    )
    multi = [[r, "عنوان آخر"] if i % 2 else [r] for i, r in enumerate(references)]
    assert metric.compute(predictions=predictions, references=multi) == pytest.approx(
        headline_scores(predictions, multi)
    )


def test_retrieval_module_matches_scores():
    qrels, run = _random_qrels_and_run(3, n_queries=15)
    run = {q: {**r, q: 5.0} for q, r in run.items()}
    metric = load_metric("retrieval")
    assert metric.compute(**retrieval_inputs(qrels, run)) == pytest.approx(retrieval_scores(qrels, run))
    as_lists = {q: list(r.items()) for q, r in run.items()}
    assert metric.compute(**retrieval_inputs(qrels, as_lists), ignore_identical_ids=False) == pytest.approx(
        retrieval_scores(qrels, run, ignore_identical_ids=False)
    )


def test_judged_at_k_counts_judged_documents_of_any_grade_without_the_query():
    qrels = {"q1": {"d1": 2, "d2": 0}, "q2": {"d9": 1}}
    run = {"q1": [("q1", 9.0), ("d1", 3.0), ("x", 2.0), ("d2", 1.0)], "q2": [("y", 1.0)]}
    assert judged_at_k(qrels, run, k=2) == pytest.approx((1 / 2 + 0) / 2)  # q1's top 2 without itself: d1, x
    assert judged_at_k(qrels, run, k=3) == pytest.approx((2 / 3 + 0) / 2)
    assert judged_at_k(qrels, run, k=1) == pytest.approx((1 + 0) / 2)
    assert judged_at_k(qrels, run, k=1, ignore_identical_ids=False) == 0  # q1 itself is unjudged
