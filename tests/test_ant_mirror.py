"""Integration tests of the ANT adapter on the real mirror (titles asserted by short prefixes only)."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from arnews_ds.record import Article, Rejection
from arnews_ds.sources import ant
from arnews_ds.sources.archive import iter_tar

pytestmark = pytest.mark.integration

V1_FILE = "antcorpus.data-06f6a10e80c7a0e7aee0bba2f0a6372c35c45c83.tar.gz"
V2_FILE = "antcorpus.multisource.data-f117ce44a9cfad0dcbd341b7d744e4c3cdb4fed8.tar.gz"

# Committed expectations (measured on the pinned commits): counts, rejections, golden records at 0, 9, last.
EXPECTED = {
    V1_FILE: {
        "corpus": "ant-v1.1",
        "items": 10_161,
        "rejections": {"empty_body": 23},
        "outlets": {"jawharafm": 10_138},
        "golden": [
            (0, "eb3710dab472c54a", 'مخرج "غدوة ح', "culture/JA-culture-1-20170120.txt"),
            (9, "ef8b1a108760533f", "مهرجان كان :", "culture/JA-culture-107-20170521.txt"),
            (10_160, "b57f27bfacf576ff", "المنستير : ا", "technology/JA-technology-9-20161215.txt"),
        ],
        "time_formats": {"dmy": 5_333, "iso": 4_821, "iso_basic": 7},
        "same_url": ("culture/JA-culture-38-20170121.txt", "technology/JA-technology-1-20170121.txt"),
    },
    V2_FILE: {
        "corpus": "ant-v2.1",
        "items": 31_525,
        "rejections": {"empty_body": 2},
        "outlets": {
            "skynews-arabia": 13_708, "alarabiya": 6_519, "france24-arabic": 3_974, "bbc-arabic": 3_815,
            "cnn-arabic": 3_507,
        },
        "golden": [
            (0, "1c54b83ce7e8dcfc", "هكذا تحالفت ", "Alarabia/culture/AL-culture-1-20180218.txt"),
            (9, "cdd6d3b095414066", "مهرجان تطوان", "Alarabia/culture/AL-culture-107-20180301.txt"),
            (31_524, "029c0150eeba2f74", "أبل وسامسونغ", "SkyNews/technology/SK-technology-999-20180628.txt"),
        ],
        "time_formats": {"rfc2822": 31_525},
        "same_url": (
            "Alarabia/economy/AL-economy-432-20180412.txt", "Alarabia/technology/AL-technology-165-20180412.txt"),
    },
}

_CACHE: dict[Path, list] = {}


def items_of(path: Path) -> list[Article | Rejection]:
    """Each tarball is parsed once per session (a few seconds each)."""
    if path not in _CACHE:
        _CACHE[path] = list(ant.read(path))
    return _CACHE[path]


def member_tail(item: Article | Rejection) -> str:
    member = item.provenance[0].member if isinstance(item, Article) else item.member
    return member.split("/", 1)[1]  # drop the `<repo>-<commit>/` top folder


@pytest.fixture(params=[V1_FILE, V2_FILE])
def tarball(request, mirror) -> tuple[Path, dict]:
    return mirror / "antcorpus" / request.param, EXPECTED[request.param]


def test_counts_and_rejections(tarball):
    path, exp = tarball
    items = items_of(path)
    assert len(items) == exp["items"]
    articles = [i for i in items if isinstance(i, Article)]
    assert dict(Counter(r.code for r in items if isinstance(r, Rejection))) == exp["rejections"]
    assert dict(Counter(a.outlet for a in articles)) == exp["outlets"]
    assert {a.corpus for a in articles} == {exp["corpus"]}
    assert all(a.provenance[0].file == path.name for a in articles)
    assert [a.provenance[0].index for a in articles] == [i for i, x in enumerate(items) if isinstance(x, Article)]


def test_golden_records(tarball):
    path, exp = tarball
    items = items_of(path)
    for index, id_, title_prefix, member in exp["golden"]:
        assert len(title_prefix) <= 12
        item = items[index]
        assert isinstance(item, Article)
        assert (item.id, item.title[: len(title_prefix)], member_tail(item)) == (id_, title_prefix, member)


def test_order_is_by_member_path(tarball):
    path, _ = tarball
    members = [member_tail(i) for i in items_of(path)]
    assert members == sorted(members)


def test_time_formats(tarball):
    """Every raw <TIME> is one of the known formats, in the committed proportions; none is unparsable."""
    path, exp = tarball
    formats: Counter[str] = Counter()
    for entry in iter_tar(path):
        if entry.data is not None and entry.path.endswith(".txt"):
            fields, _ = ant.parse_fields(entry.data.decode("utf-8"))
            formats[ant.parse_time(fields.get("TIME"))[1]] += 1
    assert dict(formats) == exp["time_formats"]
    articles = [a for a in items_of(path) if isinstance(a, Article)]
    assert all(a.published and a.date_kind == "published" and "bad_time" not in a.flags for a in articles)


def test_same_url_filed_twice_gives_two_articles_with_one_id(tarball):
    path, exp = tarball
    by_member = {member_tail(a): a for a in items_of(path) if isinstance(a, Article)}
    first, second = (by_member[m] for m in exp["same_url"])
    assert first.id == second.id
    assert first.source_categories != second.source_categories


def test_v1_file_without_src_and_cat_uses_folders(mirror):
    items = items_of(mirror / "antcorpus" / V1_FILE)
    (a,) = [i for i in items if isinstance(i, Article) and member_tail(i) == "politic/JA-politic-92-20170201.txt"]
    assert (a.outlet, a.source_categories) == ("jawharafm", ("politic",))
