"""Same-id merge rule (DESIGN §4) and the conservation report on in-memory records."""
from arnews_ds.merge import merge_same_id
from arnews_ds.record import Article, Provenance, Rejection
from arnews_ds.sources.common import make_article


def _art(path, published, cats, title="عنوان", url="http://x.com/a"):
    a = make_article(source="ant", corpus="ant-v2.1", outlet="bbc-arabic", provenance=Provenance("t.tar.gz", path, 0),
                     title=title, body="نص الخبر", url=url, published=published, date_kind="published",
                     source_categories=cats)
    assert isinstance(a, Article)
    return a


def test_merge_takes_latest_time_then_first_path_and_unions_categories():
    a = _art("b/sport/1.txt", "2018-02-01T10:00:00+00:00", ["sport"], title="قديم")
    b = _art("a/culture/1.txt", "2018-02-01T12:00:00+01:00", ["culture"], title="جديد")  # same instant as a
    c = _art("c/economy/1.txt", "2018-01-01", ["economy"], title="أقدم")
    (m,) = merge_same_id([a, b, c])
    assert m.title == "جديد"  # equal instants -> lexically first path wins
    assert m.source_categories == ("culture", "sport", "economy")
    assert [p.member for p in m.provenance] == ["a/culture/1.txt", "b/sport/1.txt", "c/economy/1.txt"]


def test_merge_keeps_distinct_ids_apart():
    a = _art("x", "2018-01-01", ["sport"], url="http://x.com/1")
    b = _art("y", "2018-01-01", ["sport"], url="http://x.com/2")
    assert len(merge_same_id([a, b])) == 2


def test_make_article_rejects_empty_body_and_flags_missing_title():
    prov = Provenance("f.zip", "f.json", 3)
    r = make_article(source="saudinewsnet", corpus="saudinewsnet", outlet="sabq", provenance=prov, title="ع", body=" \u200b")
    assert isinstance(r, Rejection) and r.code == "empty_body" and r.outlet == "sabq"
    assert r.line() == "f.zip::f.json#3: empty body"
    a = make_article(source="saudinewsnet", corpus="saudinewsnet", outlet="sabq", provenance=prov, title="", body="نص",
                     url="http://sabq.org/x")
    assert a.flags == ("no_title",)


def test_article_roundtrips_through_dict():
    a = _art("x", "2018-01-01", ["sport"])
    assert Article.from_dict(a.to_dict()) == a
