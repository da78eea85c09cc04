"""Dumps holding several pages one after another, as a crawler appends them (synthetic, self-written text).

Every page must come back once per occurrence with its own title, body, captions and related cards, whatever
the join: 0, 1 or more blank lines, or a page without a final newline glued to the next one.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from arnews_ds.record import Article
from arnews_ds.sources.aawsat_pages import RELATED, read

from aawsat_synthetic import card, page  # tests/aawsat_synthetic.py

FIXTURES = Path(__file__).parent / "fixtures" / "aawsat_pages"

# (title, caption or None, body paragraphs, related cards): five self-written pages. A card is
# (section, caption, title, summary, author line or None).
PAGES = [
    ("حملة لزراعة ألف شجرة في الضواحي", "متطوعون يغرسون الشتلات (تصوير خاص)",
     ["بدأت الحملة صباح السبت بمشاركة المدارس.", "وتستمر الزراعة حتى نهاية الشهر."],
     [("بيئة", "شتلات صغيرة في أصص", "مشتل البلدية يوزع الشتلات", "وزع المشتل ألفي شتلة.", "رنا خليل (بلدة النخيل)"),
      ("أخبار", "شارع مزروع بالأشجار", "شوارع أكثر خضرة", "زادت المساحات الخضراء.", None)]),
    ("افتتاح عيادة للأطفال في الحي الشرقي", "ممرضة تستقبل طفلاً في العيادة",
     ["تستقبل العيادة الأطفال من الأحد إلى الخميس.", "وتقدم التطعيمات مجاناً.", "ويعمل فيها ستة أطباء."],
     []),
    ("مباراة ودية بين فريقي المدرستين", None,
     ["انتهت المباراة بالتعادل بهدف لكل فريق.", "وحضرها أولياء الأمور."],
     [("رياضة", "لاعبون صغار في الملعب (أ.ب)", "ملعب المدرسة بعد التجديد", "جدد الملعب بعشب صناعي.",
       "وليد سمير (مدينة الزهور)")]),
    ("زيادة رحلات الحافلات إلى المطار", "حافلة تقف عند المحطة (رويترز)",
     ["أضافت الشركة عشر رحلات يومية.", "وتبدأ أول رحلة في الخامسة صباحاً."],
     []),
    ("مسابقة للشعر بين طلاب الجامعات", "طالبة تلقي قصيدة على المسرح",
     ["تنافس عشرون طالباً في المسابقة.", "وفاز بالجائزة الأولى طالب من كلية الآداب."],
     [("ثقافة وفنون", "جمهور في قاعة", "أمسية شعرية في المركز الثقافي", "قرأ خمسة شعراء قصائدهم.", None),
      ("كتب", "غلاف ديوان جديد", "ديوان أول لشاعرة شابة", "صدر الديوان هذا الأسبوع.", "سلوى ناصر (عمّان)")]),
]
JOINS = {"glued": "", "0 blank": "\n", "1 blank": "\n\n", "3 blank": "\n\n\n\n"}


def dump(indices: list[int], join: str, final_newline: bool) -> str:
    text = join.join(_page_text(*PAGES[i]) for i in indices)
    return text + ("\n" if final_newline else "")


def _page_text(title: str, caption: str | None, body: list[str], cards: list[tuple]) -> str:
    # The block opens with the first card's title printed alone.
    lines = [line for section, caption, *rest in cards for line in card(f"{section} {caption}", *rest)]
    related = [cards[0][2], "", *lines] if cards else None
    return page(title, caption, body, related=related)


def parse(tmp_path: Path, text: str) -> list[Article]:
    path = tmp_path / "dump.txt"
    path.write_text(text, encoding="utf-8", newline="")
    items = list(read(path))
    assert all(isinstance(a, Article) for a in items), [a for a in items if not isinstance(a, Article)]
    return items


def assert_is_page(a: Article, spec: tuple) -> None:
    title, caption, body, cards = spec
    assert (a.title, a.captions, a.body.split("\n")) == (title, (caption,) if caption else (), body)
    assert [(c.section, c.caption, c.title, c.summary) for c in a.related] == [c[:4] for c in cards]
    assert [(c.author, c.dateline) for c in a.related] == [
        tuple(author.rstrip(")").split(" (")) if author else (None, None) for *_, author in cards]


@pytest.mark.parametrize("join", list(JOINS))
@pytest.mark.parametrize("final_newline", [True, False])
@pytest.mark.parametrize("indices", [[0, 1], [1, 2], [2, 0, 3], [0, 1, 2, 3, 4], [4, 3, 2, 1, 0]])
def test_every_page_comes_back_whatever_the_join(tmp_path, indices, join, final_newline):
    items = parse(tmp_path, dump(indices, JOINS[join], final_newline))
    assert len(items) == len(indices)
    for a, i in zip(items, indices):
        assert_is_page(a, PAGES[i])
    assert [a.provenance[0].index for a in items] == list(range(len(indices)))


@pytest.mark.parametrize("join", list(JOINS))
def test_a_page_repeated_comes_back_once_per_occurrence(tmp_path, join):
    items = parse(tmp_path, dump([0, 1, 0, 1, 0], JOINS[join], final_newline=False))
    assert [a.title for a in items] == [PAGES[i][0] for i in (0, 1, 0, 1, 0)]
    assert len({a.id for a in items}) == 2  # same title, same id: dedup merges the copies later, the reader does not
    assert items[0].related == items[2].related == items[4].related and len(items[0].related) == 2


def test_same_as_each_page_alone(tmp_path):
    """A page parses to the same record inside a 5-page dump (0-blank joins) as in a file of its own."""
    alone = [parse(tmp_path, dump([i], "", final_newline=True))[0] for i in range(5)]
    joined = parse(tmp_path, dump(list(range(5)), "\n", final_newline=False))
    fields = lambda a: (a.id, a.title, a.body, a.captions, a.related)  # noqa: E731
    assert [fields(a) for a in joined] == [fields(a) for a in alone]


def test_leading_blank_lines_and_blank_only_joins(tmp_path):
    items = parse(tmp_path, "\n\n" + dump([3, 1], "\n\n\n", final_newline=True) + "\n\n")
    assert [a.title for a in items] == [PAGES[3][0], PAGES[1][0]]
    assert_is_page(items[1], PAGES[1])


def test_five_page_fixture(tmp_path):
    """five_pages.txt: joins of 0, 1, 0 and 3 blank lines, no final newline (see the fixture README)."""
    items = list(read(FIXTURES / "five_pages.txt"))
    assert all(isinstance(a, Article) for a in items) and len(items) == 5
    assert [a.title for a in items] == [
        "المدينة تفتتح مكتبة عامة في حي الورود",
        "فريق الحي يفوز ببطولة كرة السلة",
        "انقطاع المياه عن ثلاثة أحياء غداً",
        "معرض للحرف اليدوية في السوق القديم",
        "توقعات بأمطار غزيرة نهاية الأسبوع",
    ]
    assert [len(a.captions) for a in items] == [1, 1, 0, 1, 1]
    assert items[1].captions == ("لاعبو الفريق يحتفلون بالكأس (أ.ف.ب)",)  # printed three times
    assert [len(a.body.split("\n")) for a in items] == [3, 2, 2, 2, 3]
    assert [[c.section for c in a.related] for a in items] == [
        ["يوميات الشرق", "ثقافة وفنون", "أخبار"], [], ["اقتصاد", "بيئة"], ["منوعات", "سفر وسياحة"], []]
    assert [[c.author for c in a.related] for a in items] == [
        [None, "سامي النجار", "ليلى الحسن"], [], [None, None], ["هدى يوسف", "مازن العلي"], []]
    assert items[0].related[-1].dateline == "بلدة الياسمين"  # author line directly followed by the next title
    assert items[2].related[-1].summary == "شارك مئات المتطوعين في الحملة."  # summary directly followed by a title
    for a in items:
        for line in a.body.split("\n"):
            assert line not in ("TT", RELATED, *(b.title for b in items), *a.captions)


def test_every_cut_of_the_five_page_fixture_keeps_complete_pages(tmp_path):
    """Cut anywhere: never raises; once the next page's TT is in the file, every page before it is complete."""
    text = (FIXTURES / "five_pages.txt").read_text(encoding="utf-8")
    full = list(read(FIXTURES / "five_pages.txt"))
    fields = lambda a: (a.id, a.title, a.body, a.captions, a.related)  # noqa: E731
    tts = [i for i in range(len(text)) if text.startswith("\nTT\n", i)]
    path = tmp_path / "cut.txt"
    for n in range(0, len(text) + 1, 7):
        path.write_text(text[:n], encoding="utf-8")
        items = list(read(path))
        assert all(isinstance(i, Article) or i.code in ("truncated", "empty_file") for i in items)
        complete = sum(1 for t in tts[1:] if n >= t + len("\nTT"))
        assert [fields(a) for a in items[:complete]] == [fields(a) for a in full[:complete]]
