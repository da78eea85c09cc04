"""The canonical records that cross module boundaries: `Article` and `Rejection` (DESIGN §3, §5)."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

DATE_KINDS = ("published", "extracted", "none")


@dataclass(frozen=True)
class RelatedCard:
    """One card of a page's «مقالات ذات صلة» block."""

    section: str | None
    caption: str | None
    title: str
    summary: str | None
    author: str | None
    dateline: str | None


@dataclass(frozen=True)
class Provenance:
    """Where one raw record came from: corpus file, archive member (or None) and index within it."""

    file: str
    member: str | None
    index: int


@dataclass(frozen=True)
class Article:
    id: str
    corpus: str
    outlet: str
    url: str | None
    published: str | None
    date_kind: str
    title: str
    lead: str | None
    body: str
    byline: str | None
    authors: tuple[str, ...] = ()
    dateline: str | None = None
    source_categories: tuple[str, ...] = ()
    captions: tuple[str, ...] = ()
    related: tuple[RelatedCard, ...] = ()
    provenance: tuple[Provenance, ...] = ()
    flags: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """Plain JSON-ready dict (tuples become lists, nested dataclasses become dicts), in field order.

        Equal to `dataclasses.asdict` with tuples listed, several times faster: asdict deep-copies every value, and
        the datatrove engine converts every raw record."""
        d = dict(vars(self))
        for k in ("authors", "source_categories", "captions", "flags"):
            d[k] = list(d[k])
        d["related"] = [dict(vars(c)) for c in self.related]
        d["provenance"] = [dict(vars(p)) for p in self.provenance]
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Article":
        d = dict(d)
        d["related"] = tuple(RelatedCard(**c) for c in d.get("related") or ())
        d["provenance"] = tuple(Provenance(**p) for p in d.get("provenance") or ())
        for k in ("authors", "source_categories", "captions", "flags"):
            d[k] = tuple(d.get(k) or ())
        return cls(**d)


@dataclass(frozen=True)
class Rejection:
    """A raw input that did not become an article, with a one-line human reason."""

    source: str
    file: str
    member: str | None
    index: int | None
    reason: str
    # The machine-readable reason class used by the accounting report (e.g. `empty_body`).
    code: str = "invalid"
    # Known when the record got far enough to name its outlet (e.g. an empty body); None for a broken file.
    outlet: str | None = None
    corpus: str | None = None

    def line(self) -> str:
        where = self.file
        if self.member:
            where += f"::{self.member}"
        if self.index is not None:
            where += f"#{self.index}"
        return f"{where}: {self.reason}"


ARTICLE_FIELDS = tuple(f.name for f in dataclasses.fields(Article))
