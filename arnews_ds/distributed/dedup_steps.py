"""Pipeline steps of the de-duplication half: `dedup.find_clusters`, cut at its seams (DESIGN §11).

The stages follow datatrove's own MinHash de-duplication (signatures -> buckets -> cluster -> filter) but run our
signatures and add the check datatrove does not make, so the clusters equal the in-process engine's exactly:

- `LshBuckets` (one task per LSH band): among exact-group heads (the smallest id of each token sequence) with enough
  shingles, rows whose band of the signature is equal are candidate pairs; the banding is datasketch's, as in
  `dedup.near_pairs`, so the candidates are the same. Pairs are written to `pairs/v<shard>/<band>.npy`.
- `VerifyPairs` (one task per shard): each distinct candidate pair is kept when the true Jaccard of its shingle
  sets reaches the threshold (pairs already joined are skipped unless released ids are pinned) (shingles are memory-mapped: only the pages of checked articles are read).
- `ClusterIds` (one task): exact groups and verified pairs joined by union-find (released ids pinned, unions in
  `find_clusters`' order), then `dedup.assemble_clusters`;
  writes `duplicates.tsv` as `dedup.cluster_records`.
- `KeepRepresentatives` (one task per partition): drops cluster members, yielding the de-duplicated set.

Articles are addressed by a global index: partitions in order, articles by id within each.
"""
from __future__ import annotations

import csv

import numpy as np
from datatrove.io import get_datafolder
from datatrove.pipeline.base import PipelineStep

from .. import dedup
from . import records as rec


class Index:
    """The per-article arrays of every partition, concatenated, and the partition boundaries."""

    def __init__(self, folder, partitions: int, names: tuple[str, ...]):
        parts = [{n: rec.load_array(folder, f"{rec.SIGNATURES}/p{p:05d}/{n}.npy") for n in names}
                 for p in range(partitions)]
        self.starts = np.cumsum([0] + [len(part["ids"]) for part in parts])
        self.arrays = {n: np.concatenate([part[n] for part in parts]) for n in names}

    def heads(self, min_shingles: int) -> np.ndarray:
        """Global indexes of the articles that take part in near-duplicate detection (`find_clusters`' rule)."""
        ids, exact = self.arrays["ids"], self.arrays["exact"]
        order = np.lexsort((ids, exact[:, 1], exact[:, 0]))
        new_key = np.ones(len(order), dtype=bool)
        new_key[1:] = np.any(exact[order[1:]] != exact[order[:-1]], axis=1)
        firsts = order[new_key]
        return np.sort(firsts[self.arrays["sizes"][firsts] >= min_shingles])


def _pairs_of_groups(labels: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Every pair (i < j) of `members` sharing a label, as an (n, 2) int64 array."""
    order = np.argsort(labels, kind="stable")
    labels, members = labels[order], members[order]
    bounds = np.flatnonzero(np.diff(labels)) + 1
    out = []
    for group in np.split(members, bounds):
        if len(group) > 1:  # nearly every bucket holds one document
            i, j = np.triu_indices(len(group), k=1)
            out.append(np.sort(np.stack([group[i], group[j]], axis=1), axis=1))
    return np.concatenate(out) if out else np.empty((0, 2), dtype=np.int64)


class LshBuckets(PipelineStep):
    """Bands `rank`, `rank + world_size`, ...: candidate pairs of heads whose rows in a band are equal."""

    name = "arnews LSH buckets"
    type = "🫂 - DEDUP"

    def __init__(self, work: str, partitions: int, shards: int, bands: int, rows: int,
                 min_shingles: int = dedup.MIN_SHINGLES):
        super().__init__()
        self.work, self.partitions, self.shards = work, partitions, shards
        self.bands, self.rows, self.min_shingles = bands, rows, min_shingles

    def run(self, data=None, rank: int = 0, world_size: int = 1):
        folder = get_datafolder(self.work)
        heads = Index(folder, self.partitions, ("ids", "exact", "sizes")).heads(self.min_shingles)
        signatures = [rec.load_array(folder, f"{rec.SIGNATURES}/p{p:05d}/signatures.npy", mmap=True)
                      for p in range(self.partitions)]
        for b in range(rank, self.bands, world_size):
            lo, hi = b * self.rows, (b + 1) * self.rows
            band = np.concatenate([s[lo:hi] for s in signatures], axis=1)[:, heads].T
            _, labels = np.unique(np.ascontiguousarray(band), axis=0, return_inverse=True)
            pairs = _pairs_of_groups(labels.ravel(), heads.astype(np.int64))
            self.stat_update("candidate_pairs", value=len(pairs), unit="band")
            for shard in range(self.shards):
                rec.save_arrays(folder, f"{rec.PAIRS}/v{shard:05d}",
                                {f"{b:05d}": pairs[pairs[:, 0] % self.shards == shard]})
        return iter(())


class VerifyPairs(PipelineStep):
    """Shard `rank`: the distinct candidate pairs of this shard whose true Jaccard reaches the threshold."""

    name = "arnews verify pairs"
    type = "🫂 - DEDUP"

    def __init__(self, work: str, partitions: int, bands: int, threshold: float = dedup.THRESHOLD,
                 every_pair: bool = False):
        super().__init__()
        self.work, self.partitions, self.bands, self.threshold = work, partitions, bands, threshold
        # With released ids pinned, a pair already joined here may still decide a union in `ClusterIds`.
        self.every_pair = every_pair

    def run(self, data=None, rank: int = 0, world_size: int = 1):
        folder = get_datafolder(self.work)
        pairs = np.unique(np.concatenate([rec.load_array(folder, f"{rec.PAIRS}/v{rank:05d}/{b:05d}.npy")
                                          for b in range(self.bands)]), axis=0)
        sub = [f"{rec.SIGNATURES}/p{p:05d}" for p in range(self.partitions)]
        shingles = [rec.load_array(folder, f"{s}/shingles.npy", mmap=True) for s in sub]
        offsets = [rec.load_array(folder, f"{s}/offsets.npy") for s in sub]
        starts = np.cumsum([0] + [len(o) - 1 for o in offsets])

        def shingle_set(i: int) -> np.ndarray:
            p = int(np.searchsorted(starts, i, side="right")) - 1
            row = i - starts[p]
            return np.asarray(shingles[p][offsets[p][row]:offsets[p][row + 1]])

        uf, edges = {}, []
        for i, j in pairs.tolist():
            if not self.every_pair and _find(uf, i) == _find(uf, j):  # already joined: no check needed
                continue
            if dedup.jaccard(shingle_set(i), shingle_set(j)) >= self.threshold:
                uf[_find(uf, j)] = _find(uf, i)
                edges.append((i, j))
        self.stat_update("verified_pairs", value=len(edges), unit="shard")
        rec.save_arrays(folder, rec.EDGES, {f"{rank:05d}": np.array(edges, dtype=np.int64).reshape(-1, 2)})
        return iter(())


def _find(parent: dict[int, int], i: int) -> int:
    while parent.get(i, i) != i:
        parent[i] = parent.get(parent[i], parent[i])
        i = parent[i]
    return i


class ClusterIds(PipelineStep):
    """One task: exact groups + verified pairs -> clusters, written as `duplicates.tsv`."""

    name = "arnews clusters"
    type = "🫂 - DEDUP"

    def __init__(self, work: str, partitions: int, shards: int, keep: tuple[str, ...] = ()):
        super().__init__()
        self.work, self.partitions, self.shards = work, partitions, shards
        self.keep = keep  # released ids: pinned in the union-find, first in the representative rule

    def run(self, data=None, rank: int = 0, world_size: int = 1):
        folder = get_datafolder(self.work)
        index = Index(folder, self.partitions, ("ids", "exact", "no_title", "body_chars", "published", "has_published"))
        a = index.arrays
        ids = a["ids"].tolist()
        keys = a["exact"].view(np.dtype((np.void, 16))).ravel().tolist()
        keep = frozenset(self.keep)
        released = [i in keep for i in ids]
        uf = dedup.UnionFind(len(ids), (n for n, r in enumerate(released) if r))
        # Unions in `find_clusters`' order (pins make the outcome order-dependent): exact links, then near pairs,
        # each in id order; the global index is partition-major, so order by id explicitly.
        by_id = sorted(range(len(ids)), key=ids.__getitem__)
        position = np.empty(len(ids), dtype=np.int64)
        position[by_id] = np.arange(len(ids))
        first_of: dict[bytes, int] = {}
        for i in by_id:
            uf.union(first_of.setdefault(keys[i], i), i)
        edges = [rec.load_array(folder, f"{rec.EDGES}/{shard:05d}.npy") for shard in range(self.shards)]
        edges = np.concatenate(edges) if edges else np.empty((0, 2), dtype=np.int64)
        ends = np.sort(position[edges], axis=1)
        for p, q in ends[np.lexsort((ends[:, 1], ends[:, 0]))].tolist():
            uf.union(by_id[p], by_id[q])
        rank_keys = [dedup.rank_key(t, n, p if has else None, i, r) for t, n, p, has, i, r in
                     zip(a["no_title"].tolist(), a["body_chars"].tolist(), a["published"].tolist(),
                         a["has_published"].tolist(), ids, released)]
        clusters = dedup.assemble_clusters(ids, keys, rank_keys, uf)
        rows = dedup.cluster_records(clusters)
        self.stat_update("duplicates", value=len(rows), unit="corpus")
        with folder.open(rec.DUPLICATES, "w", newline="") as f:
            writer = csv.DictWriter(f, ("representative_id", "member_id", "kind"), delimiter="\t",
                                    lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        return iter(())


class KeepRepresentatives(PipelineStep):
    """Drops every cluster member from the merged articles (like datatrove's `MinhashDedupFilter`)."""

    name = "arnews keep representatives"
    type = "🫂 - DEDUP"

    def __init__(self, work: str):
        super().__init__()
        self.work = work

    def run(self, data=None, rank: int = 0, world_size: int = 1):
        members = {r["member_id"] for r in read_duplicates(get_datafolder(self.work))}
        for doc in data or ():
            if doc.id in members:
                self.stat_update("dropped")
            else:
                self.stat_update("kept")
                yield doc


def read_duplicates(folder) -> list[dict]:
    with folder.open(rec.DUPLICATES, "r", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))
