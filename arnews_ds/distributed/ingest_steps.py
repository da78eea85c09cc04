"""Pipeline steps of the ingest half: read raw files with our adapters, merge same-id copies, sign (DESIGN §11).

- `ReadRaw` (one task per share of the raw files): every record of its files, through the source adapters (which
  clean the text and compute ids), as a `Document` routed to the partition of its id; rejections go to their own
  bucket. A `JsonlWriter` after it writes `records/p<partition>/<rank>.jsonl`.
- `MergeSign` (one task per partition): the partition's copies in reading order, merged by `merge.merge_same_id`;
  per merged article the exact key, 3-shingle hashes and MinHash signature of `dedup.py`, saved as arrays for the
  de-duplication steps; counts for the accounting. It yields the merged articles for a `JsonlWriter`.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
from datatrove.io import get_datafolder
from datatrove.pipeline.base import PipelineStep

from .. import dedup
from ..merge import merge_same_id
from ..record import Rejection
from ..sources.registry import SOURCES
from . import records as rec


class ReadRaw(PipelineStep):
    """Raw files -> one Document per raw record (files `rank`, `rank + world_size`, ... of the list)."""

    name = "arnews raw files"
    type = "📖 - READER"

    def __init__(self, files: list[tuple[str, str]], partitions: int):
        super().__init__()
        self.files, self.partitions = files, partitions

    def run(self, data=None, rank: int = 0, world_size: int = 1):
        for i in range(rank, len(self.files), world_size):
            fmt, path = self.files[i]
            with self.track_time():
                for j, record in enumerate(SOURCES[fmt].read(Path(path))):
                    seq = rec.seq_of(i, j)
                    if isinstance(record, Rejection):
                        self.stat_update("rejected")
                        yield rec.rejection_document(record, fmt, seq)
                    else:
                        self.stat_update("articles")
                        part = rec.partition_of(record.id, self.partitions)
                        yield rec.article_document(record, fmt, seq, f"p{part:05d}")


class MergeSign(PipelineStep):
    """Partition `rank`: merge same-id copies, save dedup features, count, yield merged articles sorted by id."""

    name = "arnews merge + sign"
    type = "🫂 - DEDUP"

    def __init__(self, work: str, num_perm: int = dedup.NUM_PERM, shingle_size: int = dedup.SHINGLE_SIZE,
                 min_shingles: int = dedup.MIN_SHINGLES, seed: int = dedup.SEED):
        super().__init__()
        self.work, self.num_perm, self.shingle_size = work, num_perm, shingle_size
        self.min_shingles, self.seed = min_shingles, seed

    def run(self, data=None, rank: int = 0, world_size: int = 1):
        folder = get_datafolder(self.work)
        copies = sorted(((d.metadata["seq"], d.metadata["fmt"], rec.article_of(d))
                         for d in rec.read_documents(folder, f"{rec.RECORDS}/p{rank:05d}")), key=lambda c: c[0])
        first_seq: dict[str, int] = {}
        fmt_of: dict[str, str] = {}  # the last copy's format, as `ingest.ingest` counts it
        read = Counter()
        for seq, fmt, a in copies:
            first_seq.setdefault(a.id, seq)
            fmt_of[a.id] = fmt
            read[(fmt, a.corpus, a.outlet)] += 1
        articles = sorted(merge_same_id(a for _, _, a in copies), key=lambda a: a.id)
        del copies
        kept, merged = Counter(), Counter()
        for a in articles:
            kept[(fmt_of[a.id], a.corpus, a.outlet)] += 1
            merged[(fmt_of[a.id], a.corpus, a.outlet)] += len(a.provenance) - 1
        with folder.open(f"{rec.COUNTS}/p{rank:05d}.json", "w") as f:
            json.dump({name: sorted([*k, n] for k, n in c.items()) for name, c in
                       (("read", read), ("kept", kept), ("merged", merged))}, f)
        with self.track_time():
            rec.save_arrays(folder, f"{rec.SIGNATURES}/p{rank:05d}", self._features(articles))
        for a in articles:
            self.stat_update("merged_articles")
            yield rec.article_document(a, fmt_of[a.id], first_seq[a.id], f"p{rank:05d}")

    def _features(self, articles) -> dict[str, np.ndarray]:
        """Per article (id order): id, exact key, shingle count, representative-key fields; the shingle sets
        (concatenated, with offsets) and MinHash signatures (permutation-major: a band is a contiguous slice)."""
        cache = dedup.TokenCache()
        keys, sets = [], []
        for a in articles:
            hashes = dedup.token_hashes(a.body, cache)
            keys.append(dedup.exact_key(hashes))
            sets.append(dedup.shingle_hashes(hashes, self.shingle_size))
        del cache
        sizes = np.array([len(s) for s in sets], dtype=np.int64)
        eligible = np.flatnonzero(sizes >= self.min_shingles)
        sigs = np.zeros((self.num_perm, len(articles)), dtype=np.uint32)
        if len(eligible):
            sigs[:, eligible] = dedup.signatures([sets[i] for i in eligible], self.num_perm, self.seed).T
        return {
            "ids": np.array([a.id for a in articles], dtype="U16"),
            "exact": np.frombuffer(b"".join(keys), dtype=np.uint64).reshape(-1, 2),
            "sizes": sizes,
            "offsets": np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64),
            "shingles": np.concatenate(sets) if sets else np.empty(0, dtype=np.uint64),
            "signatures": sigs,
            "no_title": np.array(["no_title" in a.flags for a in articles], dtype=bool),
            "body_chars": np.array([len(a.body) for a in articles], dtype=np.int64),
            "published": np.array([a.published or "" for a in articles], dtype=str),
            "has_published": np.array([a.published is not None for a in articles], dtype=bool),
        }
