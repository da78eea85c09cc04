"""The source registry: one entry per raw format, the only place a source is declared.

An entry names its adapter (a pure function `path -> Iterator[Article | Rejection]`), where its files sit in the
raw cache or mirror, the corpora its articles carry, and how the lock pins its files (upstream URL, tree check).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..record import Article, Rejection
from . import aawsat_pages, ant, saudinewsnet

Reader = Callable[[Path], Iterator[Article | Rejection]]


@dataclass(frozen=True)
class SourceSpec:
    read: Reader
    folder: str  # folder of the raw cache / mirror holding this source's files
    pattern: str  # glob of its files inside that folder
    corpora: tuple[str, ...]  # values of `Article.corpus` this source produces
    upstream_url: Callable[[str], str | None]  # file name -> its pinned upstream URL (None: mirror-only)
    tree_checked: bool = False  # pinned by its extracted tree, not its bytes (re-generated archives, see lock.py)


SOURCES: dict[str, SourceSpec] = {
    "saudinewsnet": SourceSpec(saudinewsnet.read, "saudinewsnet", "*.zip", (saudinewsnet.CORPUS,),
                               saudinewsnet.upstream_url),
    "ant": SourceSpec(ant.read, "antcorpus", "*.tar.gz", (ant.V1, ant.V2), ant.upstream_url, tree_checked=True),
    "aawsat-pages": SourceSpec(aawsat_pages.read, "aawsat-pages", "*.txt", (aawsat_pages.CORPUS,),
                               lambda name: None),
}
CORPORA = tuple(c for spec in SOURCES.values() for c in spec.corpora)
