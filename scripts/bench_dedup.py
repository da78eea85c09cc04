"""Time `find_clusters` and compare datasketch's per-document MinHash with the vectorized signatures.

    python scripts/bench_dedup.py --synthetic 70000     # synthetic Arabic-letter docs (no raw data needed)
    python scripts/bench_dedup.py --raw ../shared/raw   # the real corpus via arnews_ds.ingest
"""
from __future__ import annotations

import argparse
import resource
import time
from collections import Counter
from pathlib import Path

import numpy as np

from arnews_ds.dedup import TokenCache, find_clusters, minhash_values, shingle_hashes, signatures, token_hashes, tokens
from arnews_ds.record import Article

_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def synthetic_articles(n: int, words: int = 300, seed: int = 0) -> list[Article]:
    """`n` docs of Zipf-distributed made-up words; ~2% exact copies and ~2% near copies (one sentence changed)."""
    rng = np.random.default_rng(seed)
    vocab = ["".join(rng.choice(list(_LETTERS), size=rng.integers(2, 8))) for _ in range(50_000)]
    p = 1 / np.arange(1, len(vocab) + 1)
    p /= p.sum()
    bodies: list[str] = []
    for i in range(n):
        r = rng.random()
        if i > 10 and r < 0.02:
            bodies.append("  " + bodies[rng.integers(0, i)].replace(" ", "  ", 3))
        elif i > 10 and r < 0.04:
            w = bodies[rng.integers(0, i)].split(" ")
            at = rng.integers(0, max(1, len(w) - 15))
            w[at : at + 15] = [vocab[k] for k in rng.choice(len(vocab), 15, p=p)]
            bodies.append(" ".join(w))
        else:
            bodies.append(" ".join(vocab[k] for k in rng.choice(len(vocab), words, p=p)))
    return [
        Article(id=f"{i:016x}", corpus="ant-v2.1", outlet=("bbc-arabic", "cnn-arabic")[i % 2], url=None,
                published=None, date_kind="none", title="عنوان", lead=None, body=b, byline=None)
        for i, b in enumerate(bodies)
    ]


def compare_minhash(articles: list[Article], sample: int = 2000) -> None:
    """datasketch per document (default sha1, and precomputed hashes) vs the vectorized signatures."""
    from datasketch import MinHash

    docs = [tokens(a.body) for a in articles[:sample]]
    shingles = [[" ".join(t[k : k + 3]).encode() for k in range(len(t) - 2)] for t in docs]
    cache = TokenCache()
    sets = [s for s in (shingle_hashes(token_hashes(a.body, cache)) for a in articles[:sample]) if len(s)]
    t0 = time.perf_counter()
    for sh in shingles:
        MinHash(num_perm=128, seed=1).update_batch(sh)
    t1 = time.perf_counter()
    for s in sets:
        MinHash(num_perm=128, seed=1, hashfunc=int).update_batch(minhash_values(s).tolist())
    t2 = time.perf_counter()
    signatures(sets)
    t3 = time.perf_counter()
    per = lambda dt: f"{dt / len(docs) * 1e3:.3f} ms/doc"  # noqa: E731
    print(f"minhash on {len(docs)} docs: datasketch sha1 {t1 - t0:.2f}s ({per(t1 - t0)}) | "
          f"datasketch, hashes given {t2 - t1:.2f}s ({per(t2 - t1)}) | vectorized {t3 - t2:.2f}s ({per(t3 - t2)})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", type=Path)
    ap.add_argument("--synthetic", type=int, default=70_000)
    args = ap.parse_args()
    if args.raw:
        from arnews_ds.ingest import ingest, raw_files

        t = time.perf_counter()
        articles = ingest(raw_files(args.raw)).articles
        print(f"ingest: {len(articles)} articles in {time.perf_counter() - t:.1f}s")
    else:
        articles = synthetic_articles(args.synthetic)
        print(f"synthetic: {len(articles)} articles")
    compare_minhash(articles)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.perf_counter()
    clusters = find_clusters(articles)
    wall = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    outlet = {a.id: a.outlet for a in articles}
    corpus = {a.id: a.corpus for a in articles}
    kinds = Counter(c.kind for c in clusters.clusters)
    spans = lambda of: sum(len({of[c.representative], *map(of.get, c.members)}) > 1 for c in clusters.clusters)  # noqa: E731
    cross = spans(outlet)
    largest = max((len(c.members) + 1 for c in clusters.clusters), default=0)
    print(f"largest cluster: {largest} articles; clusters spanning corpora: {spans(corpus)}")
    print(f"find_clusters: {wall:.1f}s, peak RSS {rss:.0f} MiB (before: {rss0:.0f} MiB)")
    print(f"clusters: {len(clusters.clusters)} ({kinds['exact']} exact-only, {kinds['near']} with a near link), "
          f"{cross} span outlets; merged: {clusters.n_exact_merged} exact + {clusters.n_near_merged} near")


if __name__ == "__main__":
    main()
