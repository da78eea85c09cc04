"""The source registry: format name -> adapter (a pure function `path -> Iterator[Article | Rejection]`) + cache layout."""
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


SOURCES: dict[str, SourceSpec] = {
    "saudinewsnet": SourceSpec(saudinewsnet.read, "saudinewsnet", "*.zip"),
    "ant": SourceSpec(ant.read, "antcorpus", "*.tar.gz"),
    "aawsat-pages": SourceSpec(aawsat_pages.read, "aawsat-pages", "*.txt"),
}
