"""ANT corpus v1.1 / v2.1 adapter (DESIGN §4): one TREC-like file per article, in a `git archive` tarball or tree.

The markup is not XML, so fields are cut out by tag name with plain string search: no parser, hence no DTD or
entity expansion, ever. The real data holds no XML entities (a bare `&` is literal text, e.g. `S&P`, URL
queries), so nothing is unescaped. Same-URL copies are yielded as separate articles; the ingest layer merges them.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from ..record import Article, Provenance, Rejection
from .archive import ArchiveError, Entry, iter_tar, iter_tree
from .common import make_article

SOURCE = "ant"
V1, V2 = "ant-v1.1", "ant-v2.1"
# Mirror tarballs are `git archive`s named `<repo>-<40-hex commit>.tar.gz`; upstream serves them per commit.
UPSTREAM = "https://github.com/antcorpus/{repo}/archive/{commit}.tar.gz"
_ARCHIVE_NAME = re.compile(r"(?P<repo>.+)-(?P<commit>[0-9a-f]{40})\.tar\.gz")

# <SRC> values and v2.1 outlet folders, lower-cased without spaces -> frozen outlet slugs (DESIGN §3).
OUTLETS = {
    "alarabia": "alarabiya",
    "alarabiya": "alarabiya",
    "bbc": "bbc-arabic",
    "cnn": "cnn-arabic",
    "france24": "france24-arabic",
    "skynews": "skynews-arabia",
    "jawharafm": "jawharafm",
}
V1_OUTLET = "jawharafm"  # v1.1 is single-outlet and has no outlet folder

_FIELDS = ("URL", "SRC", "CAT", "TITLE", "TIME", "AUTHOR", "ABSTRACT", "TEXT")
_TAGS = tuple((name, f"<{name}>", f"</{name}>") for name in _FIELDS)
# Any ANT tag: where an unclosed field ends. Only known names count, since bodies use `<<`/`>` as bullets.
_ANY_TAG = re.compile(r"</?(?:DOC|DOCNO|URL|SRC|CAT|TITLE|TIME|AUTHOR|ABSTRACT|TEXT)>")

# The four <TIME> shapes of the corpus (SOURCES.md), tried in this order.
_DMY = re.compile(r"(\d{2})/(\d{2})/(\d{4})")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")
_ISO_BASIC_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2})(\d{2})(\d{2})")
_RFC2822 = re.compile(r"(?:[A-Za-z]{3}, )?\d{1,2} [A-Za-z]{3} \d{4} \d{2}:\d{2}(?::\d{2})? \S+")
TIME_FORMATS = ("dmy", "iso", "iso_basic", "rfc2822")


def parse_time(raw: str | None) -> tuple[str | None, str]:
    """(ISO 8601 at the source's precision, format name); unparsable or missing -> (None, "bad")."""
    value = (raw or "").strip()
    try:
        if m := _DMY.fullmatch(value):
            return date(int(m[3]), int(m[2]), int(m[1])).isoformat(), "dmy"
        if _ISO.fullmatch(value):
            return datetime.fromisoformat(value).isoformat(), "iso"
        if m := _ISO_BASIC_TIME.fullmatch(value):  # e.g. 2017-01-22T185600: no offset known, none invented
            return datetime.fromisoformat(f"{m[1]}T{m[2]}:{m[3]}:{m[4]}").isoformat(), "iso_basic"
        if _RFC2822.fullmatch(value):
            # A `-0000` zone means "offset unknown": parsedate_to_datetime then returns a naive time, kept naive.
            return parsedate_to_datetime(value).isoformat(), "rfc2822"
    except (ValueError, TypeError, IndexError, OverflowError):
        pass
    return None, "bad"


def parse_fields(text: str) -> tuple[dict[str, str], bool]:
    """Cut the known fields out of one document by tag name; also whether some field was left unclosed.

    The first occurrence of each tag wins. Tags are searched from the previous field's end (they come in a
    fixed order), then from the start if a file reorders them, so the common case is one pass over the text.
    """
    fields: dict[str, str] = {}
    unclosed = False
    pos = 0
    for name, open_tag, close_tag in _TAGS:
        start = text.find(open_tag, pos)
        if start < 0:
            start = text.find(open_tag)
            if start < 0:
                continue
        start += len(open_tag)
        end = text.find(close_tag, start)
        if end < 0:
            unclosed = True
            m = _ANY_TAG.search(text, start)
            end = m.start() if m else len(text)
        fields[name] = text[start:end]
        pos = end
    return fields, unclosed


def detect_corpus(name: str) -> str | None:
    """Corpus from a top-folder or archive name (`antcorpus.multisource.data…` / `antcorpus.data…`)."""
    name = name.lower()
    if "antcorpus.multisource.data" in name:
        return V2
    if "antcorpus.data" in name:
        return V1
    return None


def _outlet_key(value: str) -> str:
    return "".join(value.split()).lower()


@dataclass(frozen=True)
class _Context:
    """What every member of one input shares: its file name, the common top folder, and the corpus if named."""

    file: str
    root: str | None
    corpus: str | None

    def relative_parts(self, path: str) -> tuple[str, ...]:
        parts = _parts(path)
        return parts[1:] if self.root is not None and parts[:1] == (self.root,) else parts


def _parts(path: str) -> tuple[str, ...]:
    """Path components without empty or `.` ones (`./a//b/` -> a, b); a cheap stand-in for PurePosixPath.parts."""
    return tuple(p for p in path.split("/") if p and p != ".")


def _common_root(paths: list[str]) -> str | None:
    """The single top folder every member sits in (as `git archive` and `tar x` produce), if there is one."""
    split = [_parts(p) for p in paths]
    firsts = {parts[0] for parts in split if parts}
    if len(firsts) != 1 or any(len(parts) < 2 for parts in split):
        return None
    return firsts.pop()


def _resolve_outlet(src: str, corpus: str, rel: tuple[str, ...]) -> tuple[str | None, str]:
    """Outlet slug from <SRC>, else the v2.1 outlet folder, else JawharaFM for v1.1; or None and what was unknown."""
    if src:
        return OUTLETS.get(_outlet_key(src)), f"<SRC> {src!r}"
    folder = rel[-3] if corpus == V2 and len(rel) >= 3 else None
    if folder:
        return OUTLETS.get(_outlet_key(folder)), f"outlet folder {folder!r}"
    return (V1_OUTLET, "") if corpus == V1 else (None, "no <SRC> and no outlet folder")


def _reject(ctx: _Context, entry: Entry, index: int, reason: str, code: str, rel: tuple[str, ...] = ()) -> Rejection:
    """A member-level rejection; corpus and outlet are filled in where the names and folders tell them."""
    corpus = ctx.corpus or (_layout_corpus(rel) if rel else None)
    outlet = _resolve_outlet("", corpus, rel)[0] if corpus else None
    return Rejection(SOURCE, ctx.file, entry.path, index, reason, code, outlet, corpus)


def _layout_corpus(rel: tuple[str, ...]) -> str:
    return V2 if len(rel) >= 3 else V1  # v2.1 files sit in <Outlet>/<category>/, v1.1 files in <category>/


def _to_record(ctx: _Context, entry: Entry, rel: tuple[str, ...], index: int) -> Article | Rejection:
    """One member -> one Article or one Rejection (never raises on content)."""
    if entry.unsafe:
        return _reject(ctx, entry, index, f"unsafe archive member: {entry.unsafe}", "unsafe_member")
    if entry.unreadable:
        return _reject(ctx, entry, index, f"unreadable: {entry.unreadable}", "unreadable")
    if not rel or not rel[-1].endswith(".txt"):
        return _reject(ctx, entry, index, "not an article file (only .txt files are articles)", "wrong_shape", rel)
    try:
        text = (entry.data or b"").decode("utf-8")
    except UnicodeDecodeError as exc:
        return _reject(ctx, entry, index, f"not UTF-8 (byte {exc.start})", "not_utf8", rel)
    fields, unclosed = parse_fields(text)
    if not fields:
        return _reject(ctx, entry, index, "no ANT tags found", "wrong_shape", rel)
    corpus = ctx.corpus or _layout_corpus(rel)
    category_folder = rel[-2] if len(rel) >= 2 else None
    outlet, unknown = _resolve_outlet(fields.get("SRC", "").strip(), corpus, rel)
    if outlet is None:
        return Rejection(SOURCE, ctx.file, entry.path, index, f"unknown source: {unknown}", "unknown_source",
                         None, corpus)
    published, kind = parse_time(fields.get("TIME"))
    flags = ["bad_time"] if kind == "bad" else []
    if unclosed:
        flags.append("unclosed_tag")
    category = fields.get("CAT", "").strip() or category_folder
    return make_article(
        source=SOURCE,
        corpus=corpus,
        outlet=outlet,
        provenance=Provenance(ctx.file, entry.path, index),
        url="".join(fields.get("URL", "").split()) or None,  # a URL holds no whitespace; wrapped ones are rejoined
        title=fields.get("TITLE"),
        published=published,
        date_kind="published",
        lead=fields.get("ABSTRACT"),
        body=fields.get("TEXT"),
        byline=fields.get("AUTHOR"),
        # Bylines are mostly `city - outlet/agency` (e.g. dateline + agency), so no trivial split into person
        # names exists: the raw byline is kept and `authors` stays empty (DESIGN §4: unexplained stays in byline).
        authors=(),
        source_categories=[category] if category else [],
        flags=flags,
    )


def _is_skipped(rel: tuple[str, ...], entry: Entry) -> bool:
    """Top-level non-article files (README.md, LICENSE) are not records at all."""
    return len(rel) == 1 and entry.unsafe is None and not rel[0].endswith(".txt")


def _collect(path: Path) -> tuple[list[Entry], ArchiveError | None]:
    """All members of the input, plus the archive-level error that ended reading early (if any)."""
    entries: list[Entry] = []
    iterator = iter_tree(path) if path.is_dir() else iter_tar(path)
    try:
        for entry in iterator:
            entries.append(entry)
    except ArchiveError as exc:
        return entries, exc
    return entries, None


def upstream_url(name: str) -> str:
    """Where the lock says a tarball comes from; ValueError for a name that does not pin a commit."""
    match = _ARCHIVE_NAME.fullmatch(name)
    if match is None:
        raise ValueError(f"{name}: expected <repo>-<40-hex commit>.tar.gz")
    return UPSTREAM.format(repo=match["repo"], commit=match["commit"])


def read(path: str | os.PathLike) -> Iterator[Article | Rejection]:
    """Yield one Article or Rejection per article member of an ANT tarball or extracted top folder.

    Order is by member path (so a tarball and its extracted tree give the same records, indexes and members);
    `index` is the position among the yielded items. A damaged archive yields what was readable, then one
    `truncated` rejection.
    """
    path = Path(path)
    if not path.exists():
        yield Rejection(SOURCE, path.name, None, None, "input not found", "not_found")
        return
    entries, failure = _collect(path)
    # Sorting needs every name first; this also fixes the order of trees and of archives not written sorted.
    entries.sort(key=lambda e: e.path)
    root = _common_root([e.path for e in entries if e.unsafe is None])  # a hostile name must not hide the top folder
    ctx = _Context(path.name, root, detect_corpus(root or "") or detect_corpus(path.name))
    index = 0
    for entry in entries:
        rel = ctx.relative_parts(entry.path)
        if _is_skipped(rel, entry):
            continue
        yield _to_record(ctx, entry, rel, index)
        index += 1
    if failure is not None:
        yield Rejection(SOURCE, path.name, None, None, failure.reason, failure.code, corpus=ctx.corpus)
    elif index == 0:
        reason = "no article files in the input"
        yield Rejection(SOURCE, path.name, None, None, reason, "wrong_shape", corpus=ctx.corpus)
