"""Our BM25 (bm25s, the retrieval baseline's own code path) vs rank_bm25's BM25Okapi on the built dataset.

Both get the same tokens (normalize_for_model + arabic.tokenize, title + body documents) and the same k1/b, and
rank_bm25 runs with epsilon=0, which makes its idf ours (terms in more than half the documents weigh 0): the two
should rank identically. The top-10 overlap with rank_bm25's default idf floor (epsilon=0.25) is printed too.
rank_bm25 scores every document in Python (~10 s per 260-token query on 65k documents), so it runs on a sample of
test queries (the judged ones when judgments exist); ours runs on that sample and on every test article.

    python scripts/bench_retrieval.py [--queries 20] [--folder arnews_ds] [--seed 13]
"""
from __future__ import annotations

import argparse
import copy
import random
import resource
import time
from collections import Counter
from pathlib import Path

import numpy as np

from arnews_ds.baselines import lexical
from arnews_ds.paths import PACKAGE_DIR


def load(folder: Path) -> tuple[list[dict], list[dict], list[dict], dict[str, dict[str, int]]]:
    """Corpus rows, every test article as a query (_id, text), the judged test queries and their qrels.

    Without the `queries`/`qrels` configs (no judgments yet) the last two are empty.
    """
    import datasets

    configs = datasets.get_dataset_config_names(str(folder))
    corpus = datasets.load_dataset(str(folder), "corpus", split="corpus").to_list()
    articles = datasets.load_dataset(str(folder), "articles", split="full")
    every = [{"_id": r["id"], "text": f"{r['title']}\n\n{r['body']}" if r["title"] else r["body"]}
             for r in articles if r["split"] == "test"]
    judged: list[dict] = []
    qrels: dict[str, dict[str, int]] = {}
    if "queries" in configs and "qrels" in configs:
        judged = datasets.load_dataset(str(folder), "queries", split="test").to_list()
        for r in datasets.load_dataset(str(folder), "qrels", split="test"):
            qrels.setdefault(r["query-id"], {})[r["corpus-id"]] = r["score"]
    return corpus, every, judged, qrels


def top(scores: np.ndarray, doc_ids: list[str], own: str, k: int) -> list[tuple[str, float]]:
    best = np.argsort(-scores, kind="stable")[: k + 1]
    return [(doc_ids[i], float(scores[i])) for i in best if scores[i] > 0 and doc_ids[i] != own][:k]


def overlap_at_10(a: list[list[tuple[str, float]]], b: list[list[tuple[str, float]]]) -> float:
    return float(np.mean([len({d for d, _ in x[:10]} & {d for d, _ in y[:10]}) / max(1, min(10, len(y)))
                          for x, y in zip(a, b)]))


def main() -> None:
    from rank_bm25 import BM25Okapi

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--queries", type=int, default=20, help="size of the query sample both systems run on")
    ap.add_argument("--folder", type=Path, default=PACKAGE_DIR, help="built dataset folder (default: the package)")
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()

    t0 = time.perf_counter()
    corpus, every, judged, qrels = load(args.folder)
    # The sample comes from the judged queries when there are judgments, so both systems get an nDCG@10.
    queries = judged or every
    print(f"corpus {len(corpus)} docs, {len(every)} test articles, {len(judged)} judged test queries "
          f"(loaded in {time.perf_counter() - t0:.1f} s)")

    t0 = time.perf_counter()
    doc_ids = [r["_id"] for r in corpus]
    titles = lexical.model_tokens([r["title"] or "" for r in corpus])
    docs = [t + b for t, b in zip(titles, lexical.model_tokens([r["text"] or "" for r in corpus]))]
    query_tokens = lexical.model_tokens([q["text"] for q in queries])
    qids = [q["_id"] for q in queries]
    every_tokens = lexical.model_tokens([q["text"] for q in every])
    every_ids = [q["_id"] for q in every]
    print(f"tokenized in {time.perf_counter() - t0:.1f} s: {sum(map(len, docs)) / len(docs):.0f} tokens/doc, "
          f"{sum(map(len, query_tokens)) / max(1, len(queries)):.0f} tokens/query")

    t0 = time.perf_counter()
    index = lexical.bm25_index(doc_ids, docs)
    ours_index_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    reference = BM25Okapi(docs, k1=lexical.BM25_K1, b=lexical.BM25_B, epsilon=0)
    ref_index_s = time.perf_counter() - t0
    print(f"index: ours {ours_index_s:.1f} s (bm25s, backend {index.backend}), rank_bm25 {ref_index_s:.1f} s")
    # rank_bm25's default floors a negative idf at 0.25 x mean idf: score those terms apart and add them back.
    df = Counter(t for doc in docs for t in set(doc))
    floored = {t for t, n in df.items() if n > len(docs) / 2}
    floor = copy.copy(reference)
    floor.idf = dict.fromkeys(floored, 0.25 * reference.average_idf)

    # numba compiles each kernel on first use (serial for small batches, parallel for large ones): time it apart.
    t0 = time.perf_counter()
    lexical.bm25_search(index, query_tokens[:1])
    if index.backend == "numba" and len(every) >= lexical.PARALLEL_MIN:
        index.retriever.retrieve([[int(np.flatnonzero(index.scoring)[0])]], k=1, show_progress=False, n_threads=2)
    print(f"one-off warm-up (numba compilation): {time.perf_counter() - t0:.1f} s")

    sample = sorted(random.Random(args.seed).sample(range(len(queries)), min(args.queries, len(queries))))
    s_tokens, s_ids = [query_tokens[i] for i in sample], [qids[i] for i in sample]
    t0 = time.perf_counter()
    ours = lexical.bm25_search(index, s_tokens, k=lexical.RUN_DEPTH, exclude=s_ids)
    ours_s = time.perf_counter() - t0
    theirs, theirs_floor, ref_s = [], [], 0.0
    for tokens, qid in zip(s_tokens, s_ids):
        t0 = time.perf_counter()
        scores = reference.get_scores(tokens)
        ref_s += time.perf_counter() - t0
        theirs.append(top(scores, doc_ids, qid, lexical.RUN_DEPTH))
        theirs_floor.append(top(scores + floor.get_scores([t for t in tokens if t in floored]), doc_ids, qid,
                                lexical.RUN_DEPTH))
    t0 = time.perf_counter()
    lexical.bm25_search(index, every_tokens, k=lexical.RUN_DEPTH, exclude=every_ids)
    all_s = time.perf_counter() - t0

    max_diff = max((abs(a[1] - b[1]) / max(abs(b[1]), 1e-9) for x, y in zip(ours, theirs) for a, b in zip(x, y)),
                   default=0.0)
    print(f"\n{len(sample)} sampled queries, top {lexical.RUN_DEPTH}, query's own id removed")
    print(f"  {'system':<36}{'seconds':>10}{'queries/s':>12}")
    print(f"  {'ours (bm25s ' + index.backend + ')':<36}{ours_s:>10.2f}{len(sample) / ours_s:>12.1f}")
    print(f"  {'rank_bm25 BM25Okapi (epsilon=0)':<36}{ref_s:>10.2f}{len(sample) / ref_s:>12.3f}")
    print(f"  speed ratio: {ref_s / ours_s:.0f}x")
    print(f"  mean top-10 overlap with rank_bm25 epsilon=0: {overlap_at_10(ours, theirs):.3f} "
          f"(max relative score difference at equal ranks: {max_diff:.1e})")
    print(f"  mean top-10 overlap with rank_bm25 default epsilon=0.25: {overlap_at_10(ours, theirs_floor):.3f} "
          f"({len(floored)} terms in more than half the documents)")
    print(f"every test article as a query ({len(every)}), ours: {all_s:.1f} s, {len(every) / all_s:.0f} queries/s "
          f"({len(every) / all_s / (len(sample) / ref_s):.0f}x rank_bm25's rate)")

    if qrels:
        from arnews_ds.metrics.scores import retrieval_scores

        judged = {q: qrels[q] for q in s_ids}
        for name, run in (("ours", ours), ("rank_bm25 epsilon=0", theirs), ("rank_bm25 epsilon=0.25", theirs_floor)):
            print(f"  nDCG@10 {name}: {retrieval_scores(judged, dict(zip(s_ids, run)))['ndcg_at_10']:.4f}")
    else:
        print("no judgments (annotations/related_qrels.tsv): effectiveness compared by overlap only")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
