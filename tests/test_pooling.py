"""Related-article pools v2: query selection, pool merging with contributors, sweep import, RM3, date windows and
the sweep search, on tiny self-written fixtures."""
import datetime as dt

import numpy as np
import pytest

from arnews_ds import pool_systems as ps
from arnews_ds import pooling as pl
from arnews_ds import story_sweep as sw

FILLER = "وقال المتحدث إن العمل مستمر في المشروع الجديد خلال الأسابيع المقبلة بحسب الخطة المعلنة سابقا. " * 6


def _article(i: str, title: str, body: str, published: str | None = "2020-03-10", outlet: str = "o1",
             split: str = "test") -> dict:
    return {"id": i.ljust(16, "0"), "title": title, "body": body, "lead": "", "published": published,
            "outlet": outlet, "split": split, "source_categories": []}


def test_merge_pools_records_contributors_and_keeps_v1_pairs():
    runs = {"b": {"q": [("d1", 3.0), ("q", 2.0), ("d2", 1.0), ("d3", 0.5)]},
            "a": {"q": [("d2", 9.0), ("d4", 1.0)]}}
    pools = pl.merge_pools(["q"], runs, depth=3, judged={"q": {"d1", "d9"}})
    assert pools == {"q": {"d1": ["b"], "d2": ["a", "b"], "d4": ["a"], "d9": [pl.V1]}}
    assert list(pools["q"]) == sorted(pools["q"])  # system-blind order
    with pytest.raises(pl.PoolError, match="no ranking for query x"):
        pl.merge_pools(["x"], runs, depth=3)


def test_add_pairs_marks_sweep_and_reports_only_new_pairs():
    pool = pl.pool_file("test", 1, 20, {"a": "note"}, {"q": {"d1": ["a"]}}, {})
    rows = [{"query_id": "q", "doc_id": "d1"}, {"query_id": "q", "doc_id": "d5"}, {"query_id": "q", "doc_id": "d5"}]
    out, new = pl.add_pairs(pool, rows, pl.SWEEP, {"q", "d1", "d5"}, "s.tsv")
    assert out["pools"]["q"] == {"d1": ["a", "sweep"], "d5": ["sweep"]}
    assert new == {"q": ["d5"]} and pool["pools"]["q"] == {"d1": ["a"]}  # the input pool is not mutated
    stats = pl.pool_stats(out)
    assert stats["pairs_per_contributor"] == {"a": 1, "sweep": 2} and stats["unique_to_contributor"] == {
        "a": 0, "sweep": 1} and stats["mean_pool_size"] == 2.0
    for row, message in (({"query_id": "z", "doc_id": "d1"}, "s.tsv:2: query 'z'"),
                         ({"query_id": "q", "doc_id": "zz"}, "unknown corpus id"),
                         ({"query_id": "q", "doc_id": "q"}, "its own candidate")):
        with pytest.raises(pl.PoolError, match=message):
            pl.add_pairs(pool, [row], pl.SWEEP, {"q", "d1"}, "s.tsv")
    v1 = pl.pool_file("test", 1, 20, {}, {"q": {"d1": [pl.V1]}}, {})
    assert pl.add_pairs(v1, rows[:1], pl.SWEEP, {"q", "d1"}, "s")[0]["pools"]["q"]["d1"] == [pl.SWEEP, pl.V1]
    assert pl.add_pairs(v1, rows[:1], "later", {"q", "d1"}, "run")[0]["pools"]["q"]["d1"] == ["later"]
    with pytest.raises(pl.PoolError, match="schema"):
        pl.add_pairs({**pool, "schema": None}, rows, pl.SWEEP, {"q"}, "s.tsv")


def test_select_queries_keeps_judged_ones_and_stratifies_deterministically():
    arts = [_article(f"k{i}", "عنوان", FILLER, outlet="big") for i in range(3)]
    arts += [_article(f"b{i}", "عنوان", FILLER, outlet="big") for i in range(20)]
    arts += [_article(f"s{i}", "عنوان", FILLER, outlet="small") for i in range(4)]
    arts += [_article("short", "عنوان", "بقلم محمد", outlet="small"), _article("val", "عنوان", FILLER, split="x")]
    kept = [a["id"] for a in arts[:3]]
    silver = {a["id"]: ("sports" if i % 2 else "politics") for i, a in enumerate(arts)}
    chosen = pl.select_queries(kept, arts, silver, "test", 8, seed=3)
    assert chosen == pl.select_queries(kept, arts, silver, "test", 8, seed=3) and chosen == sorted(chosen)
    assert set(kept) <= set(chosen) and len(chosen) == 8
    outlets = [a["outlet"] for a in arts if a["id"] in chosen]
    assert outlets.count("small") == 4  # the small outlet catches up with the kept ones of the big one
    assert "short".ljust(16, "0") not in chosen and "val".ljust(16, "0") not in chosen
    replaced = frozenset(a["id"] for a in arts if a["outlet"] == "small")
    assert not replaced & set(pl.select_queries(kept, arts, silver, "test", 8, seed=3, exclude=replaced))
    assert pl.queries_with_relevant({("q", "d"): [0, 1], ("r", "d"): [0]}, {"q": "rep"}) == {"rep"}


def test_date_window():
    d = dt.date(2020, 3, 10)
    assert ps.in_window(d, dt.date(2020, 3, 24)) and not ps.in_window(d, dt.date(2020, 3, 25))
    assert not ps.in_window(d, None) and ps.in_window(None, None) and ps.in_window(None, d)
    assert ps.article_date("2020-03-10T22:15:41+00:00") == d and ps.article_date("bad") is None


def _corpus() -> ps.PoolCorpus:
    arts = [_article("q", "الانتخابات البلدية في جدة", "بدأ الاقتراع في الانتخابات البلدية في جدة اليوم",
                     "2015-12-12"),
            _article("f1", "نتائج الانتخابات البلدية", "صناديق الاقتراع في الانتخابات البلدية", "2015-12-13"),
            _article("f2", "الانتخابات البلدية", "صناديق الانتخابات البلدية في جدة مرتفعة", "2015-12-14"),
            _article("x", "صناديق", "صناديق مغلقة", "2015-12-15"),
            _article("old", "الانتخابات البلدية في جدة", "الانتخابات البلدية في جدة الاقتراع", "2011-09-29")]
    arts += [_article(f"z{i}", f"مباراة {i}", f"فاز الفريق في المباراة رقم {i} على ملعبه", "2015-12-12")
             for i in range(8)]
    return ps.PoolCorpus.from_articles(arts)


def test_rm3_expansion_is_deterministic_and_reaches_feedback_terms():
    scoring = np.ones(10, dtype=bool)
    scoring[9] = False
    feedback = [([1, 2, 3, 3, 9], 2.0), ([3, 4, 4], 1.0)]
    weights = ps.rm3_query([1, 2, 9], feedback, scoring, n_terms=2, original=0.5)
    assert weights == ps.rm3_query([1, 2, 9], feedback, scoring, n_terms=2, original=0.5)
    assert sum(weights.values()) == pytest.approx(1.0) and 9 not in weights
    assert set(weights) == {1, 2, 3, 4} and weights[3] > weights[4]  # query terms + the 2 heaviest feedback terms

    corpus, q = _corpus(), "q".ljust(16, "0")
    rm3 = ps.rm3_run(corpus, [q], 20)
    assert rm3 == ps.rm3_run(corpus, [q], 20) and all(d != q for d, _ in rm3[q])
    # "x" shares no word with the query, only صناديق with its top documents: expansion alone finds it
    x = "x".ljust(16, "0")
    assert x in dict(rm3[q]) and x not in dict(ps.bm25_run(corpus, [q], 20)[q])


def test_chargram_window_drops_out_of_window_docs_and_the_query():
    corpus, q = _corpus(), "q".ljust(16, "0")
    run = ps.chargram_run(corpus, [q], 20)
    ids = [d for d, _ in run[q]]
    assert "old".ljust(16, "0") not in ids and q not in ids and "f1".ljust(16, "0") in ids
    corpus.dates[corpus.position[q]] = None  # an undated query searches every date
    assert "old".ljust(16, "0") in [d for d, _ in ps.chargram_run(corpus, [q], 20)[q]]


def test_sweep_search_normalizes_and_filters_by_date(tmp_path):
    arts = [_article("q", "الانتخابات في جدة", "بدأ الاقتراع", "2015-12-12"),
            _article("a", "والانتخابات البلدية", "جدّة تستعد للاقتراع", "2015-12-20"),
            _article("b", "الانتخابات", "مدينة جدة", "2016-03-01"),
            _article("c", "الانتخابات", "جده", None)]
    path = sw.build_index(arts, tmp_path / "idx.parquet")
    terms = sw.terms_of("الإنتخابات، جدة")
    assert terms == ["الانتخابات", "جده"]
    date, hits = sw.search(path, "q".ljust(16, "0"), terms, 14)
    assert date == "2015-12-12" and [h.id[0] for h in hits] == ["a"]
    _, hits = sw.search(path, "q".ljust(16, "0"), terms, None)
    assert [h.id[0] for h in hits] == ["c", "a", "b"] and hits[0].date is None  # undated first, then by date
    with pytest.raises(KeyError):
        sw.search(path, "nope", terms, 14)


def test_judging_items_are_system_blind():
    by_id = {a["id"]: a for a in (_article("q", "ع", FILLER), _article("d", "ع", FILLER))}
    q, d = "q".ljust(16, "0"), "d".ljust(16, "0")
    items = pl.judging_items({q: {d: ["bm25-rm3"]}}, by_id)
    assert items[0]["query"]["id"] == q and [c["id"] for c in items[0]["candidates"]] == [d]
    assert "bm25-rm3" not in str(items) and len(items[0]["candidates"][0]["text"]) <= pl.DOC_CHARS + 2
    assert pl.batch_items(list(range(13)), 6) == [list(range(6)), list(range(6, 12)), [12]]


def test_cli_add_sweep_updates_the_pool_and_batches_only_new_pairs(tmp_path, capsys):
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    from arnews_ds.cli import main

    arts = [_article(i, "عنوان", FILLER) for i in ("q", "d1", "d2")]
    (tmp_path / "data" / "articles").mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(arts), tmp_path / "data" / "articles" / "full.parquet")
    q, d1, d2 = (a["id"] for a in arts)
    ann = tmp_path / "annotations"
    ann.mkdir()
    (ann / "related_pool.json").write_text(json.dumps(pl.pool_file("test", 5, 20, {"s": "n"}, {q: {d1: ["s"]}}, {})))
    sweep = tmp_path / "sweep-a.tsv"
    sweep.write_text(f"query_id\tdoc_id\n{q}\t{d1}\n{q}\t{d2}\n", encoding="utf-8")
    common = ["--data", str(tmp_path), "--annotations", str(ann), "--runs-dir", str(tmp_path / "runs")]
    assert main(["pool", "add-sweep", "--split", "test", str(sweep), *common]) == 0
    pool = json.loads((ann / "related_pool.json").read_text())
    assert pool["pools"][q] == {d1: ["s", "sweep"], d2: ["sweep"]}
    batch = ann / "batches" / "related-v2" / "related-v2-test-sweep-sweep-a-000.jsonl"
    assert [c["id"] for c in json.loads(batch.read_text())["candidates"]] == [d2]
    assert "| total | 1 | 1 |" in (ann / "batches" / "related-v2" / "MANIFEST.md").read_text()
    sweep.write_text(f"query_id\tdoc_id\n{q}\tffffffffffffffff\n", encoding="utf-8")
    assert main(["pool", "add-sweep", "--split", "test", str(sweep), *common]) == 1
    assert "unknown corpus id" in capsys.readouterr().err


def _outlet_pool(kept: list[str], replaced: list[str]) -> dict:
    return pl.pool_file("test", 3, 2, {"s": "n"}, {q: {} for q in kept}, {q: "none relevant" for q in replaced})


def test_more_queries_continue_the_stratification_and_never_reuse_a_query():
    arts = [_article(f"b{i}", "عنوان", FILLER, outlet="big") for i in range(10)]
    arts += [_article(f"s{i}", "عنوان", FILLER, outlet="small") for i in range(10)]
    ids = [a["id"] for a in arts]
    pool = _outlet_pool(kept=ids[:3], replaced=[ids[3], ids[10]])
    silver = {i: "politics" for i in ids}
    more = pl.more_queries(pool, arts, silver, 5, seed=3)
    assert more == pl.more_queries(pool, arts, silver, 5, seed=3) and more == sorted(more) and len(more) == 5
    assert not set(more) & {*ids[:4], ids[10]}  # neither a pool query nor a replaced one
    # the small outlet had no query: it gets picks until it catches up with the big one's three
    assert sum(q in ids[10:] for q in more) == 4
    added = pl.add_queries(pool, {q: {ids[19]: ["s"]} for q in more[:2]}, "replacement pool, seed 3", "p.json")
    assert added["queries"] == sorted([*ids[:3], *more[:2]]) and list(added["pools"]) == added["queries"]
    assert added["added_queries"] == {q: "replacement pool, seed 3" for q in more[:2]}
    assert pool["queries"] == ids[:3] and "added_queries" not in pool  # the input pool is not mutated
    for clash in (ids[0], ids[3]):
        with pytest.raises(pl.PoolError, match=f"query {clash} is already in the pool or was replaced"):
            pl.add_queries(pool, {clash: {}}, "r", "p.json")


def _pool_fixture(root, arts: list[dict]) -> None:
    """A build (articles, manifest label names, silver topic labels) for the `pool` command under `root`."""
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    for sub in ("articles", "topic"):
        (root / "data" / sub).mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(arts), root / "data" / "articles" / "full.parquet")
    (root / "data" / "manifest.json").write_text(json.dumps({"label_names": ["politics", "sports"]}))
    pq.write_table(pa.Table.from_pylist([{"id": a["id"], "label": k % 2} for k, a in enumerate(arts)]),
                   root / "data" / "topic" / "test.parquet")


def test_cli_add_queries_pools_new_queries_with_every_system_and_batches_them_only(tmp_path, capsys):
    import json

    from arnews_ds.cli import main
    from arnews_ds.trec import read_run, write_run

    words = ["الانتخابات البلدية في جدة", "مباراة الهلال والنصر", "أسعار النفط ترتفع", "قمة الرياض الاقتصادية"]
    arts = [_article(f"a{i:02d}", f"{words[i % 4]} {i}", f"{words[i % 4]} {FILLER}", f"2015-12-{10 + i}",
                     outlet=("o1", "o2")[i % 2]) for i in range(12)]
    ids = [a["id"] for a in arts]
    _pool_fixture(tmp_path, arts)
    systems = {s: "n" for s in [*ps.SYSTEMS, ps.NEURAL]}
    ann, runs = tmp_path / "annotations", tmp_path / "runs"
    ann.mkdir()
    pool = pl.pool_file("test", 5, 3, systems, {ids[0]: {ids[1]: ["bm25-rm3"]}}, {ids[2]: "none relevant"})
    (ann / "related_pool.json").write_text(json.dumps(pool))
    for s in [*ps.SYSTEMS, ps.NEURAL]:
        runs.mkdir(exist_ok=True)
        write_run(runs / f"{s}.test.trec", {ids[0]: [(ids[1], 1.0)]}, s)
    # the bi-encoder's run of every article ranks the query itself first: it must never be pooled
    write_run(tmp_path / "all.trec", {q: [(q, 9.0), *((d, 1.0 / (k + 1)) for k, d in enumerate(ids) if d != q)]
                                      for q in ids}, ps.NEURAL)
    common = ["--data", str(tmp_path), "--annotations", str(ann), "--runs-dir", str(runs),
              "--biencoder-run", str(tmp_path / "all.trec")]
    assert main(["pool", "add-queries", "--split", "test", "--n", "7", *common]) == 0
    pool = json.loads((ann / "related_pool.json").read_text())
    added = sorted(pool["added_queries"])
    assert len(added) == 7 and not {ids[0], ids[2]} & set(added) and pool["queries"] == sorted([ids[0], *added])
    assert set(pool["added_queries"].values()) == {"replacement pool, seed 5"}
    for q in added:
        assert q not in pool["pools"][q] and 3 <= len(pool["pools"][q])
        contributors = {c for cs in pool["pools"][q].values() for c in cs}
        assert contributors == set(systems)  # every system pooled it (at depth 3)
    for s in systems:
        run = read_run(runs / f"{s}.test.trec")
        assert sorted(run) == pool["queries"] and run[ids[0]] == [(ids[1], 1.0)]  # one run per system, old kept
        assert all(len(run[q]) <= 3 and q not in dict(run[q]) for q in added)
    batch_dir = ann / "batches" / "related-v2"
    first = [json.loads(line) for p in sorted(batch_dir.glob("related-v2-test-more-*.jsonl"))
             for line in p.read_text().splitlines()]
    assert [p.name for p in sorted(batch_dir.glob("*.jsonl"))] == ["related-v2-test-more-000.jsonl",
                                                                  "related-v2-test-more-001.jsonl"]
    assert [i["query"]["id"] for i in first] == added  # only the new queries, every pooled pair
    assert all([c["id"] for c in i["candidates"]] == sorted(pool["pools"][i["query"]["id"]]) for i in first)
    assert "| total | 7 |" in (batch_dir / "MANIFEST.md").read_text()
    assert main(["pool", "add-queries", "--split", "test", "--n", "1", *common]) == 0  # numbering goes on
    assert (batch_dir / "related-v2-test-more-002.jsonl").exists() and len(json.loads(
        (ann / "related_pool.json").read_text())["added_queries"]) == 8
    capsys.readouterr()
    assert main(["pool", "add-queries", "--split", "test", "--n", "5", *common]) == 1
    assert "only 2 judgeable test articles are left" in capsys.readouterr().err
