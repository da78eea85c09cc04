"""SaudiNewsNet adapter (DESIGN §4): a zip holding one `YYYY-MM-DD.json` array of article objects.

Each object has `source`, `url`, `date_extracted` (`YYYY-MM-DD hh:mm:ss`, Asia/Riyadh), `title`, `author` and
`content`; any may be empty. One record becomes one Article or one Rejection; a zip that cannot be read, or a
member that is not UTF-8 or not a JSON array, becomes one Rejection for that file/member. Nothing is extracted
to disk; members with unsafe names are refused, non-JSON members (README, LICENSE, macOS `._` files) skipped.
"""
from __future__ import annotations

import html
import json
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path, PurePosixPath

from ..bylines import parse_byline
from ..record import Article, Provenance, Rejection
from .archive import unsafe_name
from .common import folder_rejection, make_article
from .snn_sections import url_section

CORPUS = "saudinewsnet"
# The upstream repository at the pinned commit the lock was made from.
UPSTREAM = "https://raw.githubusercontent.com/inparallel/SaudiNewsNet/4e39239966c2ae8a3faa591201acb9cd1f51199d/dataset/"
# Frozen outlet slugs (DESIGN §3): the `source` values as given; anything else is rejected, never a new slug.
OUTLETS = frozenset({
    "aawsat", "aleqtisadiya", "aljazirah", "almadina", "alriyadh", "alwatan", "alweeam", "alyaum",
    "arreyadi", "arriyadiyah", "okaz", "sabq", "was", "3alyoum",
})
FIELDS = ("source", "url", "date_extracted", "title", "author", "content")
RIYADH_OFFSET = "+03:00"  # Asia/Riyadh has no daylight saving time
_EXTRACTED = re.compile(r"(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})")
# What a damaged zip can raise while a member is read (bad CRC, cut deflate stream, short file).
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError)


def upstream_url(name: str) -> str:
    """Where the lock says a daily zip comes from."""
    return UPSTREAM + name


def read(path: str | os.PathLike) -> Iterator[Article | Rejection]:
    """Articles and rejections of one SaudiNewsNet zip, members in name order, records in array order."""
    name = Path(path).name
    if folder := folder_rejection(CORPUS, path, "a SaudiNewsNet .zip file"):
        yield folder
        return
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        yield _reject(name, None, None, f"not a readable zip archive, truncated or corrupt ({exc})", "truncated")
        return
    with archive:
        members = sorted(archive.infolist(), key=lambda info: info.filename)
        json_members = [info for info in members if _is_json_member(info)]
        for info in members:
            problem = unsafe_name(info.filename) or _link_problem(info)
            if problem:
                yield _reject(name, info.filename, None, f"unsafe archive member: {problem}", "unsafe_member")
        if not json_members:
            yield _reject(name, None, None, "no .json member in the archive", "wrong_shape")
        for info in json_members:
            if not (unsafe_name(info.filename) or _link_problem(info)):
                yield from _read_member(archive, info, name)


def _is_json_member(info: zipfile.ZipInfo) -> bool:
    """A data member: a `.json` file, not a folder or a macOS resource fork (`__MACOSX/`, `._x.json`)."""
    parts = PurePosixPath(info.filename.replace("\\", "/")).parts
    return (
        not info.is_dir()
        and info.filename.lower().endswith(".json")
        and "__MACOSX" not in parts
        and not parts[-1].startswith("._")
    )


def _link_problem(info: zipfile.ZipInfo) -> str | None:
    """Zips made on Unix store the file mode in the high bits of `external_attr`: refuse links and devices.

    A mode without file-type bits (what `ZipFile.writestr` and many tools store) says nothing: a plain file.
    """
    kind = stat.S_IFMT(info.external_attr >> 16)
    if kind == stat.S_IFLNK:
        return "symbolic link"
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        return "device, fifo or socket"
    return None


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> Iterator[Article | Rejection]:
    member = info.filename
    try:
        data = archive.read(info)
    except _ZIP_ERRORS as exc:
        yield _reject(name, member, None, f"archive member is truncated or corrupt ({exc})", "truncated")
        return
    try:
        text = data.decode("utf-8")  # strict: a wrong byte is an error, never a guess
    except UnicodeDecodeError as exc:
        yield _reject(name, member, None, f"not UTF-8 (byte {exc.start})", "not_utf8")
        return
    try:
        records = json.loads(text.removeprefix("\ufeff"))
    except (json.JSONDecodeError, RecursionError) as exc:
        yield _reject(name, member, None, f"bad JSON ({str(exc)[:80]})", "bad_json")
        return
    if not isinstance(records, list):
        yield _reject(name, member, None, f"expected a JSON array, got {type(records).__name__}", "wrong_shape")
        return
    for index, record in enumerate(records):
        yield _to_article(record, Provenance(name, member, index))


def _to_article(record: object, where: Provenance) -> Article | Rejection:
    problem = _shape_problem(record)
    if problem:
        source = record.get("source") if isinstance(record, dict) else None
        outlet = source if isinstance(source, str) and source in OUTLETS else None
        return _reject(where.file, where.member, where.index, problem, "wrong_shape", outlet)
    assert isinstance(record, dict)
    source = (record["source"] or "").strip()
    if source not in OUTLETS:
        return _reject(where.file, where.member, where.index, f"unknown source {source[:40]!r}", "unknown_source")
    url = record["url"] or ""
    published, flags = _published(record["date_extracted"] or "")
    byline = _unescape(record["author"] or "")
    authors, dateline = parse_byline(byline)
    section = url_section(source, url)
    return make_article(
        source=CORPUS,
        corpus=CORPUS,
        outlet=source,
        provenance=where,
        title=_unescape(record["title"] or ""),
        body=strip_furniture(source, record["content"] or ""),
        url=url,
        published=published,
        date_kind="extracted",
        byline=byline,
        authors=authors,
        dateline=dateline,
        source_categories=(section,) if section else (),
        flags=flags,
    )


# Per-outlet page furniture that the 2015 crawl left inside `content` (found by reading the data):
# alweeam ends every body with a "link to the story" line that repeats the title (a headline-task leak);
# 3alyoum bodies open with the photo slider's "Next Previous" controls, sometimes after the slider's captions.
_ALWEEAM_LINK = re.compile(r"\n?[ \t]*رابط الخبر بصحيفة الوئام\s*:[^\n]*\s*$")
_SLIDER = "Next Previous"


def strip_furniture(outlet: str, body: str) -> str:
    """The body without the outlet's known page furniture (unchanged for other outlets)."""
    if outlet == "alweeam":
        return _ALWEEAM_LINK.sub("", body)
    if outlet == "3alyoum" and _SLIDER in body[:2000]:
        first, sep, rest = body.lstrip().partition("\n")
        if first.startswith(_SLIDER):
            return first[len(_SLIDER):].strip() + sep + rest
        if first.rstrip().endswith(_SLIDER):
            return rest
    return body


def _shape_problem(record: object) -> str | None:
    """Why a record is not an object with the six string fields (null counts as empty), or None."""
    if not isinstance(record, dict):
        return f"record is a JSON {type(record).__name__}, not an object"
    missing = [f for f in FIELDS if f not in record]
    if missing:
        return f"record lacks {', '.join(missing)}"
    wrong = [f for f in FIELDS if not isinstance(record[f], (str, type(None)))]
    if wrong:
        return f"non-string {', '.join(wrong)}"
    return None


def _published(value: str) -> tuple[str | None, tuple[str, ...]]:
    """Extraction time as ISO 8601 with the Riyadh offset; empty -> None; malformed -> None + flag."""
    value = value.strip()
    if not value:
        return None, ()
    m = _EXTRACTED.fullmatch(value)
    try:
        if m:
            return datetime.fromisoformat(f"{m[1]}T{m[2]}{RIYADH_OFFSET}").isoformat(), ()
    except ValueError:  # right shape, impossible date (month 13, 25 o'clock)
        pass
    return None, ("bad_date",)


def _unescape(text: str) -> str:
    """Titles and bylines carry HTML entities (`&quot;`, `&nbsp;`); bodies in the 2015 batches do not."""
    return html.unescape(text) if "&" in text else text


def _reject(
    file: str, member: str | None, index: int | None, reason: str, code: str, outlet: str | None = None
) -> Rejection:
    return Rejection(CORPUS, file, member, index, reason, code, outlet)
