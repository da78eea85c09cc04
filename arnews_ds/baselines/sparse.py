"""Shared sparse-text machinery of the lexical baselines: model-side tokens, token ids, a TF-IDF model over them,
and a parallel top-k by sparse dot product (used by `tfidf.py` and `lexical.py`)."""
from __future__ import annotations

import itertools
import os
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from ..text import normalize_for_model
from .types import Options

# TF-IDF cosine: terms in more than half the documents (a stopword list's worth) carry little, and their posting
# lists are the longest in the sparse products.
TFIDF_MIN_DF, TFIDF_MAX_DF = 2, 0.5
# Worker processes (and numba's parallel kernel) take seconds to start: below this many rows/queries, one core.
PARALLEL_MIN = 2000


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


