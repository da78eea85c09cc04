"""Safe, in-memory iteration over archive members and extracted trees (DESIGN §5 hostile input).

Nothing is ever extracted to disk and no link is ever followed: a member with an absolute path, a `..`
component, or that is a link/device/fifo comes back as an `Entry` with `unsafe` set and no data, so the
caller can turn it into a rejection. A corrupt or truncated archive raises `ArchiveError` only after every
member read before the damage has been yielded.
"""
from __future__ import annotations

import io
import os
import stat
import tarfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# What a damaged gzip/tar stream can raise mid-read (EOFError: gzip stream cut short; zlib.error: bad deflate data).
_STREAM_ERRORS = (tarfile.TarError, EOFError, OSError, zlib.error)


@dataclass(frozen=True)
class Entry:
    """One archive member or tree file: its posix path, its bytes (regular files), or why it was refused."""

    path: str
    data: bytes | None = None
    unsafe: str | None = None
    unreadable: str | None = None  # an I/O error on one tree file (the rest of the tree is still read)


class ArchiveError(Exception):
    """The archive as a whole is unreadable (`bad_archive`) or ends early (`truncated`)."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


def unsafe_name(name: str) -> str | None:
    """Why a member name could escape its folder (absolute, drive-rooted, `..`), or None when it is safe."""
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "absolute path"
    if ".." in name.replace("\\", "/").split("/"):
        return "'..' component"
    return None


def _tar_kind_problem(info: tarfile.TarInfo) -> str | None:
    if info.issym():
        return "symbolic link"
    if info.islnk():
        return "hard link"
    if info.isdev():
        return "device or fifo"
    if not (info.isreg() or info.isdir()):
        return "special member type"
    return None


def _open_tar(path: str | os.PathLike) -> tuple[tarfile.TarFile, bytes | None, str | None]:
    """Open a tarball; a gzip one is inflated into memory in one zlib call, which makes reading its ~30k small
    members several times faster than tarfile's seek-and-read through GzipFile. Returns (tar, the inflated bytes
    when it was inflated here or None, why the compressed stream ended early or None)."""
    raw = Path(path).read_bytes()
    if raw[:2] != b"\x1f\x8b":
        # bz2/xz/plain: random-access mode (not `r|`), whose readers raise on a cut stream that stream mode ignores.
        return tarfile.open(path, mode="r:*"), None, None
    parts, cut = [], None
    while raw:  # a gzip file may hold several members back to back
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            parts.append(inflater.decompress(raw))
        except zlib.error as exc:
            parts.append(inflater.flush())
            cut = f"bad compressed data ({exc})"
            break
        if not inflater.eof:
            cut = "compressed stream ends early"
            break
        raw = inflater.unused_data if inflater.unused_data[:2] == b"\x1f\x8b" else b""
    data = b"".join(parts)
    return tarfile.open(fileobj=io.BytesIO(data), mode="r:"), data, cut


def _member_data(tf: tarfile.TarFile, inflated: bytes | None, info: tarfile.TarInfo) -> bytes:
    """A regular member's bytes. From an archive inflated in memory, a plain member is sliced straight out of the
    buffer: `extractfile` would wrap each of ~40k small members in two file objects first. A member cut short
    raises as `extractfile` would."""
    if inflated is None or info.sparse is not None:  # GNU sparse members need tarfile's block map
        fh = tf.extractfile(info)
        return fh.read() if fh else b""
    data = inflated[info.offset_data:info.offset_data + info.size]
    if len(data) != info.size:
        raise tarfile.ReadError("unexpected end of data")
    return data


def iter_tar(path: str | os.PathLike) -> Iterator[Entry]:
    """Yield regular files (with bytes) and refused members of a tarball in stored order; directories are skipped."""
    try:
        tf, inflated, cut = _open_tar(path)
    except tarfile.ReadError as exc:
        # `r:*` lists every method it tried, one per line: the one-line gist is that no method fits.
        what = "tried gzip, bz2, xz and plain tar" if "\n" in str(exc) else _one_line(exc)
        raise ArchiveError("bad_archive", f"not a tar archive ({what})") from None
    except _STREAM_ERRORS as exc:
        raise ArchiveError("bad_archive", f"not a readable tar archive ({_one_line(exc)})") from None
    current = None
    try:
        with tf:
            for info in tf:
                current = info.name
                problem = unsafe_name(info.name) or _tar_kind_problem(info)
                if problem:
                    yield Entry(info.name, unsafe=problem)
                elif info.isreg():
                    yield Entry(info.name, data=_member_data(tf, inflated, info))
                current = None
            if cut:
                raise EOFError(cut)
            _check_end(tf)
    except _STREAM_ERRORS as exc:
        where = f" while reading {current!r}" if current else ""
        raise ArchiveError("truncated", f"archive is truncated or corrupt{where} ({_one_line(exc)})") from None


def _one_line(exc: BaseException) -> str:
    """An exception's message on one line: rejection reasons are printed one per line (DESIGN §5)."""
    return " ".join(str(exc).split())


def _check_end(tf: tarfile.TarFile) -> None:
    """Raise unless the archive ends with its end-of-archive zero blocks.

    tarfile stops silently at a cut or garbled header after the first member, so the tail is checked here: a
    complete archive has at least two zero blocks where iteration stopped and nothing but zeros after them.
    """
    tf.fileobj.seek(tf.offset)
    tail = tf.fileobj.read()  # a cut compressed stream raises EOFError here
    if len(tail) < 2 * tarfile.BLOCKSIZE or tail.strip(b"\0"):
        raise tarfile.ReadError("no end-of-archive marker after the last member")


def iter_tree(root: str | os.PathLike) -> Iterator[Entry]:
    """Yield files under `root` (names sorted per folder) as `<root name>/<relative path>`, the layout `tar x` leaves.

    Symlinks (to files or folders) are refused, never followed, so the walk cannot leave the tree.
    """
    root = Path(root)
    yield from _walk(root, root.name)


def _walk(folder: Path, prefix: str) -> Iterator[Entry]:
    try:
        with os.scandir(folder) as it:
            children = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        yield Entry(prefix, unreadable=f"unreadable folder ({exc.strerror})")
        return
    for child in children:
        rel = f"{prefix}/{child.name}"
        try:
            mode = child.stat(follow_symlinks=False).st_mode
        except OSError as exc:
            yield Entry(rel, unreadable=exc.strerror or "stat failed")
            continue
        if stat.S_ISLNK(mode):
            yield Entry(rel, unsafe="symbolic link")
        elif stat.S_ISDIR(mode):
            yield from _walk(Path(child.path), rel)
        elif stat.S_ISREG(mode):
            try:
                yield Entry(rel, data=Path(child.path).read_bytes())
            except OSError as exc:
                yield Entry(rel, unreadable=f"unreadable file ({exc.strerror})")
        else:
            yield Entry(rel, unsafe="device, fifo or socket")
