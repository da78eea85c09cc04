"""Exact and near-duplicate clusters over articles (DESIGN §2 `dedup`, §6 leakage).

Text compared: the body after `normalize_for_model` (alef/yaa/taa-marbuta folding, no diacritics, lower-case
Latin), cut into word tokens, so spacing, punctuation, diacritics and letter variants never tell copies apart.

- **exact**: identical token sequences (a blake2b key over the tokens' 64-bit hashes).
- **near**: 3-word shingle sets with true Jaccard >= `threshold`. Candidates come from MinHash + datasketch's
  `MinHashLSH`; every candidate pair is then verified on the full shingle sets (64-bit shingle hashes), so LSH
  only decides which pairs get looked at, never which pairs match. Bodies with fewer than `min_shingles`
  distinct shingles take part in exact dedup only: a few shared words say nothing about copying.
- Links are merged transitively (union-find), with no outlet restriction, so wire copies across outlets join.
  Two released articles (`keep`) are never merged: each stays its own cluster's representative, and a new copy
  that resembles both joins the first it is linked to (candidate pairs are visited in a fixed order).

**Representative** of a cluster (its id is the cluster id), the first by: is a released article (`keep`),
then has a title (no `no_title` flag), then the longest body (characters), then the earliest `published` (ISO
string order; None last), then the smallest id. Every other member is linked to it with kind `exact` (same token
sequence as the representative) or `near` (anything else in the cluster, including copies reached only through
another member).

Deterministic: seeded permutations, content hashes that do not depend on PYTHONHASHSEED or input order,
sorted outputs.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from .record import Article
from .text import normalize_for_model

THRESHOLD = 0.8
NUM_PERM = 128
SHINGLE_SIZE = 3
MIN_SHINGLES = 5
SEED = 1
# datasketch's default banding for t=0.8 (b=9, r=13) finds only ~40% of pairs at J=0.8. Banding tuned for
# t-0.1 weighted towards recall (b=20, r=6 at t=0.8) finds 99.8% of them; false positives only cost a check.
# On the real corpus, banding for t-0.3 found no verified pair that this one misses.
LSH_MARGIN = 0.1
LSH_WEIGHTS = (0.1, 0.9)

_TOKEN = re.compile(r"\w+")
# Shingles per signature batch: the (num_perm x batch) uint32 matrix (2 MB) stays in cache.
_BATCH = 1 << 12


@dataclass(frozen=True)
class Cluster:
    """A cluster of more than one article: its representative and the other members, each with its link kind."""

    representative: str
    members: tuple[str, ...]  # sorted, representative excluded
    kinds: tuple[str, ...]  # `exact` | `near`, aligned with `members`

    @property
    def kind(self) -> str:
        """`exact` when every member is an exact copy of the representative, else `near`."""
        return "exact" if all(k == "exact" for k in self.kinds) else "near"


@dataclass(frozen=True)
class Clusters:
    cluster_of: dict[str, str]  # every article id -> its representative's id (itself when it is one)
    link_of: dict[str, str]  # every article id -> `self` (a representative or singleton) | `exact` | `near`
    clusters: tuple[Cluster, ...]  # clusters with >1 member, sorted by representative id

    @property
    def n_exact_merged(self) -> int:
        return sum(k == "exact" for k in self.link_of.values())

    @property
    def n_near_merged(self) -> int:
        return sum(k == "near" for k in self.link_of.values())


def tokens(body: str) -> list[str]:
    """The word tokens compared for duplicates: model-normalized, punctuation and spacing dropped."""
    return _TOKEN.findall(normalize_for_model(body))


def _hash64(token: str) -> int:
    return int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "little")


class TokenCache(dict):
    """Whitespace-separated chunk -> 64-bit hashes of its `tokens`, normalized once per distinct chunk.

    Normalization is local to a chunk (it never adds or removes whitespace), so the concatenation over
    `body.split()` equals hashing `tokens(body)`, at a fraction of the cost: a corpus repeats its chunks.
    """

    def __missing__(self, chunk: str) -> tuple[int, ...]:
        value = self[chunk] = tuple(map(_hash64, tokens(chunk)))
        return value


def token_hashes(body: str, cache: TokenCache | None = None) -> np.ndarray:
    """64-bit hashes of `tokens(body)`, in order."""
    cache = TokenCache() if cache is None else cache
    return np.fromiter(chain.from_iterable(map(cache.__getitem__, body.split())), dtype=np.uint64)


def exact_key(hashes: np.ndarray) -> bytes:
    """Identifies the token sequence (blake2b of its token hashes)."""
    return hashlib.blake2b(hashes.tobytes(), digest_size=16).digest()


def _mix64(x: np.ndarray) -> np.ndarray:
    # splitmix64 finalizer: spreads the linear combination of token hashes over all 64 bits.
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _multiplier(position: int) -> np.uint64:
    # A distinct odd constant per shingle position keeps (a b c) and (c b a) apart.
    return np.uint64((0x9E3779B97F4A7C15 * (2 * position + 1)) & 0xFFFFFFFFFFFFFFFF)


def shingle_hashes(hashes: np.ndarray, size: int = SHINGLE_SIZE) -> np.ndarray:
    """Sorted distinct 64-bit hashes of the `size`-token shingles of a token-hash sequence."""
    n = len(hashes) - size + 1
    if n <= 0:
        return np.empty(0, dtype=np.uint64)
    acc = hashes[:n] * _multiplier(0)  # uint64 arithmetic wraps on purpose
    for k in range(1, size):
        acc += hashes[k : k + n] * _multiplier(k)
    return np.unique(_mix64(acc))


def _fmix32(h: np.ndarray) -> np.ndarray:
    # MurmurHash3's 32-bit finalizer, the pre-mix of datasketch's default `affine32` scheme.
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def minhash_values(h64: np.ndarray) -> np.ndarray:
    """The 32-bit values fed to MinHash for 64-bit shingle hashes (their high half)."""
    return (h64 >> np.uint64(32)).astype(np.uint32)


def signatures(sets: Sequence[np.ndarray], num_perm: int = NUM_PERM, seed: int = SEED) -> np.ndarray:
    """MinHash signatures (len(sets) x num_perm, uint32) of non-empty 64-bit shingle-hash sets, vectorized.

    Bit-identical to `datasketch.MinHash(num_perm, seed, hashfunc=int)` updated with `minhash_values(s)`
    (scheme `affine32`: fmix32, then h -> a*h + b mod 2^32, then the minimum), but over many documents at
    once: datasketch pays Python overhead per document and, with its default sha1, per shingle.
    """
    a, b = MinHash(num_perm=num_perm, seed=seed).permutations  # datasketch's own seeded draw
    a, b = a[:, None], b[:, None]
    out = np.empty((len(sets), num_perm), dtype=np.uint32)
    start = 0
    while start < len(sets):
        stop, size = start, 0
        while stop < len(sets) and (size == 0 or size + len(sets[stop]) <= _BATCH):
            size += len(sets[stop])
            stop += 1
        chunk = sets[start:stop]
        hv = _fmix32(minhash_values(np.concatenate(chunk)))[None, :]
        # Permutation-major and cache-sized: several times faster than a (shingles x perms) matrix.
        buf = np.multiply(a, hv)
        np.add(buf, b, out=buf)
        offsets = np.cumsum([0] + [len(s) for s in chunk[:-1]])
        out[start:stop] = np.minimum.reduceat(buf, offsets, axis=1).T
        start = stop
    return out


def jaccard(x: np.ndarray, y: np.ndarray) -> float:
    """True Jaccard of two sorted distinct hash arrays."""
    inter = np.intersect1d(x, y, assume_unique=True).size
    union = x.size + y.size - inter
    return inter / union if union else 1.0


def representative_key(article: Article, keep: frozenset[str] = frozenset()) -> tuple:
    """Sort key of the representative rule (module docstring): smallest key wins."""
    return rank_key("no_title" in article.flags, len(article.body), article.published, article.id,
                    article.id in keep)


def rank_key(no_title: bool, body_chars: int, published: str | None, article_id: str,
             released: bool = False) -> tuple:
    """`representative_key` from the fields it reads (the distributed engine keeps only these)."""
    return (not released, no_title, -body_chars, published is None, published or "", article_id)


def lsh_bands(threshold: float = THRESHOLD, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """(bands, rows per band) of the banding `near_pairs` uses: datasketch's own choice for these settings."""
    lsh = _lsh(threshold, num_perm)
    return lsh.b, lsh.r


def _lsh(threshold: float, num_perm: int) -> MinHashLSH:
    return MinHashLSH(threshold=max(threshold - LSH_MARGIN, 0.05), num_perm=num_perm, weights=LSH_WEIGHTS)


class UnionFind:
    """Union-find whose `pinned` elements (released articles) never end up in one set together.

    With pins the outcome depends on the order of the unions: both engines make them in the same order (exact
    links in id order, then near pairs in id order; `find_clusters`)."""

    def __init__(self, n: int, pinned: Iterable[int] = ()) -> None:
        self.parent = list(range(n))
        self.pinned = [False] * n
        for i in pinned:
            self.pinned[i] = True

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, i: int, j: int) -> bool:
        ri, rj = self.find(i), self.find(j)
        if ri == rj or (self.pinned[ri] and self.pinned[rj]):
            return False
        lo, hi = min(ri, rj), max(ri, rj)
        self.parent[hi] = lo
        self.pinned[lo] = self.pinned[lo] or self.pinned[hi]
        return True


def near_pairs(
    sets: Sequence[np.ndarray],
    threshold: float = THRESHOLD,
    num_perm: int = NUM_PERM,
    seed: int = SEED,
    sigs: np.ndarray | None = None,
) -> list[tuple[int, int]]:
    """Candidate pairs (i < j, sorted) of `sets` from MinHashLSH banding; not yet verified."""
    sigs = signatures(sets, num_perm, seed) if sigs is None else sigs
    lsh = _lsh(threshold, num_perm)
    with lsh.insertion_session() as session:
        for i, sig in enumerate(sigs):
            session.insert(i, LeanMinHash(seed=seed, hashvalues=sig, scheme="affine32"), check_duplication=False)
    # Reading the band buckets gives exactly the pairs `lsh.query` would, without re-hashing every document.
    pairs: set[tuple[int, int]] = set()
    for table in lsh.hashtables:
        for bucket in table.keys():
            keys = table.get(bucket)
            if len(keys) > 1:  # nearly every bucket holds one document
                keys = sorted(keys)
                pairs.update((keys[x], keys[y]) for x in range(len(keys)) for y in range(x + 1, len(keys)))
    return sorted(pairs)


def find_clusters(
    articles: Iterable[Article],
    threshold: float = THRESHOLD,
    num_perm: int = NUM_PERM,
    shingle_size: int = SHINGLE_SIZE,
    min_shingles: int = MIN_SHINGLES,
    seed: int = SEED,
    keep: Iterable[str] = (),
) -> Clusters:
    """Exact and near-duplicate clusters of `articles` (ids must be distinct); see the module docstring.

    `keep`: ids of released articles, which stay representatives (ids not among `articles` are ignored)."""
    # Sorting by id first makes every index below independent of the caller's order.
    arts = sorted(articles, key=lambda a: a.id)
    ids = [a.id for a in arts]
    if len(set(ids)) != len(ids):
        raise ValueError("find_clusters needs distinct article ids")
    keep = frozenset(keep)
    uf = UnionFind(len(arts), (i for i, a in enumerate(arts) if a.id in keep))

    # Exact: one group per token sequence; the near stage then sees each group once.
    keys: list[bytes] = []
    first_of: dict[bytes, int] = {}
    cache = TokenCache()
    group_heads: list[int] = []
    sets: list[np.ndarray] = []
    for i, art in enumerate(arts):
        hashes = token_hashes(art.body, cache)
        key = exact_key(hashes)
        keys.append(key)
        head = first_of.setdefault(key, i)
        if head != i:
            uf.union(head, i)
            continue
        shingles = shingle_hashes(hashes, shingle_size)
        if len(shingles) >= min_shingles:
            group_heads.append(i)
            sets.append(shingles)
    del cache, first_of

    # Near: verify LSH candidates on the true Jaccard; a pair already joined needs no check.
    for p, q in near_pairs(sets, threshold, num_perm, seed):
        i, j = group_heads[p], group_heads[q]
        if uf.find(i) != uf.find(j) and jaccard(sets[p], sets[q]) >= threshold:
            uf.union(i, j)

    return assemble_clusters(ids, keys, [representative_key(a, keep) for a in arts], uf)


def assemble_clusters(ids: Sequence[str], keys: Sequence, rank_keys: Sequence[tuple], uf: UnionFind) -> Clusters:
    """`Clusters` from the union-find of article indexes: representative, link kinds, sorted outputs.

    `keys[i]` is article i's exact key (equal keys: same token sequence), `rank_keys[i]` its `representative_key`.
    The result does not depend on the order of the indexes."""
    members: dict[int, list[int]] = {}
    for i in range(len(ids)):
        members.setdefault(uf.find(i), []).append(i)
    cluster_of: dict[str, str] = {}
    link_of: dict[str, str] = {}
    clusters: list[Cluster] = []
    for group in members.values():
        rep = min(group, key=rank_keys.__getitem__)
        others = sorted((i for i in group if i != rep), key=lambda i: ids[i])
        kinds = tuple("exact" if keys[i] == keys[rep] else "near" for i in others)
        cluster_of[ids[rep]], link_of[ids[rep]] = ids[rep], "self"
        for i, kind in zip(others, kinds):
            cluster_of[ids[i]], link_of[ids[i]] = ids[rep], kind
        if others:
            clusters.append(Cluster(ids[rep], tuple(ids[i] for i in others), kinds))
    clusters.sort(key=lambda c: c.representative)
    return Clusters(dict(sorted(cluster_of.items())), dict(sorted(link_of.items())), tuple(clusters))


def cluster_records(clusters: Clusters) -> list[dict]:
    """One row per merged article (representative_id, member_id, kind), sorted, for the accounting report."""
    return [
        {"representative_id": c.representative, "member_id": m, "kind": k}
        for c in clusters.clusters
        for m, k in zip(c.members, c.kinds)
    ]


def clusters_from_records(ids: Iterable[str], records: Iterable[dict]) -> Clusters:
    """The `Clusters` that `cluster_records` wrote, given every article id (singletons are not in the records)."""
    cluster_of = {i: i for i in ids}
    link_of = dict.fromkeys(cluster_of, "self")
    grouped: dict[str, list[tuple[str, str]]] = {}
    for r in records:
        cluster_of[r["member_id"]], link_of[r["member_id"]] = r["representative_id"], r["kind"]
        grouped.setdefault(r["representative_id"], []).append((r["member_id"], r["kind"]))
    clusters = tuple(Cluster(rep, tuple(m for m, _ in sorted(g)), tuple(k for _, k in sorted(g)))
                     for rep, g in sorted(grouped.items()))
    return Clusters(dict(sorted(cluster_of.items())), dict(sorted(link_of.items())), clusters)
