"""SaudiNewsNet adapter on self-written zips in the upstream layout (one `YYYY-MM-DD.json` array per zip)."""
import json
import stat
import zipfile

import pytest

from arnews_ds.ids import article_id
from arnews_ds.record import Article, Provenance, Rejection
from arnews_ds.sources import saudinewsnet

BODY = "أعلنت البلدية اليوم عن افتتاح حديقة جديدة.\n\nوتضم الحديقة ممرات للمشي."


def rec(**fields) -> dict:
    base = {
        "source": "okaz",
        "url": "http://www.okaz.com.sa/new/Issues/20150721/Con20150721000001.htm",
        "date_extracted": "2015-07-21 10:20:30",
        "title": "افتتاح حديقة جديدة",
        "author": "نوار القيسي (جدة)",
        "content": BODY,
    }
    return base | fields


def make_zip(tmp_path, members: dict, name="2015-07-21.zip"):
    """A zip with the given members; values are bytes, or anything else dumped as JSON."""
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, value in members.items():
            zf.writestr(member, value if isinstance(value, bytes) else json.dumps(value, ensure_ascii=False))
    return path


def read_all(tmp_path, records, **kw) -> list:
    return list(saudinewsnet.read(make_zip(tmp_path, {"2015-07-21.json": records}, **kw)))


def only(items, kind):
    assert len(items) == 1 and isinstance(items[0], kind), items
    return items[0]


def test_good_record(tmp_path):
    a = only(read_all(tmp_path, [rec()]), Article)
    assert a.corpus == "saudinewsnet" and a.outlet == "okaz"
    assert a.id == article_id("okaz", rec()["url"])
    assert a.published == "2015-07-21T10:20:30+03:00" and a.date_kind == "extracted"
    assert a.title == "افتتاح حديقة جديدة"
    assert a.body == "أعلنت البلدية اليوم عن افتتاح حديقة جديدة.\nوتضم الحديقة ممرات للمشي."
    assert a.byline == "نوار القيسي (جدة)" and a.authors == ("نوار القيسي",) and a.dateline == "جدة"
    assert a.provenance == (Provenance("2015-07-21.zip", "2015-07-21.json", 0),)
    assert a.flags == ()


def test_empty_body_is_rejected(tmp_path):
    r = only(read_all(tmp_path, [rec(content=" \n ")]), Rejection)
    assert (r.code, r.file, r.member, r.index) == ("empty_body", "2015-07-21.zip", "2015-07-21.json", 0)


def test_empty_title_is_flagged(tmp_path):
    a = only(read_all(tmp_path, [rec(title="")]), Article)
    assert "no_title" in a.flags


def test_unknown_source_is_rejected(tmp_path):
    items = read_all(tmp_path, [rec(), rec(source="alhayat")])
    assert isinstance(items[0], Article)
    assert items[1].code == "unknown_source" and items[1].index == 1 and "alhayat" in items[1].reason


@pytest.mark.parametrize(
    "record", [["okaz"], "okaz", 7, None, {"source": "okaz"}, rec(content=5), rec(source=["okaz"])]
)
def test_wrong_shape_record(tmp_path, record):
    items = read_all(tmp_path, [rec(), record])
    assert isinstance(items[0], Article)
    assert items[1].code == "wrong_shape" and items[1].index == 1


def test_null_fields_count_as_empty(tmp_path):
    a = only(read_all(tmp_path, [rec(author=None, title=None)]), Article)
    assert a.byline is None and a.authors == () and "no_title" in a.flags


def test_top_level_not_an_array(tmp_path):
    r = only(read_all(tmp_path, {"articles": [rec()]}), Rejection)
    assert r.code == "wrong_shape" and r.index is None


def test_bad_json_is_one_rejection(tmp_path):
    path = make_zip(tmp_path, {"2015-07-21.json": b'[{"source": "okaz", '})
    r = only(list(saudinewsnet.read(path)), Rejection)
    assert (r.code, r.member, r.index) == ("bad_json", "2015-07-21.json", None)


def test_non_utf8_is_one_rejection(tmp_path):
    data = json.dumps([rec()], ensure_ascii=False).encode("cp1256")
    r = only(list(saudinewsnet.read(make_zip(tmp_path, {"2015-07-21.json": data}))), Rejection)
    assert r.code == "not_utf8" and r.index is None


def test_truncated_zip(tmp_path):
    path = make_zip(tmp_path, {"2015-07-21.json": [rec()] * 20})
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    r = only(list(saudinewsnet.read(path)), Rejection)
    assert (r.code, r.file, r.member, r.index) == ("truncated", "2015-07-21.zip", None, None)


def test_corrupt_member_data(tmp_path):
    path = make_zip(tmp_path, {"2015-07-21.json": [rec(content=BODY * 50)]})
    data = bytearray(path.read_bytes())
    for i in range(60, 160):  # inside the deflated data, after the 30-byte local header and the name
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    r = only(list(saudinewsnet.read(path)), Rejection)
    assert r.code == "truncated" and r.member == "2015-07-21.json"


def test_not_a_zip(tmp_path):
    path = tmp_path / "2015-07-21.zip"
    path.write_bytes(b"this is not a zip")
    assert only(list(saudinewsnet.read(path)), Rejection).code == "truncated"


def test_unsafe_members_refused_and_readme_skipped(tmp_path):
    path = make_zip(
        tmp_path,
        {
            "../evil.json": [rec(url="http://okaz.com.sa/evil")],
            "/abs.json": [rec(url="http://okaz.com.sa/abs")],
            "README.md": b"# not articles",
            "__MACOSX/._2015-07-21.json": b"\x00\x05",
            "2015-07-21.json": [rec()],
        },
    )
    items = list(saudinewsnet.read(path))
    unsafe = [x for x in items if isinstance(x, Rejection)]
    assert sorted(r.member for r in unsafe) == ["../evil.json", "/abs.json"]
    assert all(r.code == "unsafe_member" and r.index is None for r in unsafe)
    assert [a.url for a in items if isinstance(a, Article)] == [rec()["url"]]


def test_symlink_member_refused(tmp_path):
    path = tmp_path / "2015-07-21.zip"
    with zipfile.ZipFile(path, "w") as zf:
        link = zipfile.ZipInfo("2015-07-21.json")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
    r = only(list(saudinewsnet.read(path)), Rejection)
    assert r.code == "unsafe_member" and "link" in r.reason


def test_zip_without_json_member(tmp_path):
    path = make_zip(tmp_path, {"README.md": b"# nothing here"})
    assert only(list(saudinewsnet.read(path)), Rejection).code == "wrong_shape"


def test_html_entities_in_byline_and_title(tmp_path):
    a = only(read_all(tmp_path, [rec(author="&nbsp;عكاظ (جدة)", title="&quot;حديقة&quot; جديدة")]), Article)
    assert a.byline == "عكاظ (جدة)" and a.authors == ("عكاظ",) and a.dateline == "جدة"
    assert a.title == '"حديقة" جديدة'


def test_unexplained_byline_stays_only_in_byline(tmp_path):
    a = only(read_all(tmp_path, [rec(author="نوار القيسي")]), Article)
    assert a.byline == "نوار القيسي" and a.authors == () and a.dateline is None


def test_dates(tmp_path):
    empty, bad, impossible = read_all(
        tmp_path,
        [rec(url="http://okaz.com.sa/1", date_extracted=""), rec(url="http://okaz.com.sa/2", date_extracted="21/07/2015"),
         rec(url="http://okaz.com.sa/3", date_extracted="2015-13-01 10:00:00")],
    )
    assert empty.published is None and empty.date_kind == "none" and "bad_date" not in empty.flags
    assert bad.published is None and "bad_date" in bad.flags
    assert impossible.published is None and "bad_date" in impossible.flags


def test_missing_url_keys_on_title(tmp_path):
    a = only(read_all(tmp_path, [rec(url="")]), Article)
    assert a.url is None and a.id == article_id("okaz", None, "افتتاح حديقة جديدة")


def test_url_section_becomes_source_category(tmp_path):
    url = "http://www.alwatan.com.sa/Politics/News_Detail.aspx?ArticleID=1&CategoryID=1"
    a = only(read_all(tmp_path, [rec(source="alwatan", url=url)]), Article)
    assert a.source_categories == ("Politics",)


def test_pure_and_deterministic(tmp_path):
    path = make_zip(tmp_path, {"2015-07-21.json": [rec(url=f"http://okaz.com.sa/{i}") for i in range(5)]})
    before = sorted(p.name for p in tmp_path.iterdir())
    first, second = list(saudinewsnet.read(path)), list(saudinewsnet.read(path))
    assert first == second and [a.provenance[0].index for a in first] == [0, 1, 2, 3, 4]
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_outlet_page_furniture_is_stripped():
    from arnews_ds.sources.saudinewsnet import strip_furniture

    body = "فقرة أولى من الخبر.\nفقرة ثانية.\nرابط الخبر بصحيفة الوئام: عنوان الخبر نفسه"
    assert strip_furniture("alweeam", body) == "فقرة أولى من الخبر.\nفقرة ثانية."
    assert strip_furniture("sabq", body) == body  # other outlets keep their text
    assert strip_furniture("3alyoum", "Next Previous الرياض – عين اليوم\nنص الخبر") == "الرياض – عين اليوم\nنص الخبر"
    assert strip_furniture("3alyoum", "صورة أولى صورة ثانية Next Previous\nنص الخبر") == "نص الخبر"
    assert strip_furniture("3alyoum", "نص بلا شريط صور") == "نص بلا شريط صور"
