"""Unit tests for the aawsat-pages adapter on synthetic, self-written Arabic pages (no upstream text)."""
from __future__ import annotations

from pathlib import Path

import pytest

from arnews_ds.ids import article_id
from arnews_ds.record import Article, Rejection
from arnews_ds.sources.aawsat_pages import read, split_section

from aawsat_synthetic import card, page  # tests/aawsat_synthetic.py

FIXTURES = Path(__file__).parent / "fixtures" / "aawsat_pages"

# Synthetic pages (self-written).
T1, C1 = "افتتاح حديقة عامة في الحي القديم", "أطفال يلعبون في الحديقة (أرشيفية/أ.ب)"
T2, C2 = "سوق أسبوعي للمزارعين في الساحة", "خضار معروضة في السوق (رويترز)"
T3 = "اجتماع لمجلس الحي لمناقشة النظافة"
B1 = ["افتتحت البلدية حديقة عامة جديدة.", "وتضم الحديقة ملعباً للأطفال."]
B2 = ["يقام السوق كل يوم جمعة.", "ويعرض المزارعون منتجاتهم مباشرة."]
B3 = ["اجتمع مجلس الحي مساء أمس.", "وناقش خطة لتحسين النظافة."]


RELATED = [
    "ملعب جديد للحي",
    "",
    *card("رياضة شباب يلعبون كرة القدم (تصوير خاص)", "ملعب جديد للحي", "افتتح ملعب جديد.", "هدى سالم (عمّان)"),
    *card("منطقة مجهولة صورة عامة للمدينة", "المدينة تستعد للصيف", "تستعد المدينة لموسم الصيف."),
    *card("العالم العربي مشهد ليلي للميناء (أ.ف.ب)", "الميناء يستقبل سفناً جديدة", "وصلت ثلاث سفن.", "علي حسن (عدن)"),
]


def parse(tmp_path: Path, text: str | bytes, name: str = "001_synthetic.txt") -> list[Article | Rejection]:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8", newline="")
    else:
        path.write_bytes(text)
    return list(read(path))


def articles(items: list) -> list[Article]:
    assert all(isinstance(i, Article) for i in items), [i for i in items if isinstance(i, Rejection)]
    return items


def assert_no_furniture(a: Article) -> None:
    for line in a.body.split("\n"):
        assert line != "TT" and line != a.title and line not in a.captions


def test_reference_layout_fixture():
    items = articles(list(read(FIXTURES / "two_pages.txt")))
    assert len(items) == 2
    first, second = items
    assert first.title == "افتتاح جسر جديد فوق النهر في مدينة الزهور"
    assert first.id == article_id("aawsat", None, first.title)
    assert (first.corpus, first.outlet, first.url, first.published, first.date_kind) == (
        "aawsat-pages", "aawsat", None, None, "none")
    assert first.source_categories == () and first.lead is None and first.byline is None
    assert first.captions == ("عمال يضعون اللمسات الأخيرة على الجسر الجديد (أرشيفية/وكالة الزهور)",)
    assert len(first.body.split("\n")) == 3
    assert [c.section for c in first.related] == ["أوروبا", "المشرق العربي", "أوروبا", "أوروبا", "العالم"]
    assert [c.author for c in first.related] == [
        "«الصحيفة التجريبية»", "سلمى الراوي", None, "سلمى الراوي", "كريم الشامي"]
    assert [c.dateline for c in first.related] == ["مدينة الزهور", "بلدة النخيل", None, "بلدة النخيل", "مدينة الزهور"]
    assert first.related[1].caption == "قارب صيد صغير على ضفة النهر (رويترز)"
    assert first.related[3].caption == "مسافرون ينتظرون على رصيف المحطة (أ.ف.ب)"
    assert all(c.title and c.summary for c in first.related)
    assert first.related[0].title == "بلدية الزهور تطلق خطة لتشجير الشوارع"
    assert second.related == () and len(second.body.split("\n")) == 3
    assert [a.provenance[0].index for a in items] == [0, 1]
    assert {a.provenance[0].file for a in items} == {"two_pages.txt"}
    for a in items:
        assert_no_furniture(a)


def test_cards_author_rule_unknown_section_and_longest_prefix(tmp_path):
    (a,) = articles(parse(tmp_path, page(T1, C1, B1, related=RELATED)))
    assert [c.section for c in a.related] == ["رياضة", None, "العالم العربي"]
    assert a.related[1].caption == "منطقة مجهولة صورة عامة للمدينة"  # unknown prefix: whole line is the caption
    assert (a.related[1].author, a.related[1].dateline) == (None, None)
    assert (a.related[2].author, a.related[2].dateline) == ("علي حسن", "عدن")  # last line of the file
    assert a.related[2].caption == "مشهد ليلي للميناء (أ.ف.ب)"


def test_card_line_ending_in_credit_is_not_an_author(tmp_path):
    # Card 1 has no author; card 2's line ends in "(...)" but is followed by blank + title, so it is a card.
    related = ["أ", "", *card("العالم صورة أولى", "أ", "ملخص أول."), *card("العالم صورة ثانية (أ.ب)", "ب", "ملخص ثان.")]
    (a,) = articles(parse(tmp_path, page(T1, C1, B1, related=related)))
    assert [(c.caption, c.author) for c in a.related] == [("صورة أولى", None), ("صورة ثانية (أ.ب)", None)]


def test_author_before_next_page(tmp_path):
    text = page(T1, C1, B1, related=RELATED) + "\n\n" + page(T2, C2, B2)
    first, second = articles(parse(tmp_path, text))
    assert first.related[-1].author == "علي حسن" and second.title == T2
    assert second.body.split("\n") == B2 and second.related == ()


def test_page_without_image(tmp_path):
    (a,) = articles(parse(tmp_path, page(T3, None, B3)))
    assert a.title == T3 and a.captions == () and a.body.split("\n") == B3


def test_page_without_image_title_directly_above_tt(tmp_path):
    text = page(T1, C1, B1) + "\n\n" + "\n".join([T3, "TT", "", T3, "", *B3])
    first, second = articles(parse(tmp_path, text))
    assert first.body.split("\n") == B1
    assert (second.title, second.captions, second.body.split("\n")) == (T3, (), B3)


def test_page_without_tt_at_file_start(tmp_path):
    (a,) = articles(parse(tmp_path, "\n".join([T3, "", *B3])))
    assert a.title == T3 and a.body.split("\n") == B3


def test_caption_printed_more_than_twice(tmp_path):
    (a,) = articles(parse(tmp_path, page(T1, C1, B1, copies=4)))
    assert a.captions == (C1,) and a.body.split("\n") == B1


def test_several_pages_and_final_newline(tmp_path):
    text = "\n\n".join([page(T1, C1, B1), page(T2, C2, B2), page(T3, None, B3)]) + "\n"
    items = articles(parse(tmp_path, text))
    assert [a.title for a in items] == [T1, T2, T3]
    assert [a.body.split("\n") for a in items] == [B1, B2, B3]
    assert [a.provenance[0].index for a in items] == [0, 1, 2]
    for a in items:
        assert_no_furniture(a)


def test_crlf_and_bom(tmp_path):
    text = page(T1, C1, B1, related=RELATED) + "\n\n" + page(T2, C2, B2)
    plain = articles(parse(tmp_path, text, "a.txt"))
    crlf = articles(parse(tmp_path, b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode(), "b.txt"))
    assert [a.id for a in crlf] == [a.id for a in plain]
    assert [(a.title, a.body, a.captions, a.related) for a in crlf] == [
        (a.title, a.body, a.captions, a.related) for a in plain]


@pytest.mark.parametrize(
    "tail",
    [
        [T2],  # cut right after the title … not recognisable: see test below
        [T2, "", C2, C2],  # cut before TT
        [T2, "", C2, C2[:7]],  # cut inside the second caption copy
        [T2, "", C2, C2, "T"],  # cut inside TT
        [T2, "", C2, C2, "TT"],  # cut right after TT
        [T2, "", C2, C2, "TT", "", T2, "", C2[:5]],  # cut inside the repeated header
        [T2, "", C2, C2, "TT", "", T2, "", C2, C2[:5]],  # … inside its second caption copy
    ],
)
def test_truncated_header_keeps_previous_pages(tmp_path, tail):
    text = page(T1, C1, B1) + "\n\n" + "\n".join(tail)
    items = parse(tmp_path, text)
    if tail == [T2]:
        # A lone last line cannot be told from a body paragraph: it stays in the previous page.
        assert len(items) == 1 and isinstance(items[0], Article)
        return
    assert len(items) == 2
    first, cut = items
    assert isinstance(first, Article) and first.body.split("\n") == B1
    assert isinstance(cut, Rejection) and cut.code == "truncated" and cut.index == 1 and "\n" not in cut.reason


def test_truncated_only_page(tmp_path):
    (rej,) = parse(tmp_path, "\n".join([T1, "", C1, C1]))
    assert isinstance(rej, Rejection) and rej.code == "truncated" and rej.index == 0


def test_empty_body_is_rejected_between_pages(tmp_path):
    empty = "\n".join([T3, "", C2, C2, "TT", "", T3, "", C2, C2])
    items = parse(tmp_path, page(T1, C1, B1) + "\n\n" + empty + "\n\n" + page(T2, C2, B2))
    assert [type(i).__name__ for i in items] == ["Article", "Rejection", "Article"]
    assert items[1].code == "empty_body" and items[1].index == 1


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (b"\xef\xbb\xbf \r\n\n", "empty_file"),
        (b"\xff\xfe\x00\x01binary", "not_utf8"),
        ("عنوان".encode("cp1256"), "not_utf8"),
        (b"PK\x03\x04\x00\x00", "wrong_shape"),
        (b'[{"title": "x"}]\n\nsome text', "wrong_shape"),
    ],
)
def test_bad_file_is_one_rejection(tmp_path, data, code):
    (rej,) = parse(tmp_path, data, "bad.txt")
    assert isinstance(rej, Rejection)
    assert (rej.code, rej.file, rej.member, rej.index, rej.source) == (code, "bad.txt", None, None, "aawsat-pages")
    assert rej.reason and "\n" not in rej.reason


def test_missing_file_is_a_rejection(tmp_path):
    (rej,) = list(read(tmp_path / "absent.txt"))
    assert isinstance(rej, Rejection) and rej.code == "unreadable"


def test_read_is_deterministic_and_pure(tmp_path):
    path = tmp_path / "p.txt"
    path.write_text(page(T1, C1, B1, related=RELATED), encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    assert list(read(path)) == list(read(path))
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("المشرق العربي صورة", ("المشرق العربي", "صورة")),
        ("العالم العربي صورة", ("العالم العربي", "صورة")),  # longest prefix wins over العالم
        ("العالم صورة", ("العالم", "صورة")),
        ("ثقافة وفنون لوحة (أ.ب)", ("ثقافة وفنون", "لوحة (أ.ب)")),
        ("العالمية صورة", (None, "العالمية صورة")),  # a section must be followed by a space
        ("أوروبا", ("أوروبا", None)),
    ],
)
def test_split_section(line, expected):
    assert split_section(line) == expected


def test_every_cut_of_the_fixture_parses(tmp_path):
    """Cutting the file anywhere never raises; complete pages before the cut survive; the cut page is one item."""
    text = (FIXTURES / "two_pages.txt").read_text(encoding="utf-8")
    (full_first, _) = list(read(FIXTURES / "two_pages.txt"))
    # From its TT on, the second page's header is recognisable (a lone title line at the end is not: see above).
    second_tt = text.index("\nTT\n", text.index("\n\nمهرجان للكتاب"))
    fields = lambda a: (a.id, a.title, a.body, a.captions, a.related)  # noqa: E731
    path = tmp_path / "cut.txt"
    for n in range(0, len(text) + 1, 3):
        path.write_text(text[:n], encoding="utf-8")
        items = list(read(path))
        assert 1 <= len(items) <= 2
        assert all(isinstance(i, Article) or i.code in ("truncated", "empty_file") for i in items)
        if n >= second_tt:
            assert fields(items[0]) == fields(full_first)
