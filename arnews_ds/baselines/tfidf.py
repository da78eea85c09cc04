"""TF-IDF family baselines: a linear topic classifier, extractive headlines, and TF-IDF / BM25 retrieval.

All text is folded by `normalize_for_model` and split by the metrics' Arabic `tokenize`, so features see the words
ROUGE sees. Each function tries a small, fixed set of variants, chooses one on validation only, and returns test
predictions; `runner.py` scores test. sklearn, scipy and bm25s are imported inside the functions that need them.
"""
from __future__ import annotations

import itertools
import os
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from . import BaselineResult, Options, TaskData
from ..text import normalize_for_model

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

# Retrieval: 2 scorers x 2 document views. The default (no judgments) is the standard BEIR-style lexical baseline.
RETRIEVAL_VARIANTS = ("bm25-title_body", "bm25-body", "tfidf-title_body", "tfidf-body")
DEFAULT_RETRIEVAL = "bm25-title_body"
RUN_DEPTH = 100
# BM25Okapi as rank_bm25 computes it (k1, b, tf * (k1 + 1) / (tf + k1 * norm), idf log((N - df + .5) / (df + .5)));
# bm25s clips a negative idf (df > N/2) to 0 where rank_bm25 floors it at 0.25 x mean idf.
BM25_K1, BM25_B = 1.5, 0.75
BM25_METHOD, BM25_IDF = "atire", "robertson"
# TF-IDF cosine: terms in more than half the documents (a stopword list's worth) carry little, and their posting
# lists are the longest in the sparse products.
TFIDF_MIN_DF, TFIDF_MAX_DF = 2, 0.5
# Worker processes (and numba's parallel kernel) take seconds to start: below this many rows/queries, one core.
PARALLEL_MIN = 2000
NUMBA_MIN_DOCS = 10_000  # below this, bm25s's numpy backend beats numba's one-off compilation


# ------------------------------------------------------------------------------------------------ shared text
def model_tokens(texts: list[str]) -> list[list[str]]:
    """Model-side words of each text: `normalize_for_model`, then the metrics' Arabic `tokenize`."""
    from ..metrics.arabic import tokenize

    return [tokenize(normalize_for_model(t or "")) for t in texts]


def _cap(rows: list[dict], opts: Options) -> list[dict]:
    """At most `opts.max_train` rows, a seeded sample kept in the original order."""
    if not opts.max_train or len(rows) <= opts.max_train:
        return rows
    keep = np.random.default_rng(opts.seed).choice(len(rows), size=opts.max_train, replace=False)
    return [rows[i] for i in sorted(keep)]


def _grow_ids(token_lists: list[list[str]]) -> tuple[list[list[int]], dict[str, int]]:
    """Token ids, assigning new ids in order of first sight."""
    vocab: defaultdict[str, int] = defaultdict()
    vocab.default_factory = vocab.__len__  # a C-level lookup per known token; ~10x faster than setdefault
    return [[vocab[t] for t in tokens] for tokens in token_lists], dict(vocab)


def _known_ids(token_lists: list[list[str]], vocab: dict[str, int]) -> list[list[int]]:
    return [[vocab[t] for t in tokens if t in vocab] for tokens in token_lists]


def _count_matrix(id_lists: list[list[int]], n_cols: int):
    """Documents x terms raw counts (CSR, float32)."""
    import scipy.sparse as sp

    lengths = np.fromiter(map(len, id_lists), dtype=np.int64, count=len(id_lists))
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    indices = np.fromiter(itertools.chain.from_iterable(id_lists), dtype=np.int32, count=int(indptr[-1]))
    counts = sp.csr_matrix((np.ones(len(indices), dtype=np.float32), indices, indptr), shape=(len(id_lists), n_cols))
    counts.sum_duplicates()
    return counts


@dataclass
class Tfidf:
    """Sublinear-tf, smoothed-idf, L2-normalized TF-IDF over pre-tokenized text (terms outside the df range weigh 0)."""

    vocab: dict[str, int]
    idf: np.ndarray

    @classmethod
    def fit(cls, token_lists: list[list[str]], min_df: int = TFIDF_MIN_DF, max_df: float = TFIDF_MAX_DF):
        """The model and the TF-IDF matrix of `token_lists`."""
        ids, vocab = _grow_ids(token_lists)
        return cls.fit_ids(ids, vocab, min_df, max_df)

    @classmethod
    def fit_ids(cls, id_lists: list[list[int]], vocab: dict[str, int], min_df: int = TFIDF_MIN_DF,
                max_df: float = TFIDF_MAX_DF):
        """`fit` on token ids of `vocab` (ids that never occur get weight 0)."""
        counts = _count_matrix(id_lists, len(vocab))
        n = counts.shape[0]
        df = np.bincount(counts.indices, minlength=len(vocab))
        idf = np.log((1 + n) / (1 + df)) + 1
        idf[(df < min_df) | (df > max_df * n)] = 0
        model = cls(vocab, idf.astype(np.float32))
        return model, model._weigh(counts)

    def transform(self, token_lists: list[list[str]]):
        return self.transform_ids(_known_ids(token_lists, self.vocab))

    def transform_ids(self, id_lists: list[list[int]]):
        return self._weigh(_count_matrix(id_lists, len(self.vocab)))

    def _weigh(self, counts):
        from sklearn.preprocessing import normalize

        if not counts.shape[0]:
            return counts
        x = counts.copy()
        x.data = (1 + np.log(x.data)) * self.idf[x.indices]
        x.eliminate_zeros()
        return normalize(x, copy=False)


def _top_k(queries, docs, k: int, exclude: list[int | None] | None = None):
    """For each query row, the (doc indices, scores) of its `k` best docs by dot product, best first.

    Docs scoring <= 0 are dropped; `exclude[i]` (a doc index) is never returned for query i. scipy's sparse product
    holds the GIL, so large query sets are split over worker processes.
    """
    from joblib import Parallel, delayed

    docs_t = docs.T.tocsr()
    n = queries.shape[0]
    jobs = _n_jobs(os.cpu_count() or 1) if n >= PARALLEL_MIN else 1
    bounds = np.linspace(0, n, jobs + 1).astype(int)
    parts = Parallel(n_jobs=jobs)(
        delayed(_top_k_part)(queries[a:b], docs_t, k, exclude[a:b] if exclude is not None else None)
        for a, b in zip(bounds[:-1], bounds[1:]))
    return [hit for part in parts for hit in part]


def _top_k_part(queries, docs_t, k: int, exclude: list[int | None] | None, chunk: int = 256):
    out = []
    n_docs = docs_t.shape[1]
    kk = min(k, n_docs)
    for start in range(0, queries.shape[0], chunk):
        scores = (queries[start:start + chunk] @ docs_t).toarray()
        for i, row in enumerate(scores):
            if exclude is not None and exclude[start + i] is not None:
                row[exclude[start + i]] = 0
            # Row by row: numpy's axis-wise argpartition is several times slower on these mostly-zero rows.
            top = np.argpartition(row, n_docs - kk)[n_docs - kk:] if kk < n_docs else np.arange(n_docs)
            top = top[row[top] > 0]
            top = top[np.argsort(-row[top], kind="stable")]
            out.append((top, row[top]))
    return out


def _n_jobs(n_tasks: int) -> int:
    return max(1, min(n_tasks, os.cpu_count() or 1))


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


# -------------------------------------------------------------------------------------------------- retrieval
@dataclass
class BM25Index:
    """A bm25s index over token ids of our vocabulary (queries map to ids here, not through bm25s)."""

    retriever: object  # bm25s.BM25
    vocab: dict[str, int]
    doc_ids: list[str]
    scoring: np.ndarray  # bool per token id: the token adds a non-zero score to some document

    @property
    def backend(self) -> str:
        return self.retriever.backend


def bm25_index(doc_ids: list[str], doc_tokens: list[list[str]], k1: float = BM25_K1, b: float = BM25_B) -> BM25Index:
    """Index tokenized documents with bm25s (BM25Okapi scoring, see BM25_METHOD)."""
    ids, vocab = _grow_ids(doc_tokens)
    return bm25_index_ids(doc_ids, ids, vocab, k1, b)


def bm25_index_ids(doc_ids: list[str], id_lists: list[list[int]], vocab: dict[str, int], k1: float = BM25_K1,
                   b: float = BM25_B) -> BM25Index:
    """`bm25_index` on token ids of `vocab`.

    The numba backend (when numba is installed) compiles for ~10 s on first use, so small corpora use numpy.
    """
    import bm25s

    backend = "auto" if len(doc_ids) >= NUMBA_MIN_DOCS else "numpy"
    retriever = bm25s.BM25(k1=k1, b=b, method=BM25_METHOD, idf_method=BM25_IDF, backend=backend)
    # bm25s adds "" to the vocabulary it is given; ours stays as is, and no query reaches it empty.
    retriever.index(bm25s.tokenization.Tokenized(ids=id_lists, vocab=dict(vocab)), create_empty_token=False,
                    show_progress=False)
    # Tokens in more than half the documents have idf 0: skipping them in queries changes no score, and they are
    # exactly the longest posting lists.
    data, indptr = retriever.scores["data"], retriever.scores["indptr"]
    nonzero = np.concatenate([[0], np.cumsum(data != 0)])
    scoring = np.zeros(len(vocab), dtype=bool)
    n = min(len(vocab), len(indptr) - 1)
    scoring[:n] = (nonzero[indptr[1:n + 1]] - nonzero[indptr[:n]]) > 0
    return BM25Index(retriever, vocab, list(doc_ids), scoring)


def bm25_search(index: BM25Index, query_tokens: list[list[str]], k: int = RUN_DEPTH,
                exclude: list[str | None] | None = None) -> list[list[tuple[str, float]]]:
    """Each query's `k` best documents as (doc id, score), best first; scores <= 0 and `exclude[i]` left out.

    Query words count with their multiplicity, as in rank_bm25's BM25Okapi.
    """
    return bm25_search_ids(index, _known_ids(query_tokens, index.vocab), k, exclude)


def bm25_search_ids(index: BM25Index, query_ids: list[list[int]], k: int = RUN_DEPTH,
                    exclude: list[str | None] | None = None) -> list[list[tuple[str, float]]]:
    """`bm25_search` on token ids of the index's vocabulary."""
    scoring = index.scoring
    queries = [[t for t in q if scoring[t]] for q in query_ids]
    out: list[list[tuple[str, float]]] = [[] for _ in queries]
    todo = [i for i, q in enumerate(queries) if q]
    if not todo:
        return out
    depth = min(k + 1, len(index.doc_ids))
    # numba's parallel kernel pays for a second compilation; only worth it on many queries.
    threads = _n_jobs(os.cpu_count() or 1) if index.backend == "numba" and len(todo) >= PARALLEL_MIN else 1
    docs, scores = index.retriever.retrieve([queries[i] for i in todo], k=depth, show_progress=False,
                                            n_threads=threads)
    doc_ids = index.doc_ids
    for i, d_row, s_row in zip(todo, docs.tolist(), scores.tolist()):
        own = exclude[i] if exclude is not None else None
        out[i] = [(doc_ids[d], s) for d, s in zip(d_row, s_row) if s > 0 and doc_ids[d] != own][:k]
    return out


def _tfidf_search(model: Tfidf, doc_x, doc_ids: list[str], query_ids: list[list[int]], positions: list[int | None],
                  k: int = RUN_DEPTH) -> list[list[tuple[str, float]]]:
    hits = _top_k(model.transform_ids(query_ids), doc_x, k, exclude=positions)
    return [[(doc_ids[j], float(s)) for j, s in zip(idx.tolist(), vals.tolist())] for idx, vals in hits]


def retrieval(data: TaskData, opts: Options) -> BaselineResult:
    """Rank the corpus for each validation/test query with BM25 and TF-IDF cosine over body or title+body documents.

    The variant is chosen by validation nDCG@10 when validation judgments exist, else `DEFAULT_RETRIEVAL`.
    """
    from ..metrics.scores import retrieval_scores

    doc_ids = [r["_id"] for r in data.corpus]
    position = {d: i for i, d in enumerate(doc_ids)}
    n_docs = len(doc_ids)
    # One vocabulary for titles, bodies and queries: every variant reuses the same token ids.
    ids, vocab = _grow_ids(model_tokens([r.get("title") or "" for r in data.corpus])
                           + model_tokens([r.get("text") or "" for r in data.corpus]))
    views = {"body": ids[n_docs:], "title_body": [t + b for t, b in zip(ids[:n_docs], ids[n_docs:])]}
    del ids

    # Splits without queries (judged test queries only, say) get no run.
    query_rows = {s: rows for s in ("validation", "test") if (rows := data.queries.get(s) or getattr(data, s))}
    query_ids = {s: _known_ids(model_tokens([r["text"] for r in rows]), vocab) for s, rows in query_rows.items()}
    qids = {s: [r["_id"] for r in rows] for s, rows in query_rows.items()}

    runs: dict[str, dict[str, dict[str, list[tuple[str, float]]]]] = {}
    backend = None
    for view, docs in views.items():
        index = bm25_index_ids(doc_ids, docs, vocab)
        backend = index.backend
        runs[f"bm25-{view}"] = {s: dict(zip(qids[s], bm25_search_ids(index, query_ids[s], exclude=qids[s])))
                                for s in query_rows}
        del index
        model, doc_x = Tfidf.fit_ids(docs, vocab)
        runs[f"tfidf-{view}"] = {}
        for s in query_rows:
            own = [position.get(q) for q in qids[s]]
            runs[f"tfidf-{view}"][s] = dict(zip(qids[s], _tfidf_search(model, doc_x, doc_ids, query_ids[s], own)))
        del model, doc_x

    validation: dict[str, float] = {}
    val_qrels = data.qrels.get("validation") or {}
    if "validation" in query_rows and any(g >= 1 for judged in val_qrels.values() for g in judged.values()):
        validation = {v: retrieval_scores(val_qrels, runs[v]["validation"])["ndcg_at_10"] for v in RETRIEVAL_VARIANTS}
        chosen = max(RETRIEVAL_VARIANTS, key=lambda v: validation[v])  # first in RETRIEVAL_VARIANTS on ties
        selection = "validation ndcg_at_10"
    else:
        chosen = DEFAULT_RETRIEVAL
        selection = (f"fixed default {DEFAULT_RETRIEVAL}: no validation judgments exist, so no variant was scored "
                     "or selected")
    settings = {
        "variant": chosen,
        "variants": list(RETRIEVAL_VARIANTS),
        "selection": selection,
        "documents": {"body": "article body", "title_body": "title followed by body"},
        "queries": "title + blank line + body of the query article; its own id is removed from its ranking",
        "text": "normalize_for_model, arabic.tokenize, no stopword list",
        "bm25": {"library": "bm25s", "k1": BM25_K1, "b": BM25_B, "method": BM25_METHOD, "idf_method": BM25_IDF,
                 "backend": backend, "equivalent": "rank_bm25 BM25Okapi, except that terms in more than half the "
                                                   "documents get idf 0 (rank_bm25: 0.25 x mean idf)"},
        "tfidf": {"fit_on": "corpus", "min_df": TFIDF_MIN_DF, "max_df": TFIDF_MAX_DF, "sublinear_tf": True,
                  "similarity": "cosine"},
        "depth": RUN_DEPTH,
        "corpus_docs": n_docs,
        "queries_per_split": {s: len(q) for s, q in qids.items()},
    }
    extra = {"runs": {v: runs[v] for v in RETRIEVAL_VARIANTS if v != chosen}}
    test_qrels = data.qrels.get("test") or {}
    if "test" in query_rows and any(g >= 1 for judged in test_qrels.values() for g in judged.values()):
        # Reported side by side, never used for selection.
        extra["test_variants"] = {v: retrieval_scores(test_qrels, runs[v]["test"]) for v in RETRIEVAL_VARIANTS}
    return BaselineResult(settings=settings, validation=validation, runs=runs[chosen], extra=extra)
