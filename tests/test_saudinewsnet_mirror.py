"""SaudiNewsNet adapter on the real mirror: counts, golden records, byline parse share."""
from collections import Counter

import pytest

from arnews_ds.record import Article, Rejection
from arnews_ds.sources import saudinewsnet

pytestmark = pytest.mark.integration

# Measured on the 17 v1 batches (2015-07-21 … 2015-08-10): 87.0% of non-empty bylines parsed; almost all the rest
# are bare columnist names, which no rule explains. Floors sit a little under the measured shares.
OVERALL_FLOOR = 0.86
OUTLET_FLOORS = {"aawsat": 0.95, "alweeam": 0.95, "sabq": 0.90, "alwatan": 0.70}


@pytest.fixture(scope="module")
def items(mirror):
    files = sorted((mirror / "saudinewsnet").glob("*.zip"))
    assert len(files) == 17
    return [item for path in files for item in saudinewsnet.read(path)]


def test_count_and_rejections(items):
    assert len(items) == 29_344
    codes = Counter(x.code for x in items if isinstance(x, Rejection))
    # 344 empty contents, plus 15 alweeam records whose content is only the "link to the story" furniture line
    assert codes == {"empty_body": 359}
    articles = [x for x in items if isinstance(x, Article)]
    assert sum("no_title" in a.flags for a in articles) == 10
    assert len({a.id for a in articles}) == len(articles)


@pytest.mark.parametrize(
    "index, id_, title_prefix, file",
    [
        (0, "4b4c1ec7b73f456d", "بريطانيا: أر", "2015-07-21.zip"),
        (9, "88af069a9c098273", "حكومة البشير", "2015-07-21.zip"),
        (-1, "941a327c861ffdaa", "اجتماعي / جم", "2015-08-10.zip"),
    ],
)
def test_golden_records(items, index, id_, title_prefix, file):
    a = items[index]
    assert isinstance(a, Article)
    assert a.id == id_ and a.title.startswith(title_prefix) and a.provenance[0].file == file
    assert a.corpus == "saudinewsnet" and a.date_kind == "extracted" and a.published.endswith("+03:00")


def test_byline_parse_share(items):
    seen, parsed = Counter(), Counter()
    for a in items:
        if isinstance(a, Article) and a.byline:
            seen[a.outlet] += 1
            parsed[a.outlet] += bool(a.authors or a.dateline)
    share = {o: parsed[o] / seen[o] for o in sorted(seen)}
    overall = sum(parsed.values()) / sum(seen.values())
    print("\nbyline parse share:", ", ".join(f"{o} {s:.3f}" for o, s in share.items()), f"| overall {overall:.3f}")
    assert overall >= OVERALL_FLOOR
    for outlet, floor in OUTLET_FLOORS.items():
        assert share[outlet] >= floor, outlet
