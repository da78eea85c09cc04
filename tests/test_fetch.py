"""Unit tests for fetch/lock on tiny self-made mirrors, with a real local HTTP server that supports Range."""
from __future__ import annotations

import dataclasses
import io
import tarfile
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from arnews_ds.fetch import FetchError, cache_dir, fetch, raw_files, verify_cache
from arnews_ds.lock import LockEntry, LockError, dump_lock, load_lock, make_lock, tree_digest

COMMIT = "ab" * 20
TARBALL = f"antcorpus/repo-{COMMIT}.tar.gz"
ZIP1, ZIP2 = "saudinewsnet/2015-01-01.zip", "saudinewsnet/2015-01-02.zip"
PAGES = "aawsat-pages/000_x.txt"
TREE = {"README.md": b"readme\n", "a/1.txt": "خبر أول".encode(), "a/2.txt": b"second"}


# ---------------------------------------------------------------- helpers (also used by test_fetch_mirror.py)

@contextmanager
def serve_folder(root: Path, honour_range: bool = True) -> Iterator[tuple[str, list[tuple[str, str | None]]]]:
    """Serve `root` on 127.0.0.1 in a thread; yield (base url, [(path, Range header) per request])."""
    seen: list[tuple[str, str | None]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            rel = urllib.parse.unquote(self.path.lstrip("/"))
            seen.append((rel, self.headers.get("Range")))
            file = root / rel
            if not file.is_file():
                self.send_error(404)
                return
            data = file.read_bytes()
            start = _range_start(self.headers.get("Range")) if honour_range else None
            if start is not None and start >= len(data):
                self._reply(416, b"", {"Content-Range": f"bytes */{len(data)}"})
            elif start is not None:
                self._reply(206, data[start:], {"Content-Range": f"bytes {start}-{len(data) - 1}/{len(data)}"})
            else:
                self._reply(200, data, {})

        def _reply(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for key, value in {**headers, "Content-Length": str(len(body))}.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _range_start(header: str | None) -> int | None:
    if not header:
        return None
    return int(header.removeprefix("bytes=").split("-", 1)[0])


def make_tarball(path: Path, files: dict[str, bytes], top: str, level: int = 9) -> None:
    """A git-archive-like .tar.gz: one top folder, directories, regular files."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz", compresslevel=level) as tar:
        _add_dir(tar, top)
        for rel, data in sorted(files.items()):
            if "/" in rel:
                _add_dir(tar, f"{top}/{rel.rsplit('/', 1)[0]}")
            info = tarfile.TarInfo(f"{top}/{rel}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def _add_dir(tar: tarfile.TarFile, name: str) -> None:
    if name not in tar.getnames():
        info = tarfile.TarInfo(name)
        info.type = tarfile.DIRTYPE
        tar.addfile(info)


def assert_one_line_naming(exc: pytest.ExceptionInfo, path: str) -> str:
    message = str(exc.value)
    assert "\n" not in message and path in message
    return message


def nothing_installed(cache: Path, path: str) -> bool:
    return not (cache / path).exists() and not (cache / f"{path}.part").exists()


# ---------------------------------------------------------------- fixtures

@pytest.fixture(autouse=True)
def _no_origin_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ARNEWS_MIRROR", "ARNEWS_BASE_URL", "ARNEWS_HOME"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def tiny_mirror(tmp_path: Path) -> Path:
    root = tmp_path / "mirror"
    for rel, data in {ZIP1: b"zip-one " * 1000, ZIP2: bytes(range(256)) * 20, PAGES: "عنوان\n\nنص\n".encode()}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    make_tarball(root / TARBALL, TREE, top=f"repo-{COMMIT}")
    return root


@pytest.fixture
def tiny_lock(tiny_mirror: Path) -> list[LockEntry]:
    return make_lock(tiny_mirror)


@pytest.fixture
def served(tmp_path: Path, tiny_mirror: Path) -> Path:
    """A writable copy of the mirror to serve over HTTP, so tests can damage it without touching the lock."""
    root = tmp_path / "served"
    for src in tiny_mirror.rglob("*"):
        if src.is_file():
            (root / src.relative_to(tiny_mirror)).parent.mkdir(parents=True, exist_ok=True)
            (root / src.relative_to(tiny_mirror)).write_bytes(src.read_bytes())
    return root


def _entry(lock: list[LockEntry], path: str) -> list[LockEntry]:
    return [e for e in lock if e.path == path]


# ---------------------------------------------------------------- lock

def test_make_lock_pins_every_mirror_file(tiny_mirror: Path, tmp_path: Path) -> None:
    lock = make_lock(tiny_mirror)
    by_path = {e.path: e for e in lock}
    assert list(by_path) == [ZIP1, ZIP2, TARBALL, PAGES]
    assert by_path[ZIP1].url.endswith("/dataset/2015-01-01.zip") and by_path[PAGES].url is None
    assert by_path[TARBALL].url == f"https://github.com/antcorpus/repo/archive/{COMMIT}.tar.gz"
    assert by_path[TARBALL].tree.members == len(TREE)
    dump_lock(lock, tmp_path / "lock.json")
    assert list(load_lock(tmp_path / "lock.json")) == lock


@pytest.mark.parametrize("bad", [
    {"path": "../x.zip", "url": None, "sha256": "0" * 64, "size": 1},
    {"path": "x.zip", "url": None, "sha256": "0" * 64, "size": 1, "md5": "x"},
    {"path": "x.zip", "url": None, "sha256": "nothex", "size": 1},
])
def test_load_lock_rejects_malformed_entries(tmp_path: Path, bad: dict) -> None:
    import json

    (tmp_path / "lock.json").write_text(json.dumps({"version": 1, "files": [bad]}))
    with pytest.raises(LockError):
        load_lock(tmp_path / "lock.json")


def test_tree_digest_ignores_compression_but_not_content(tmp_path: Path) -> None:
    make_tarball(tmp_path / "a.tar.gz", TREE, top="repo-x", level=9)
    make_tarball(tmp_path / "b.tar.gz", TREE, top="repo-y", level=1)
    make_tarball(tmp_path / "c.tar.gz", {**TREE, "a/2.txt": b"changed"}, top="repo-x")
    assert (tmp_path / "a.tar.gz").read_bytes() != (tmp_path / "b.tar.gz").read_bytes()
    assert tree_digest(tmp_path / "a.tar.gz") == tree_digest(tmp_path / "b.tar.gz")
    assert tree_digest(tmp_path / "a.tar.gz") != tree_digest(tmp_path / "c.tar.gz")


@pytest.mark.parametrize("name,kind", [("top/link", tarfile.SYMTYPE), ("top/../evil", tarfile.REGTYPE),
                                       ("/top/abs", tarfile.REGTYPE), ("other/x", tarfile.REGTYPE)])
def test_tree_digest_refuses_hostile_members(tmp_path: Path, name: str, kind: bytes) -> None:
    path = tmp_path / "h.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        tar.addfile(tarfile.TarInfo("top/ok"), io.BytesIO(b""))
        info = tarfile.TarInfo(name)
        info.type, info.linkname = kind, "/etc/passwd"
        tar.addfile(info, io.BytesIO(b""))
    with pytest.raises(ValueError):
        tree_digest(path)


# ---------------------------------------------------------------- mirror copy

def test_fetch_from_mirror_installs_then_skips(tiny_mirror: Path, tiny_lock: list[LockEntry], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    report = fetch(cache, mirror=tiny_mirror, progress=False, lock=tiny_lock)
    assert report.fetched == [ZIP1, ZIP2, TARBALL, PAGES] and report.origin.startswith("mirror")
    assert verify_cache(cache, tiny_lock) == []
    again = fetch(cache, mirror=tiny_mirror, progress=False, lock=tiny_lock)
    assert again.fetched == [] and again.skipped == report.fetched
    assert raw_files(cache, tiny_lock) == {
        "saudinewsnet": [cache / ZIP1, cache / ZIP2], "antcorpus": [cache / TARBALL], "aawsat-pages": [cache / PAGES]}


def test_env_mirror_is_the_default_origin(tiny_mirror: Path, tiny_lock: list[LockEntry], tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARNEWS_MIRROR", str(tiny_mirror))
    monkeypatch.setenv("ARNEWS_HOME", str(tmp_path / "home"))
    report = fetch(progress=False, lock=tiny_lock)
    assert report.origin == f"mirror {tiny_mirror}" and report.cache == tmp_path / "home" / "raw"
    assert verify_cache(tmp_path / "home" / "raw", tiny_lock) == []


def test_missing_mirror_file_is_a_clear_error(tiny_mirror: Path, tiny_lock: list[LockEntry], tmp_path: Path) -> None:
    (tiny_mirror / ZIP2).unlink()
    with pytest.raises(FetchError) as exc:
        fetch(tmp_path / "cache", mirror=tiny_mirror, progress=False, lock=tiny_lock)
    assert "missing from mirror" in assert_one_line_naming(exc, ZIP2)


def test_corrupt_mirror_file_is_refused(tiny_mirror: Path, tiny_lock: list[LockEntry], tmp_path: Path) -> None:
    (tiny_mirror / ZIP1).write_bytes(b"tampered")
    cache = tmp_path / "cache"
    with pytest.raises(FetchError) as exc:
        fetch(cache, mirror=tiny_mirror, progress=False, lock=tiny_lock)
    message = assert_one_line_naming(exc, ZIP1)
    assert f"expected {_entry(tiny_lock, ZIP1)[0].sha256[:12]}" in message
    assert nothing_installed(cache, ZIP1)


def test_corrupt_cached_file_is_fetched_again(tiny_mirror: Path, tiny_lock: list[LockEntry], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    fetch(cache, mirror=tiny_mirror, progress=False, lock=tiny_lock)
    (cache / ZIP2).write_bytes(b"bitrot")
    (cache / PAGES).unlink()
    assert [p.split(":")[0] for p in verify_cache(cache, tiny_lock)] == [ZIP2, PAGES]
    with pytest.raises(FetchError, match="not ready"):
        raw_files(cache, tiny_lock)
    report = fetch(cache, mirror=tiny_mirror, progress=False, lock=tiny_lock)
    assert report.replaced == [ZIP2] and report.fetched == [ZIP2, PAGES]
    assert report.summary().startswith("fetched 2 (replaced 1 that failed verification), already verified 2; cache")
    assert verify_cache(cache, tiny_lock) == []


# ---------------------------------------------------------------- HTTP

def test_http_download_from_base_url(served: Path, tiny_lock: list[LockEntry], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    with serve_folder(served) as (url, seen):
        report = fetch(cache, base_url=url, progress=False, lock=tiny_lock)
    assert report.fetched == [ZIP1, ZIP2, TARBALL, PAGES] and report.origin == url
    assert [path for path, _ in seen] == report.fetched
    assert verify_cache(cache, tiny_lock) == []


def test_http_download_from_entry_urls(served: Path, tiny_lock: list[LockEntry], tmp_path: Path) -> None:
    with serve_folder(served) as (url, _):
        lock = [dataclasses.replace(e, url=f"{url}/{e.path}") for e in tiny_lock if e.url]
        report = fetch(tmp_path / "cache", progress=False, lock=lock)
    assert report.origin == "upstream urls" and report.fetched == [ZIP1, ZIP2, TARBALL]


def test_mirror_only_file_needs_a_mirror(tiny_lock: list[LockEntry], tmp_path: Path) -> None:
    with pytest.raises(FetchError) as exc:
        fetch(tmp_path / "cache", progress=False, lock=_entry(tiny_lock, PAGES))
    assert "mirror-only" in assert_one_line_naming(exc, PAGES)


def test_http_resumes_partial_download_with_range(served: Path, tiny_lock: list[LockEntry], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    (cache / ZIP1).parent.mkdir(parents=True)
    (cache / f"{ZIP1}.part").write_bytes((served / ZIP1).read_bytes()[:3000])
    with serve_folder(served) as (url, seen):
        fetch(cache, base_url=url, progress=False, lock=_entry(tiny_lock, ZIP1))
    assert seen == [(ZIP1, "bytes=3000-")]
    assert verify_cache(cache, _entry(tiny_lock, ZIP1)) == [] and not (cache / f"{ZIP1}.part").exists()


def test_http_server_ignoring_range_restarts_cleanly(served: Path, tiny_lock: list[LockEntry], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    (cache / ZIP1).parent.mkdir(parents=True)
    (cache / f"{ZIP1}.part").write_bytes(b"garbage")  # a 200 reply must overwrite, not append to, this
    with serve_folder(served, honour_range=False) as (url, seen):
        fetch(cache, base_url=url, progress=False, lock=_entry(tiny_lock, ZIP1))
    assert seen == [(ZIP1, "bytes=7-")]
    assert verify_cache(cache, _entry(tiny_lock, ZIP1)) == []


def test_complete_part_needs_no_request(served: Path, tiny_lock: list[LockEntry], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    (cache / ZIP1).parent.mkdir(parents=True)
    (cache / f"{ZIP1}.part").write_bytes((served / ZIP1).read_bytes())
    with serve_folder(served) as (url, seen):
        fetch(cache, base_url=url, progress=False, lock=_entry(tiny_lock, ZIP1))
    assert seen == [] and (cache / ZIP1).is_file()


def test_resume_onto_a_bad_prefix_is_refused(served: Path, tiny_lock: list[LockEntry], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    (cache / ZIP1).parent.mkdir(parents=True)
    (cache / f"{ZIP1}.part").write_bytes(b"X" * 3000)
    with serve_folder(served) as (url, _), pytest.raises(FetchError) as exc:
        fetch(cache, base_url=url, progress=False, lock=_entry(tiny_lock, ZIP1))
    assert "sha256 mismatch" in assert_one_line_naming(exc, ZIP1)
    assert nothing_installed(cache, ZIP1)


def test_corrupt_served_file_is_refused(served: Path, tiny_lock: list[LockEntry], tmp_path: Path) -> None:
    data = bytearray((served / ZIP2).read_bytes())
    data[100] ^= 0xFF  # same size, one flipped byte: only the sha256 can tell
    (served / ZIP2).write_bytes(bytes(data))
    cache = tmp_path / "cache"
    with serve_folder(served) as (url, _), pytest.raises(FetchError) as exc:
        fetch(cache, base_url=url, progress=False, lock=tiny_lock)
    message = assert_one_line_naming(exc, ZIP2)
    assert f"expected {_entry(tiny_lock, ZIP2)[0].sha256[:12]}, got " in message
    assert nothing_installed(cache, ZIP2) and (cache / ZIP1).is_file()


def test_http_404_is_one_line(served: Path, tiny_lock: list[LockEntry], tmp_path: Path) -> None:
    (served / ZIP1).unlink()
    with serve_folder(served) as (url, _), pytest.raises(FetchError) as exc:
        fetch(tmp_path / "cache", base_url=url, progress=False, lock=tiny_lock)
    assert "HTTP 404" in assert_one_line_naming(exc, ZIP1)


def test_regzipped_tarball_with_same_members_is_accepted(served: Path, tiny_lock: list[LockEntry],
                                                         tmp_path: Path) -> None:
    original = (served / TARBALL).read_bytes()
    make_tarball(served / TARBALL, TREE, top=f"repo-{COMMIT}", level=1)
    assert (served / TARBALL).read_bytes() != original
    cache = tmp_path / "cache"
    with serve_folder(served) as (url, _):
        fetch(cache, base_url=url, progress=False, lock=_entry(tiny_lock, TARBALL))
    assert (cache / TARBALL).read_bytes() == (served / TARBALL).read_bytes()
    assert verify_cache(cache, tiny_lock[2:3]) == []


def test_tarball_with_changed_member_is_refused(served: Path, tiny_lock: list[LockEntry], tmp_path: Path) -> None:
    make_tarball(served / TARBALL, {**TREE, "a/1.txt": b"edited"}, top=f"repo-{COMMIT}")
    cache = tmp_path / "cache"
    with serve_folder(served) as (url, _), pytest.raises(FetchError) as exc:
        fetch(cache, base_url=url, progress=False, lock=_entry(tiny_lock, TARBALL))
    assert "extracted tree differs" in assert_one_line_naming(exc, TARBALL)
    assert nothing_installed(cache, TARBALL)


def test_cache_dir_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert cache_dir().parts[-2:] == ("arnews_ds", "raw")
    monkeypatch.setenv("ARNEWS_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "raw"
