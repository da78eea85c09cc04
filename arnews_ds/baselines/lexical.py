"""Lexical retrieval baselines: BM25 (bm25s) and TF-IDF cosine over body or title+body documents.

Text is folded and tokenized as in `sparse.model_tokens`. The variant is chosen on the judged validation queries;
bm25s and scipy are imported inside the functions that need them.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from .sparse import PARALLEL_MIN, TFIDF_MAX_DF, TFIDF_MIN_DF, Tfidf, _grow_ids, _known_ids, _n_jobs, _top_k, model_tokens
from .types import BaselineResult, Options, TaskData

# Retrieval: 2 scorers x 2 document views. The default (no judgments) is the standard BEIR-style lexical baseline.
RETRIEVAL_VARIANTS = ("bm25-title_body", "bm25-body", "tfidf-title_body", "tfidf-body")
DEFAULT_RETRIEVAL = "bm25-title_body"
RUN_DEPTH = 100
# BM25Okapi as rank_bm25 computes it (k1, b, tf * (k1 + 1) / (tf + k1 * norm), idf log((N - df + .5) / (df + .5)));
# bm25s clips a negative idf (df > N/2) to 0 where rank_bm25 floors it at 0.25 x mean idf.
BM25_K1, BM25_B = 1.5, 0.75
BM25_METHOD, BM25_IDF = "atire", "robertson"
NUMBA_MIN_DOCS = 10_000  # below this, bm25s's numpy backend beats numba's one-off compilation


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
