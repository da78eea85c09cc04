"""The retrieval systems that feed the related-article pools (issue 9): five rankers of different kinds.

Each system is a function `(PoolCorpus, query ids, depth) -> {query id: [(doc id, score), ...]}`, best first, with
the query's own id never a candidate. Ties break by corpus order, so every run is deterministic. Registry: SYSTEMS.
- `bm25-title_body`, `tfidf-cosine`: the lexical baselines of `baselines/lexical.py`, full query article.
- `bm25-rm3`: BM25 with RM3 pseudo-relevance feedback over the same tokens and the same bm25s score matrix.
- `chargram-window`: character 4/5-gram TF-IDF of title + lead within +/- `WINDOW_DAYS` of the query date: it sees
  spelling variants and clitic-glued names that whole-word systems miss, and prefers the same news cycle.
- `bi-encoder`: the transformer retrieval baseline (trained once on training pairs, `rank_biencoder`).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .trec import Run

WINDOW_DAYS = 14
# RM3 (Lavrenko & Croft's RM1, interpolated as in Anserini): feedback docs, expansion terms, original-query weight.
RM3_FB_DOCS, RM3_FB_TERMS, RM3_ORIGINAL_WEIGHT = 10, 30, 0.5
CHAR_NGRAMS, CHAR_MIN_DF, LEAD_CHARS = (4, 5), 2, 300

SYSTEM_NOTES = {
    "bm25-title_body": "BM25 (bm25s, k1 1.5, b 0.75) over title+body documents; query = the full query article",
    "bm25-rm3": f"BM25 with RM3 feedback: top {RM3_FB_TERMS} terms of the top {RM3_FB_DOCS} first-pass docs "
                f"(doc-score-weighted term distribution), interpolated {RM3_ORIGINAL_WEIGHT} with the query's terms",
    "tfidf-cosine": "TF-IDF cosine (sublinear tf, df 2..50%) over title+body documents; full query article",
    "bi-encoder": "BERT 2x128 bi-encoder trained from scratch on training title->body pairs (in-batch negatives, "
                  "seed 13, CPU); full query article, cosine over the whole corpus",
    "chargram-window": f"character {CHAR_NGRAMS[0]}/{CHAR_NGRAMS[1]}-gram TF-IDF cosine of title + lead (first "
                       f"{LEAD_CHARS} body chars without a lead), only docs within +/-{WINDOW_DAYS} days of a dated "
                       "query",
}

@dataclass
class PoolCorpus:
    """The corpus as the systems need it: ids, texts, dates (None when unknown) and shared word-token ids."""

    ids: list[str]
    titles: list[str]
    bodies: list[str]
    leads: list[str]
    dates: list[dt.date | None]
    _tokens: tuple | None = field(default=None, repr=False)

    @classmethod
    def from_articles(cls, rows: list[dict]) -> "PoolCorpus":
        rows = sorted(rows, key=lambda r: r["id"])
        return cls([r["id"] for r in rows], [r["title"] or "" for r in rows], [r["body"] or "" for r in rows],
                   [r.get("lead") or "" for r in rows], [article_date(r.get("published")) for r in rows])

    @property
    def position(self) -> dict[str, int]:
        return {d: i for i, d in enumerate(self.ids)}

    def tokens(self) -> tuple[list[list[int]], dict[str, int]]:
        """Title+body token ids of every doc and the vocabulary (the retrieval baseline's tokenization), cached."""
        if self._tokens is None:
            from .baselines.sparse import _grow_ids, model_tokens

            self._tokens = _grow_ids(model_tokens([f"{t}\n\n{b}" if t else b for t, b in zip(self.titles,
                                                                                          self.bodies)]))
        return self._tokens

    def query_text(self, qid: str) -> str:
        i = self.position[qid]
        return f"{self.titles[i]}\n\n{self.bodies[i]}" if self.titles[i] else self.bodies[i]


def article_date(published: str | None) -> dt.date | None:
    """The calendar date of an ISO `published` string (date or datetime); None when missing or malformed."""
    try:
        return dt.date.fromisoformat(published[:10]) if published else None
    except ValueError:
        return None


def in_window(query: dt.date | None, doc: dt.date | None, days: int = WINDOW_DAYS) -> bool:
    """True when `doc` is within +/- `days` of `query`; every doc qualifies for an undated query, none undated
    for a dated one."""
    if query is None:
        return True
    return doc is not None and abs((doc - query).days) <= days


def _top(scores: np.ndarray, ids: list[str], own: int | None, depth: int) -> list[tuple[str, float]]:
    """The `depth` best positive scores, best first, ties by position; `own` never returned."""
    if own is not None:
        scores[own] = 0
    hits = np.flatnonzero(scores > 0)
    hits = hits[np.lexsort((hits, -scores[hits]))][:depth]
    return [(ids[j], float(scores[j])) for j in hits]


# ------------------------------------------------------------------------------------------------ lexical
def bm25_matrix(corpus: PoolCorpus):
    """(bm25s index, terms x docs CSR of per-term BM25 contributions) over the corpus's title+body tokens."""
    import scipy.sparse as sp

    from .baselines.lexical import bm25_index_ids

    ids, vocab = corpus.tokens()
    index = bm25_index_ids(corpus.ids, ids, vocab)
    s = index.retriever.scores
    n_terms = len(s["indptr"]) - 1
    m = sp.csr_matrix((s["data"], s["indices"], s["indptr"]), shape=(n_terms, len(corpus.ids)))
    return index, m[:len(vocab)]


def bm25_run(corpus: PoolCorpus, qids: list[str], depth: int) -> Run:
    from .baselines.lexical import bm25_search_ids

    ids, _ = corpus.tokens()
    index, _ = bm25_matrix(corpus)
    pos = corpus.position
    return dict(zip(qids, bm25_search_ids(index, [ids[pos[q]] for q in qids], depth, exclude=list(qids))))


def rm3_query(query: list[int], feedback: list[tuple[list[int], float]], scoring: np.ndarray,
              n_terms: int = RM3_FB_TERMS, original: float = RM3_ORIGINAL_WEIGHT) -> dict[int, float]:
    """RM3 term weights: `original` x the query's term distribution + (1 - `original`) x RM1 over the feedback
    docs ((token ids, first-pass score) pairs), truncated to its `n_terms` heaviest scoring terms (ties: lower id)."""
    def distribution(tokens: list[int]) -> dict[int, float]:
        kept = [t for t in tokens if scoring[t]]
        counts: dict[int, float] = {}
        for t in kept:
            counts[t] = counts.get(t, 0.0) + 1.0
        return {t: c / len(kept) for t, c in counts.items()}

    total = sum(s for _, s in feedback) or 1.0
    rm1: dict[int, float] = {}
    for tokens, s in feedback:
        for t, p in distribution(tokens).items():
            rm1[t] = rm1.get(t, 0.0) + p * s / total
    top = sorted(rm1.items(), key=lambda kv: (-kv[1], kv[0]))[:n_terms]
    norm = sum(w for _, w in top) or 1.0
    weights = {t: original * p for t, p in distribution(query).items()}
    for t, w in top:
        weights[t] = weights.get(t, 0.0) + (1 - original) * w / norm
    return weights


def rm3_run(corpus: PoolCorpus, qids: list[str], depth: int) -> Run:
    """BM25, then BM25 again with the RM3-expanded, weighted query (score = sum of weight x term contribution)."""
    ids, _ = corpus.tokens()
    index, m = bm25_matrix(corpus)
    first = bm25_run(corpus, qids, RM3_FB_DOCS)
    pos, mt = corpus.position, m.T.tocsr()
    run = {}
    for q in qids:
        weights = rm3_query(ids[pos[q]], [(ids[pos[d]], s) for d, s in first[q]], index.scoring)
        terms = np.array(sorted(weights), dtype=np.int64)
        scores = np.asarray(mt[:, terms] @ np.array([weights[t] for t in terms.tolist()])).ravel()
        run[q] = _top(scores, corpus.ids, pos[q], depth)
    return run


def tfidf_run(corpus: PoolCorpus, qids: list[str], depth: int) -> Run:
    from .baselines.lexical import _tfidf_search
    from .baselines.sparse import Tfidf

    ids, vocab = corpus.tokens()
    model, x = Tfidf.fit_ids(ids, vocab)
    pos = corpus.position
    return dict(zip(qids, _tfidf_search(model, x, corpus.ids, [ids[pos[q]] for q in qids], [pos[q] for q in qids],
                                        depth)))


def chargram_text(title: str, lead: str, body: str) -> str:
    from .text import normalize_for_model

    return normalize_for_model(f"{title} {lead or body[:LEAD_CHARS]}")


def chargram_run(corpus: PoolCorpus, qids: list[str], depth: int, days: int = WINDOW_DAYS) -> Run:
    """Character n-gram TF-IDF cosine of title + lead, restricted to the query's date window."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [chargram_text(t, l, b) for t, l, b in zip(corpus.titles, corpus.leads, corpus.bodies)]
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, min_df=CHAR_MIN_DF, sublinear_tf=True,
                          lowercase=False, dtype=np.float32)
    x = vec.fit_transform(texts)
    ordinals = np.array([d.toordinal() if d else -10**9 for d in corpus.dates])
    pos, xt = corpus.position, x.T.tocsc()
    run = {}
    for q in qids:
        i, qd = pos[q], corpus.dates[pos[q]]
        scores = np.asarray((x[i] @ xt).todense()).ravel()
        if qd is not None:
            scores[np.abs(ordinals - qd.toordinal()) > days] = 0
        run[q] = _top(scores, corpus.ids, i, depth)
    return run


# ------------------------------------------------------------------------------------------------ neural
def rank_biencoder(qids: list[str], folder, opts=None) -> Run:
    """Train the transformer retrieval baseline once (its own selection on judged validation queries) and rank
    the corpus (top 100) for every id in `qids`, each as a full-article query."""
    from dataclasses import replace

    from .baselines import Options
    from .baselines.runner import load_task_data
    from .baselines.biencoder import _document, retrieval

    data = load_task_data("retrieval", folder)
    corpus = {r["_id"]: r for r in data.corpus}
    missing = [q for q in qids if q not in corpus]
    if missing:
        raise KeyError(f"{len(missing)} query ids are not corpus articles, e.g. {missing[0]}")
    data = replace(data, queries={"pool": [{"_id": q, "text": _document(corpus[q])} for q in qids]})
    return retrieval(data, opts or Options()).runs["pool"]


SYSTEMS: dict[str, Callable[[PoolCorpus, list[str], int], Run]] = {
    "bm25-title_body": bm25_run,
    "bm25-rm3": rm3_run,
    "tfidf-cosine": tfidf_run,
    "chargram-window": chargram_run,
}
# Ranked apart (minutes of training): `rank_biencoder`, read back from its run file.
NEURAL = "bi-encoder"
