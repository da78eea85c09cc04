"""Silver headline exclusion rules on self-written records (synthetic text)."""
from arnews_ds.exclusions import MIN_BODY_WORDS, headline_exclusions
from arnews_ds.record import Article

NEWS = " ".join(["أعلنت البلدية اليوم عن افتتاح حديقة جديدة في الحي الشمالي للمدينة"] * 4)


def _article(i: str, title: str, body: str, outlet: str = "alwatan", cats: tuple[str, ...] = ()) -> Article:
    return Article(id=i, corpus="saudinewsnet", outlet=outlet, url=None, published=None, date_kind="none",
                   title=title, lead=None, body=body, byline=None, source_categories=cats)


def test_reasons_per_rule():
    rows = headline_exclusions([
        _article("a1", "حديقة جديدة للحي الشمالي", NEWS, cats=("Local",)),
        _article("a2", "عن الصبر والأمل", NEWS, cats=("Articles",)),
        _article("a3", "رسالة إلى الوزير", NEWS, outlet="aljazirah", cats=("rv",)),
        _article("a4", "خبر قصير جداً", "سطر واحد فقط من الكاتب"),
        _article("a5", "افتتاح حديقة", "افتتاح حديقة " + NEWS),
    ])
    assert {r["id"]: r["reason"] for r in rows} == {"a2": "opinion", "a3": "opinion", "a4": "short_body",
                                                   "a5": "title_in_body"}
    assert all(r["method"] == "silver:headline-rule-v2" for r in rows)


def test_short_body_threshold_is_inclusive_at_the_minimum():
    body = " ".join(["كلمة"] * MIN_BODY_WORDS)
    assert headline_exclusions([_article("b1", "عنوان الخبر هنا", body)]) == []
    assert [r["reason"] for r in headline_exclusions([_article("b2", "عنوان الخبر هنا", body.rsplit(" ", 1)[0])])] \
        == ["short_body"]
