"""Our records as datatrove `Document`s, and the layout of the pipeline's working folder (DESIGN §11).

An article travels as `Document(text=body, id=id, metadata={"article": <every other field>, ...})`, so datatrove's
JSONL readers and writers (local or any fsspec filesystem) carry it unchanged. Every raw record also carries `seq`,
its place in the in-process engine's reading order (file index, record index), which the later stages sort on: the
same-id merge and the final article order then match the in-process engine's whatever the sharding.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from ..record import Article, Rejection

# The working folder: one entry per stage output.
RECORDS = "records"  # read: p<partition>/<rank>.jsonl (raw article copies), rejections/<rank>.jsonl
MERGED = "merged"  # merge: <partition>.jsonl, one article per id
SIGNATURES = "signatures"  # merge: p<partition>/<name>.npy (ids, exact keys, MinHash, shingles, representative keys)
COUNTS = "counts"  # merge: p<partition>.json, raw/kept/merged records per (format, corpus, outlet)
PAIRS = "pairs"  # buckets: v<shard>/<band>.npy, candidate pairs as global indexes
EDGES = "edges"  # verify: <shard>.npy, candidate pairs whose true Jaccard passes the threshold
DUPLICATES = "duplicates.tsv"  # cluster: representative_id, member_id, kind (as `dedup.cluster_records`)
KEPT = "kept"  # filter: <partition>.jsonl, the de-duplicated article set
LOGS = "logs"  # datatrove's per-stage logs, stats and completion marks
REJECTIONS = "rejections"

_SHIFT = 32  # seq = file index << 32 | record index in that file


def seq_of(file_index: int, record_index: int) -> int:
    return file_index << _SHIFT | record_index


def partition_of(article_id: str, partitions: int) -> int:
    """Same-id copies land in one partition (ids are hex blake2b digests, so already uniform)."""
    return int(article_id[:8], 16) % partitions


def article_document(article: Article, fmt: str, seq: int, bucket: str):
    from datatrove.data import Document

    fields = article.to_dict()
    body, aid = fields.pop("body"), fields.pop("id")
    return Document(text=body, id=aid, metadata={"article": fields, "fmt": fmt, "seq": seq, "bucket": bucket})


def rejection_document(rejection: Rejection, fmt: str, seq: int):
    from datatrove.data import Document

    return Document(text=rejection.reason, id=f"rejection-{seq}",
                    metadata={"rejection": dataclasses.asdict(rejection), "fmt": fmt, "seq": seq,
                              "bucket": REJECTIONS})


def article_of(doc) -> Article:
    return Article.from_dict({**doc.metadata["article"], "id": doc.id, "body": doc.text})


def rejection_of(doc) -> Rejection:
    return Rejection(**doc.metadata["rejection"])


def read_documents(folder, sub: str, pattern: str = "*.jsonl"):
    """Every document of the JSONL files under `folder/sub` (none when it does not exist), files in name order."""
    from datatrove.pipeline.readers import JsonlReader

    if not folder.exists(sub):
        return iter(())
    return JsonlReader(subfolder(folder, sub), glob_pattern=pattern, compression=None).run()


def subfolder(folder, sub: str):
    """`folder/sub` as a DataFolder on the same filesystem."""
    from datatrove.io import DataFolder

    return DataFolder(folder._join(sub), fs=folder.fs)


def save_arrays(folder, sub: str, arrays: dict[str, np.ndarray]) -> None:
    for name, array in arrays.items():
        with folder.open(f"{sub}/{name}.npy", "wb") as f:
            np.save(f, array, allow_pickle=False)


def load_array(folder, path: str, mmap: bool = False) -> np.ndarray:
    """One saved array; memory-mapped on a local filesystem when `mmap` (only the touched pages are read)."""
    if mmap and folder.is_local():
        return np.load(folder.resolve_paths(path), mmap_mode="r", allow_pickle=False)
    with folder.open(path, "rb") as f:
        return np.load(f, allow_pickle=False)
