"""Golden-sample test of the aawsat-pages adapter on the real mirror file (titles compared by digest only)."""
from __future__ import annotations

import hashlib

import pytest

from arnews_ds.record import Article
from arnews_ds.sources.aawsat_pages import read

pytestmark = pytest.mark.integration

FILE = "aawsat-pages/000_210a3636dc6c3d16.txt"
# (index, id, sha256 of the title), computed once from the mirror file.
GOLDEN = [
    (0, "107b7111cdfe5699", "f3a2ed623435f4f046c1352e2a4c6396b4142075ebcd4c3f8d731a250d837648"),
    (-1, "38bdb5079a186781", "84236c91960072d01fd6ab0b67b7eb21d7ccb66cd8377c688395eed75013595d"),
]


@pytest.fixture(scope="module")
def items(mirror):
    return list(read(mirror / FILE))


def test_count_and_golden_records(items):
    assert len(items) == 2 and all(isinstance(a, Article) for a in items)
    for index, id_, title_sha in GOLDEN:
        a = items[index]
        assert a.id == id_
        assert hashlib.sha256(a.title.encode()).hexdigest() == title_sha
        assert (a.corpus, a.outlet, a.url, a.date_kind) == ("aawsat-pages", "aawsat", None, "none")


def test_related_cards(items):
    first, second = items
    assert [c.section for c in first.related] == ["أوروبا", "المشرق العربي", "أوروبا", "أوروبا", "العالم"]
    assert all(c.caption and not c.caption.startswith(c.section) for c in first.related)
    assert all(c.title and c.summary for c in first.related)
    assert [c.author is not None for c in first.related] == [True, True, False, True, True]
    assert [c.dateline is not None for c in first.related] == [True, True, False, True, True]
    assert second.related == ()


def test_body_free_of_furniture(items):
    for a in items:
        assert len(a.captions) == 1 and a.body
        for line in a.body.split("\n"):
            assert line not in ("TT", "مقالات ذات صلة", a.title, *a.captions)
