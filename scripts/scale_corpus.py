"""Synthetic corpora of k times the raw mirror, as files in the raw layouts the adapters read (for bench_scale.py).

Copy 0 is the mirror itself; copy c > 0 rewrites every raw file: a share of word types substituted (a word keeps
its substitute within the copy), sentences of a paragraph reordered by a hash of their text, URLs (hence ids)
marked with the copy, dates shifted by 4c years. Substitution and order depend on the text and the copy only, so
exact and near duplicates inside the mirror stay duplicates inside each copy, while different copies share too few
3-shingles to be near duplicates of each other: near-duplicate rates stay those of the real corpus.
"""
from __future__ import annotations

import hashlib
import io
import json
import re
import tarfile
import zipfile
from pathlib import Path

SHARE = 0.3  # share of word types substituted in a copy
_WORD = re.compile(r"[\u0621-\u064A]+")
_SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+")
_LETTERS = "بتثجحخدذرزسشصضطظعغفقكلمنهوي"
_YEAR = re.compile(r"\b((?:19|20)\d\d)(?=-\d\d-\d\d)")
_URL = re.compile(r"<URL>(.*?)</URL>", re.S)
_TEXT = re.compile(r"(<TEXT>)(.*?)(</TEXT>)", re.S)


def _h(*parts: object) -> int:
    return int.from_bytes(hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest(), "little")


class Perturber:
    """The text transformations of one copy."""

    def __init__(self, copy: int):
        self.copy, self.cache = copy, {}

    def _word(self, m: re.Match) -> str:
        w = m.group()
        out = self.cache.get(w)
        if out is None:
            h = _h(self.copy, w)
            out = self.cache[w] = w + _LETTERS[h % len(_LETTERS)] if (h >> 32) % 1000 < SHARE * 1000 else w
        return out

    def words(self, text: str) -> str:
        return _WORD.sub(self._word, text)

    def body(self, text: str) -> str:
        lines = [" ".join(sorted(_SENTENCE_END.split(line), key=lambda s: _h(self.copy, s)))
                 for line in text.split("\n")]
        return self.words("\n".join(lines))

    def url(self, url: str) -> str:
        url = url.strip()
        return url and url + ("&" if "?" in url else "?") + f"arnews_scale_copy={self.copy}"

    def date(self, text: str) -> str:
        return _YEAR.sub(lambda m: str(int(m.group(1)) + 4 * self.copy), text)


def copy_snn(src: Path, dest: Path, p: Perturber) -> Path:
    with zipfile.ZipFile(src) as z:
        (member,) = z.namelist()
        records = json.loads(z.read(member))
    for r in records:
        for key, fn in (("content", p.body), ("title", p.words), ("url", p.url), ("date_extracted", p.date)):
            if isinstance(r.get(key), str):
                r[key] = fn(r[key])
    out = dest / p.date(src.name)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(p.date(member), json.dumps(records, ensure_ascii=False))
    return out


def _ant_member(text: str, p: Perturber) -> str:
    text = _URL.sub(lambda m: f"<URL>{p.url(m.group(1))}</URL>", text)
    text = _TEXT.sub(lambda m: m.group(1) + p.body(m.group(2)) + m.group(3), text)
    return p.date(p.words(text))


def copy_ant(src: Path, dest: Path, p: Perturber) -> Path:
    stem, digest = src.name.split(".tar.gz")[0].rsplit("-", 1)
    out = dest / f"{stem}-{hashlib.sha1(f'{digest}{p.copy}'.encode()).hexdigest()}.tar.gz"
    with tarfile.open(src) as tin, tarfile.open(out, "w:gz", compresslevel=1) as tout:
        for info in tin:
            if not info.isfile():
                tout.addfile(info)
                continue
            data = tin.extractfile(info).read()
            if info.name.endswith(".txt"):
                data = _ant_member(data.decode("utf-8", "surrogateescape"), p).encode("utf-8", "surrogateescape")
            info.size = len(data)
            tout.addfile(info, io.BytesIO(data))
    return out


def copy_pages(src: Path, dest: Path, p: Perturber) -> Path:
    out = dest / f"{p.copy:03d}{src.name[3:]}"
    out.write_text(p.words(src.read_text(encoding="utf-8")), encoding="utf-8")
    return out


# raw folder -> how one of its files is copied (the layouts of arnews_ds.sources.registry.SOURCES)
COPIERS = {"saudinewsnet": ("*.zip", copy_snn), "antcorpus": ("*.tar.gz", copy_ant),
           "aawsat-pages": ("*.txt", copy_pages)}


def write_copy(mirror: Path, copies: Path, copy: int) -> Path:
    """Copy number `copy` (> 0) of every raw file, under `copies/c<copy>/<folder>/` (reused when complete)."""
    root = copies / f"c{copy:02d}"
    if (root / "done").exists():
        return root
    p = Perturber(copy)
    for folder, (pattern, copier) in COPIERS.items():
        (root / folder).mkdir(parents=True, exist_ok=True)
        for src in sorted((mirror / folder).glob(pattern)):
            copier(src, root / folder, p)
    (root / "done").touch()
    return root


def assemble(mirror: Path, copies: Path, k: int, dest: Path) -> Path:
    """A raw folder of k times the mirror: links to the mirror's files and to copies 1..k-1."""
    for folder, (pattern, _) in COPIERS.items():
        (dest / folder).mkdir(parents=True, exist_ok=True)
        roots = [mirror] + [copies / f"c{c:02d}" for c in range(1, k)]
        for root in roots:
            for src in sorted((root / folder).glob(pattern)):
                link = dest / folder / src.name
                if not link.exists():
                    link.symlink_to(src.resolve())
    return dest
