"""Unit tests for the ANT adapter and safe archive iteration.

All documents here are SYNTHETIC, self-written Arabic snippets in the ANT layout (no upstream text); tarballs
are built in tmp_path.
"""
from __future__ import annotations

import io
import os
import tarfile
from pathlib import Path

import pytest

from arnews_ds.record import Article, Rejection
from arnews_ds.sources import ant
from arnews_ds.sources.archive import ArchiveError, iter_tar, unsafe_name

V2_TOP = "antcorpus.multisource.data-0000000000000000000000000000000000000000"
V1_TOP = "antcorpus.data-0000000000000000000000000000000000000000"


def doc(
    *,
    url: str | None = "http://www.example.com/news/1",
    src: str | None = "BBC",
    cat: str | None = "sport",
    title: str | None = "عنوان تجريبي للخبر",
    time: str | None = "Sun, 18 Feb 2018 17:21:49 GMT",
    author: str | None = "دبي - مراسل تجريبي",
    abstract: str | None = "\n\n",
    text: str | None = "\nفقرة أولى تجريبية.\nفقرة ثانية تجريبية.\n",
    prolog: str = "",
) -> bytes:
    """A synthetic ANT document; a field given as None is left out entirely."""
    parts = [prolog, "<DOC>\n<DOCNO>XX-sport-1-20180218</DOCNO>\n"]
    for tag, value in (("URL", url), ("SRC", src), ("CAT", cat), ("TITLE", title), ("TIME", time),
                       ("AUTHOR", author), ("ABSTRACT", abstract), ("TEXT", text)):
        if value is not None:
            parts.append(f"<{tag}>{value}</{tag}>\n")
    parts.append("</DOC>\n")
    return "".join(parts).encode("utf-8")


def add_file(tf: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tf.addfile(info, io.BytesIO(data))


def make_tar(path: Path, members: dict[str, bytes], mode: str = "w:gz") -> Path:
    with tarfile.open(path, mode) as tf:
        for name, data in members.items():
            add_file(tf, name, data)
    return path


def read_all(path: Path) -> list[Article | Rejection]:
    return list(ant.read(path))


def read_one(tmp_path: Path, raw: bytes, member: str = f"{V2_TOP}/BBC/sport/a.txt") -> list[Article | Rejection]:
    """Read a tarball holding one synthetic member."""
    return read_all(make_tar(tmp_path / "one.tar.gz", {member: raw}))


def only_article(items) -> Article:
    assert len(items) == 1 and isinstance(items[0], Article), items
    return items[0]


# ---- TIME ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "raw, iso, kind",
    [
        ("17/05/2015", "2015-05-17", "dmy"),
        ("2017-01-20T21:43:00+01:00", "2017-01-20T21:43:00+01:00", "iso"),
        ("2017-01-22T185600", "2017-01-22T18:56:00", "iso_basic"),
        ("Sun, 18 Feb 2018 21:35:43 +0400", "2018-02-18T21:35:43+04:00", "rfc2822"),
        ("Sun, 18 Feb 2018 17:21:49 GMT", "2018-02-18T17:21:49+00:00", "rfc2822"),
        (" \n17/05/2015\n", "2015-05-17", "dmy"),
        ("31/02/2015", None, "bad"),
        ("yesterday", None, "bad"),
        ("", None, "bad"),
        (None, None, "bad"),
    ],
)
def test_parse_time(raw, iso, kind):
    assert ant.parse_time(raw) == (iso, kind)


@pytest.mark.parametrize(
    "raw, published",
    [
        ("17/05/2015", "2015-05-17"),
        ("2017-01-20T21:43:00+01:00", "2017-01-20T21:43:00+01:00"),
        ("2017-01-22T185600", "2017-01-22T18:56:00"),
        ("Sun, 18 Feb 2018 21:35:43 +0400", "2018-02-18T21:35:43+04:00"),
    ],
)
def test_time_formats_reach_the_article(tmp_path, raw, published):
    a = only_article(read_one(tmp_path, doc(time=raw)))
    assert (a.published, a.date_kind, a.flags) == (published, "published", ())


@pytest.mark.parametrize("time", ["not a time", None])
def test_bad_or_missing_time_is_flagged(tmp_path, time):
    a = only_article(read_one(tmp_path, doc(time=time)))
    assert (a.published, a.date_kind, a.flags) == (None, "none", ("bad_time",))


# ---- fields --------------------------------------------------------------------------------------------

def test_v2_record_fields(tmp_path):
    member = f"{V2_TOP}/BBC/sport/BB-sport-1-20180218.txt"
    raw = doc(url=" http://www.example.com/news/1 \n", abstract="\nملخص تجريبي.\n")
    path = make_tar(tmp_path / "antcorpus.multisource.data-abc.tar.gz", {member: raw})
    a = only_article(read_all(path))
    assert a.corpus == "ant-v2.1" and a.outlet == "bbc-arabic"
    assert a.url == "http://www.example.com/news/1"
    assert a.title == "عنوان تجريبي للخبر"
    assert a.lead == "ملخص تجريبي."
    assert a.body == "فقرة أولى تجريبية.\nفقرة ثانية تجريبية."
    assert a.byline == "دبي - مراسل تجريبي" and a.authors == ()
    assert a.source_categories == ("sport",)
    assert a.published == "2018-02-18T17:21:49+00:00"
    assert [(p.file, p.member, p.index) for p in a.provenance] == [(path.name, member, 0)]


@pytest.mark.parametrize(
    "src, outlet",
    [("alarabia", "alarabiya"), ("BBC", "bbc-arabic"), ("CNN", "cnn-arabic"), ("france24", "france24-arabic"),
     ("skynews", "skynews-arabia"), ("Jawhara FM", "jawharafm")],
)
def test_outlet_slugs_from_src(tmp_path, src, outlet):
    a = only_article(read_one(tmp_path, doc(src=src)))
    assert a.outlet == outlet


def test_blank_abstract_is_no_lead(tmp_path):
    a = only_article(read_one(tmp_path, doc(abstract="\n \n")))
    assert a.lead is None


def test_missing_src_and_cat_fall_back_to_folders(tmp_path):
    members = {
        f"{V2_TOP}/SkyNews/economy/a.txt": doc(src=None, cat=None),
        f"{V2_TOP}/Alarabia/culture/b.txt": doc(src=None, cat=None, url="http://example.com/2"),
    }
    a, b = read_all(make_tar(tmp_path / "x.tar.gz", members))
    assert (a.outlet, a.source_categories) == ("alarabiya", ("culture",))
    assert (b.outlet, b.source_categories) == ("skynews-arabia", ("economy",))


def test_v1_missing_src_and_cat(tmp_path):
    path = make_tar(tmp_path / "x.tar.gz", {f"{V1_TOP}/politic/JA-politic-1.txt": doc(src=None, cat=None)})
    a = only_article(read_all(path))
    assert (a.corpus, a.outlet, a.source_categories) == ("ant-v1.1", "jawharafm", ("politic",))


def test_corpus_from_layout_when_names_do_not_tell(tmp_path):
    members = {"repo-1/BBC/sport/a.txt": doc(), "repo-1/BBC/sport/b.txt": doc(url="http://example.com/b")}
    assert {a.corpus for a in read_all(make_tar(tmp_path / "x.tar.gz", members))} == {"ant-v2.1"}
    members = {"repo-1/sport/a.txt": doc(src="Jawhara FM")}
    assert only_article(read_all(make_tar(tmp_path / "y.tar.gz", members))).corpus == "ant-v1.1"


def test_src_wins_over_folder_and_cat_keeps_spelling(tmp_path):
    a = only_article(read_one(tmp_path, doc(src="CNN", cat="middleEast")))
    assert (a.outlet, a.source_categories) == ("cnn-arabic", ("middleEast",))


@pytest.mark.parametrize("src, folder", [("Al Jazeera", "BBC"), (None, "Unknown")])
def test_unknown_source_is_rejected(tmp_path, src, folder):
    (r,) = read_all(make_tar(tmp_path / "x.tar.gz", {f"{V2_TOP}/{folder}/sport/a.txt": doc(src=src)}))
    assert isinstance(r, Rejection) and r.code == "unknown_source"
    assert (r.member, r.index) == (f"{V2_TOP}/{folder}/sport/a.txt", 0)


def test_missing_author(tmp_path):
    a = only_article(read_one(tmp_path, doc(author=None)))
    assert (a.byline, a.authors) == (None, ())
    a = only_article(read_one(tmp_path, doc(author=" ")))
    assert a.byline is None


def test_missing_url_keys_the_id_on_the_title(tmp_path):
    a = only_article(read_one(tmp_path, doc(url="")))
    assert a.url is None and len(a.id) == 16


@pytest.mark.parametrize("text", ["\n\n", None])
def test_empty_body_is_rejected(tmp_path, text):
    items = read_one(tmp_path, doc(text=text))
    assert [(type(r), r.code, r.index, r.outlet, r.corpus) for r in items] == [
        (Rejection, "empty_body", 0, "bbc-arabic", "ant-v2.1")]


def test_same_url_twice_is_two_articles_with_one_id(tmp_path):
    members = {f"{V2_TOP}/BBC/sport/a.txt": doc(cat="sport"), f"{V2_TOP}/BBC/culture/b.txt": doc(cat="culture")}
    a, b = read_all(make_tar(tmp_path / "x.tar.gz", members))
    assert a.id == b.id and a.source_categories != b.source_categories


def test_unclosed_text_is_read_to_the_end_and_flagged(tmp_path):
    raw = "<DOC>\n<URL>http://example.com/u</URL>\n<SRC>BBC</SRC>\n<TITLE>عنوان</TITLE>\n<TEXT>\nنص مقطوع"
    raw = raw.encode()
    a = only_article(read_one(tmp_path, raw))
    assert a.body == "نص مقطوع" and "unclosed_tag" in a.flags


def test_file_without_tags_is_wrong_shape(tmp_path):
    (r,) = read_one(tmp_path, "نص بلا وسوم".encode())
    assert r.code == "wrong_shape"


def test_bullet_angle_brackets_in_body_are_text(tmp_path):
    a = only_article(read_one(tmp_path, doc(text="<< نقطة أولى\n>> نقطة ثانية")))
    assert a.body == "<< نقطة أولى\n>> نقطة ثانية"


# ---- layout, order, skipping ---------------------------------------------------------------------------

def test_readme_and_license_are_skipped_and_not_indexed(tmp_path):
    members = {
        f"{V1_TOP}/README.md": b"# readme\n",
        f"{V1_TOP}/LICENSE": b"license text\n",
        f"{V1_TOP}/sport/b.txt": doc(url="http://example.com/b"),
        f"{V1_TOP}/culture/a.txt": doc(url="http://example.com/a"),
    }
    items = read_all(make_tar(tmp_path / "x.tar.gz", members))
    assert [(i.provenance[0].member, i.provenance[0].index) for i in items] == [
        (f"{V1_TOP}/culture/a.txt", 0), (f"{V1_TOP}/sport/b.txt", 1)]


def test_nested_non_txt_member_is_rejected_not_dropped(tmp_path):
    members = {f"{V2_TOP}/BBC/sport/notes.md": b"x", f"{V2_TOP}/BBC/sport/a.txt": doc()}
    items = read_all(make_tar(tmp_path / "x.tar.gz", members))
    assert [getattr(i, "code", "article") for i in items] == ["article", "wrong_shape"]


def test_archive_without_articles_is_one_rejection(tmp_path):
    items = read_all(make_tar(tmp_path / "x.tar.gz", {f"{V1_TOP}/README.md": b"# readme\n"}))
    assert [(r.code, r.member, r.index) for r in items] == [("wrong_shape", None, None)]


def test_extracted_tree_equals_tarball(tmp_path):
    members = {
        f"{V2_TOP}/README.md": b"# readme\n",
        f"{V2_TOP}/CNN/sport/b.txt": doc(src="CNN", url="http://example.com/b"),
        f"{V2_TOP}/BBC/sport/a-1.txt": doc(url="http://example.com/a1"),
        f"{V2_TOP}/BBC/sport/a.txt": doc(url="http://example.com/a"),
        f"{V2_TOP}/BBC/sport-x/c.txt": doc(url="http://example.com/c"),
        f"{V2_TOP}/BBC/sport/e.txt": doc(text="\n"),
    }
    tar = make_tar(tmp_path / "t.tar.gz", members)
    out = tmp_path / "out"
    out.mkdir()
    for name, data in members.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    from_tar, from_tree = read_all(tar), read_all(out / V2_TOP)
    assert len(from_tar) == 5
    strip = lambda items: [  # noqa: E731 - only the input file name may differ
        (i.id, i.to_dict() | {"provenance": [(p.member, p.index) for p in i.provenance]}) if isinstance(i, Article)
        else (i.code, i.member, i.index) for i in items]
    assert strip(from_tar) == strip(from_tree)
    assert [i.member if isinstance(i, Rejection) else i.provenance[0].member for i in from_tar] == sorted(
        n for n in members if n.endswith(".txt"))


def test_tree_symlinks_are_refused_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_bytes(doc(url="http://example.com/secret"))
    top = tmp_path / V2_TOP
    (top / "BBC" / "sport").mkdir(parents=True)
    (top / "BBC" / "sport" / "a.txt").write_bytes(doc())
    os.symlink(outside / "secret.txt", top / "BBC" / "sport" / "link.txt")
    os.symlink(outside, top / "BBC" / "linkdir")
    items = read_all(top)
    assert [getattr(i, "code", "article") for i in items] == ["unsafe_member", "article", "unsafe_member"]
    assert all("secret" not in (i.url or "") for i in items if isinstance(i, Article))


def test_missing_input_is_one_rejection(tmp_path):
    assert [r.code for r in read_all(tmp_path / "nope.tar.gz")] == ["not_found"]


@pytest.mark.parametrize("content", [b"", b"this is not a tarball at all" * 40])
def test_not_an_archive_is_one_rejection(tmp_path, content):
    path = tmp_path / "bad.tar.gz"
    path.write_bytes(content)
    assert [(r.code, r.member, r.index) for r in read_all(path)] == [("bad_archive", None, None)]


# ---- hostile input -------------------------------------------------------------------------------------

def _special(name: str, kind: bytes, linkname: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    return info


def test_unsafe_members_are_rejected_and_never_written(tmp_path, monkeypatch):
    path = tmp_path / "hostile.tar.gz"
    with tarfile.open(path, "w:gz") as tf:
        add_file(tf, f"{V2_TOP}/BBC/sport/a.txt", doc())
        add_file(tf, "/tmp/evil-abs.txt", doc(url="http://example.com/abs"))
        add_file(tf, f"{V2_TOP}/../evil-dotdot.txt", doc(url="http://example.com/dd"))
        tf.addfile(_special(f"{V2_TOP}/BBC/sport/sym.txt", tarfile.SYMTYPE, "/etc/passwd"))
        tf.addfile(_special(f"{V2_TOP}/BBC/sport/hard.txt", tarfile.LNKTYPE, f"{V2_TOP}/BBC/sport/a.txt"))
        tf.addfile(_special(f"{V2_TOP}/BBC/sport/dev.txt", tarfile.CHRTYPE))
        tf.addfile(_special(f"{V2_TOP}/BBC/sport/fifo.txt", tarfile.FIFOTYPE))
    monkeypatch.chdir(tmp_path)
    before = sorted(p for p in tmp_path.rglob("*"))
    items = read_all(path)
    assert sorted(p for p in tmp_path.rglob("*")) == before  # nothing was written anywhere near
    member = lambda i: i.provenance[0].member if isinstance(i, Article) else i.member  # noqa: E731
    codes = {member(i): getattr(i, "code", "article") for i in items}
    assert codes == {
        f"{V2_TOP}/BBC/sport/a.txt": "article",
        "/tmp/evil-abs.txt": "unsafe_member",
        f"{V2_TOP}/../evil-dotdot.txt": "unsafe_member",
        f"{V2_TOP}/BBC/sport/sym.txt": "unsafe_member",
        f"{V2_TOP}/BBC/sport/hard.txt": "unsafe_member",
        f"{V2_TOP}/BBC/sport/dev.txt": "unsafe_member",
        f"{V2_TOP}/BBC/sport/fifo.txt": "unsafe_member",
    }
    # The good member still resolves its top folder and corpus despite the hostile names around it.
    (a,) = [i for i in items if isinstance(i, Article)]
    assert (a.corpus, a.outlet) == ("ant-v2.1", "bbc-arabic")


@pytest.mark.parametrize("name", ["/abs", "a/../../b", "..", "C:/x", "\\\\host\\x", "a\\..\\b"])
def test_unsafe_names(name):
    assert unsafe_name(name)


@pytest.mark.parametrize("name", ["a/b.txt", "./a/b", "a..b/c", "..a/b"])
def test_safe_names(name):
    assert unsafe_name(name) is None


def test_doctype_and_entities_are_never_expanded(tmp_path):
    laughs = "".join(f'<!ENTITY l{i} "&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};">' for i in range(1, 12))
    external = '<!ENTITY ext SYSTEM "file:///etc/passwd">'
    prolog = f'<?xml version="1.0"?>\n<!DOCTYPE DOC [<!ENTITY l0 "انفجار"> {laughs} {external}]>\n'
    raw = doc(prolog=prolog, title="عنوان &l11; &ext;", text="\nنص &l11; و &amp; و &lt;\n")
    a = only_article(read_one(tmp_path, raw))
    assert a.title == "عنوان &l11; &ext;"
    assert a.body == "نص &l11; و &amp; و &lt;"
    assert "انفجار" not in a.title + a.body and "root:" not in a.body


def test_non_utf8_member_is_rejected_and_others_kept(tmp_path):
    members = {
        f"{V2_TOP}/BBC/sport/a.txt": doc(),
        # A legacy Windows-1256 encoded title inside an otherwise UTF-8 file.
        f"{V2_TOP}/BBC/sport/b.txt": doc(url="http://example.com/b", title="عنوان").replace(
            "عنوان".encode(), "عنوان".encode("cp1256")),
    }
    items = read_all(make_tar(tmp_path / "x.tar.gz", members))
    assert [getattr(i, "code", "article") for i in items] == ["article", "not_utf8"]
    assert (items[1].index, items[1].corpus, items[1].outlet) == (1, "ant-v2.1", "bbc-arabic")


def _incompressible_docs(n: int) -> dict[str, bytes]:
    # Random hex keeps gzip from shrinking the members, so a byte cut lands inside a known member.
    return {f"{V2_TOP}/BBC/sport/a{i}.txt": doc(url=f"http://example.com/{i}", text=os.urandom(2000).hex())
            for i in range(n)}


@pytest.mark.parametrize("mode, ext", [("w:gz", "tar.gz"), ("w", "tar")])
def test_truncated_archive_yields_good_records_then_one_rejection(tmp_path, mode, ext):
    full = make_tar(tmp_path / f"full.{ext}", _incompressible_docs(6), mode).read_bytes()
    cut = tmp_path / f"cut.{ext}"
    cut.write_bytes(full[: len(full) // 2])
    items = read_all(cut)
    *good, last = items
    assert 1 <= len(good) < 6 and all(isinstance(i, Article) for i in good)
    assert [i.provenance[0].index for i in good] == list(range(len(good)))
    assert isinstance(last, Rejection) and (last.code, last.member, last.index) == ("truncated", None, None)
    assert (last.file, last.corpus) == (cut.name, "ant-v2.1")


def test_every_cut_point_ends_cleanly(tmp_path):
    """No cut of a gzipped tarball raises; a cut file ends with a `truncated` or `bad_archive` rejection."""
    full = make_tar(tmp_path / "full.tar.gz", _incompressible_docs(3)).read_bytes()
    cut = tmp_path / "cut.tar.gz"
    for n in range(0, len(full), max(1, len(full) // 60)):
        cut.write_bytes(full[:n])
        items = read_all(cut)
        assert isinstance(items[-1], Rejection) and items[-1].code in {"truncated", "bad_archive"}, n
        assert all(isinstance(i, Article) for i in items[:-1])


def test_corrupt_header_mid_archive_is_truncated(tmp_path):
    data = bytearray(make_tar(tmp_path / "full.tar", _incompressible_docs(3), "w").read_bytes())
    second = data.index(f"{V2_TOP}/BBC/sport/a1.txt".encode())
    data[second : second + 512] = b"\xff" * 512  # garble the second header
    bad = tmp_path / "bad.tar"
    bad.write_bytes(bytes(data))
    items = read_all(bad)
    assert isinstance(items[0], Article) and items[-1].code == "truncated"


def test_iter_tar_raises_archive_error_after_good_members(tmp_path):
    full = make_tar(tmp_path / "full.tar", _incompressible_docs(4), "w").read_bytes()
    cut = tmp_path / "cut.tar"
    cut.write_bytes(full[: len(full) // 2])
    seen = []
    with pytest.raises(ArchiveError) as err:
        for entry in iter_tar(cut):
            seen.append(entry.path)
    assert err.value.code == "truncated" and seen


def test_read_is_pure_and_deterministic(tmp_path):
    path = make_tar(tmp_path / "x.tar.gz", {f"{V2_TOP}/BBC/sport/a.txt": doc()})
    assert read_all(path) == read_all(path)
    assert [p.name for p in tmp_path.iterdir()] == ["x.tar.gz"]
