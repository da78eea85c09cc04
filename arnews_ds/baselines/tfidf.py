"""TF-IDF family baselines for topic and headline: a linear topic classifier and extractive headlines.

All text is folded by `normalize_for_model` and split by the metrics' Arabic `tokenize`, so features see the words
ROUGE sees. Each function tries a small, fixed set of variants, chooses one on validation only, and returns test
predictions; `runner.py` scores test. Retrieval (TF-IDF and BM25) lives in `lexical.py`. sklearn and scipy are
imported inside the functions that need them.
"""
from __future__ import annotations

import re
import statistics

import numpy as np

from .sparse import PARALLEL_MIN, TFIDF_MAX_DF, TFIDF_MIN_DF, Tfidf, _cap, _n_jobs, _top_k, model_tokens
from .types import BaselineResult, Options, TaskData

# ---------------------------------------------------------------------------------------------------- settings
# Topic: word and character TF-IDF (sublinear tf) into a linear SVM; C and class weighting chosen on validation.
TOPIC_GRID = tuple((c, w) for c in (0.1, 0.3, 1.0) for w in (None, "balanced"))
WORD_FEATURES = {"ngram_range": (1, 2), "min_df": 2, "max_df": 0.9, "max_features": 200_000}
CHAR_FEATURES = {"analyzer": "char_wb", "ngram_range": (2, 5), "min_df": 3, "max_features": 200_000}
# Character n-grams see the first CHAR_PREFIX characters of the folded text (the whole article for ~85% of them):
# char_wb runs in Python and dominates training time on long articles.
CHAR_PREFIX = 2000

# Headline: extractive variants, in the order that breaks validation ties.
HEADLINE_VARIANTS = ("lead", "centroid", "nearest_train")
MIN_SENTENCE_WORDS = 3  # shorter "sentences" are datelines, bylines and captions, not candidates
_SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+|\n+")
_TRIM_PUNCT = " .,،:;؛-–—\"'«»()[]"

# ------------------------------------------------------------------------------------------------------ topic
def _label_name(value, names: list[str]) -> str:
    return names[value] if isinstance(value, (int, np.integer)) else str(value)


def _vectorize(kind: str, train: list[str], others: list[list[str]]):
    """Fit one TF-IDF vectorizer on `train`; (vocabulary size, [train, *others] matrices). Runs in a worker."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    common = {"sublinear_tf": True, "lowercase": False, "dtype": np.float32}
    if kind == "word":
        vec = TfidfVectorizer(tokenizer=str.split, token_pattern=None, **WORD_FEATURES, **common)
        prep = list
    else:
        vec = TfidfVectorizer(**CHAR_FEATURES, **common)
        prep = lambda texts: [t[:CHAR_PREFIX] for t in texts]  # noqa: E731
    x = vec.fit_transform(prep(train))
    return len(vec.vocabulary_), [x, *(vec.transform(prep(o)) for o in others)]


def _fit_svc(x, y, c: float, class_weight: str | None, seed: int):
    from sklearn.svm import LinearSVC

    return LinearSVC(C=c, class_weight=class_weight, random_state=seed).fit(x, y)


def _topic_variant(c: float, class_weight: str | None) -> str:
    return f"linearsvc-C{c:g}" + ("-balanced" if class_weight else "")


def topic(data: TaskData, opts: Options) -> BaselineResult:
    """Word 1-2-gram + char_wb 2-5-gram TF-IDF into LinearSVC; C and class weighting by validation macro-F1."""
    import scipy.sparse as sp
    from joblib import Parallel, delayed

    from ..metrics.scores import topic_scores

    names = list(data.label_names) or sorted({str(r["label"]) for r in data.train})
    index = {n: i for i, n in enumerate(names)}
    train = _cap(data.train, opts)
    splits = {"train": train, "validation": data.validation, "test": data.test}
    texts = {s: [" ".join(t) for t in model_tokens([f"{r.get('title') or ''}\n{r['text']}" for r in rows])]
             for s, rows in splits.items()}
    gold = {s: np.array([index[_label_name(r["label"], names)] for r in rows]) for s, rows in splits.items()}

    parallel = len(train) >= PARALLEL_MIN
    parts = Parallel(n_jobs=_n_jobs(2) if parallel else 1)(
        delayed(_vectorize)(kind, texts["train"], [texts["validation"], texts["test"]]) for kind in ("word", "char"))
    (word_vocab, word_x), (char_vocab, char_x) = parts
    x = {s: sp.hstack([w, c], format="csr") for s, w, c in zip(splits, word_x, char_x)}

    models = Parallel(n_jobs=_n_jobs(len(TOPIC_GRID)) if parallel else 1)(
        delayed(_fit_svc)(x["train"], gold["train"], c, w, opts.seed) for c, w in TOPIC_GRID)
    validation = {}
    for (c, w), model in zip(TOPIC_GRID, models):
        validation[_topic_variant(c, w)] = topic_scores(gold["validation"], model.predict(x["validation"]),
                                                        names)["macro_f1"]
    best = max(range(len(TOPIC_GRID)), key=lambda i: validation[_topic_variant(*TOPIC_GRID[i])])  # first on ties
    (c, w), model = TOPIC_GRID[best], models[best]
    pred = model.predict(x["test"])
    predictions = [{"id": r["id"], "gold": names[g], "pred": names[p]}
                   for r, g, p in zip(data.test, gold["test"], pred)]
    settings = {
        "variant": _topic_variant(c, w),
        "classifier": "LinearSVC",
        "C": c,
        "class_weight": w,
        "grid": [_topic_variant(*g) for g in TOPIC_GRID],
        "text": "normalize_for_model(title + newline + body), arabic.tokenize",
        "word_features": {**WORD_FEATURES, "sublinear_tf": True, "vocabulary": word_vocab},
        "char_features": {**CHAR_FEATURES, "sublinear_tf": True, "prefix_chars": CHAR_PREFIX,
                          "vocabulary": char_vocab},
        "train_rows": len(train),
        "seed": opts.seed,
    }
    return BaselineResult(settings=settings, validation=validation, predictions=predictions)


# --------------------------------------------------------------------------------------------------- headline
def split_sentences(body: str) -> list[str]:
    """Sentences of a body: breaks at newlines and after . ! ? ؟ followed by whitespace."""
    return [s for s in (p.strip() for p in _SENTENCE_END.split(body or "")) if s]


def trim_words(sentence: str, n_words: int) -> str:
    """The first `n_words` words of a sentence, without dangling punctuation at either end."""
    return " ".join(sentence.split()[:n_words]).strip(_TRIM_PUNCT)


def _candidates(body: str) -> list[str]:
    sentences = split_sentences(body)
    return [s for s in sentences if len(s.split()) >= MIN_SENTENCE_WORDS] or sentences or [body or ""]


def _lead(bodies: list[str], n_words: int) -> list[str]:
    return [trim_words(_candidates(b)[0], n_words) for b in bodies]


def _centroid(bodies: list[str], tfidf: Tfidf, n_words: int) -> list[str]:
    """The sentence closest (cosine) to the mean TF-IDF vector of its body's sentences; earliest on ties."""
    import scipy.sparse as sp

    sentences = [_candidates(b) for b in bodies]
    owner = np.repeat(np.arange(len(bodies)), [len(s) for s in sentences])
    flat = [s for group in sentences for s in group]
    x = tfidf.transform(model_tokens(flat))
    mean = sp.csr_matrix((np.ones(len(flat), dtype=np.float32), (owner, np.arange(len(flat)))),
                         shape=(len(bodies), len(flat)))
    centroids = sp.diags(1 / np.bincount(owner, minlength=len(bodies))).astype(np.float32) @ mean @ x
    sims = np.asarray(x.multiply(centroids[owner]).sum(axis=1)).ravel()
    out, start = [], 0
    for group in sentences:
        out.append(trim_words(group[int(np.argmax(sims[start:start + len(group)]))], n_words))
        start += len(group)
    return out


def _nearest_train(bodies: list[str], tfidf: Tfidf, train_x, train_titles: list[str]) -> list[str]:
    """The headline of the training article whose body is most similar (TF-IDF cosine); the first one without any."""
    hits = _top_k(tfidf.transform(model_tokens(bodies)), train_x, k=1)
    return [train_titles[int(idx[0])] if len(idx) else train_titles[0] for idx, _ in hits]


def headline(data: TaskData, opts: Options) -> BaselineResult:
    """Extractive headlines (lead, centroid sentence, nearest training headline); the best by validation ROUGE-L."""
    from ..metrics.scores import headline_scores

    train = _cap(data.train, opts)
    n_words = max(1, round(statistics.median(len(r["headline"].split()) for r in train)))
    tfidf, train_x = Tfidf.fit(model_tokens([r["text"] for r in train]))
    train_titles = [r["headline"] for r in train]

    def predict(rows: list[dict]) -> dict[str, list[str]]:
        bodies = [r["text"] for r in rows]
        return {"lead": _lead(bodies, n_words), "centroid": _centroid(bodies, tfidf, n_words),
                "nearest_train": _nearest_train(bodies, tfidf, train_x, train_titles)}

    val_refs = [r["headline"] for r in data.validation]
    validation = {v: headline_scores(p, val_refs)["rougeL"] for v, p in predict(data.validation).items()}
    chosen = max(HEADLINE_VARIANTS, key=lambda v: validation[v])  # first in HEADLINE_VARIANTS on ties
    test_refs = [r["headline"] for r in data.test]
    test = predict(data.test)
    predictions = [{"id": r["id"], "reference": ref, "prediction": p}
                   for r, ref, p in zip(data.test, test_refs, test[chosen])]
    settings = {
        "variant": chosen,
        "variants": {
            "lead": f"first body sentence of >= {MIN_SENTENCE_WORDS} words, trimmed",
            "centroid": "body sentence closest to the mean TF-IDF vector of the body's sentences, trimmed",
            "nearest_train": "headline of the training article with the most similar body (TF-IDF cosine)",
        },
        "trim_words": n_words,
        "trim_words_rule": "median word count of training headlines",
        "tfidf": {"fit_on": "training bodies", "min_df": TFIDF_MIN_DF, "max_df": TFIDF_MAX_DF,
                  "sublinear_tf": True, "vocabulary": int(np.count_nonzero(tfidf.idf))},
        "train_rows": len(train),
        "seed": opts.seed,
    }
    extra = {"test_variants": {v: headline_scores(test[v], test_refs) for v in HEADLINE_VARIANTS}}
    hand = [i for i, r in enumerate(data.test) if r["id"] in data.references]
    if hand:  # as the runner scores the chosen variant: published title plus the hand-written references
        multi_refs = [[test_refs[i], *data.references[data.test[i]["id"]]] for i in hand]
        for v in HEADLINE_VARIANTS:
            extra["test_variants"][v]["multi_reference"] = {
                "n": len(hand), **headline_scores([test[v][i] for i in hand], multi_refs)}
    return BaselineResult(settings=settings, validation=validation, predictions=predictions, extra=extra)


