"""Integration: the full build on the real mirror matches the committed splits and expected stats, and loads."""
import json

import pytest

from arnews_ds.build import EXPECTED_STATS, build
from arnews_ds.verify import verify

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def real_build(mirror, tmp_path_factory):
    out = tmp_path_factory.mktemp("real")
    return out, build(mirror, out, progress=False)


def test_real_build_accounts_for_every_raw_record(real_build):
    _, result = real_build
    assert result.stats["balanced"]
    for line in ("saudinewsnet: read 29,344", "ant: read 41,686", "aawsat-pages: read 2"):
        assert line in result.accounting
    assert "DOES NOT ADD UP" not in result.accounting


def test_real_build_matches_committed_expectations_and_verifies(real_build):
    out, result = real_build
    assert result.stats == json.loads(EXPECTED_STATS.read_text(encoding="utf-8"))
    assert verify(out) == []


def test_real_build_configs_load(real_build):
    import datasets

    out, result = real_build
    topic = datasets.load_dataset(str(out), "topic")
    assert {s: len(d) for s, d in topic.items()} == result.stats["configs"]["topic"]
    assert topic["train"].features["label"].names == ["politics", "economy", "sports", "culture", "technology", "society"]
    corpus = datasets.load_dataset(str(out), "corpus", split="corpus")
    assert len(corpus) == result.stats["configs"]["articles"]["full"]


def test_no_body_contains_page_furniture(real_build):
    import pyarrow.parquet as pq

    out, _ = real_build
    rows = pq.read_table(out / "data" / "articles" / "full.parquet", columns=["corpus", "title", "body", "captions"]).to_pylist()
    pages = [r for r in rows if r["corpus"] == "aawsat-pages"]
    assert len(pages) == 2
    for r in pages:
        lines = r["body"].split("\n")
        assert "TT" not in lines and r["title"] not in lines and not set(r["captions"]) & set(lines)
        assert "مقالات ذات صلة" not in lines
    assert not any("\u0640" in r["body"] or "\ufeff" in r["body"] or "\r" in r["body"] for r in rows)
