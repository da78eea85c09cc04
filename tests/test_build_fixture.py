"""End-to-end build on the synthetic mirror (tests/synthetic.py): tables, determinism, loading, verify, MTEB."""
import csv
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from arnews_ds import annotations as ann
from arnews_ds.build import build
from arnews_ds.dedup import find_clusters
from arnews_ds.engines import Engine
from arnews_ds.exclusions import headline_exclusions
from arnews_ds.ingest import ingest, raw_files
from arnews_ds.splits import assign_splits, units_from, write_assignment
from arnews_ds.verify import verify

import synthetic  # tests/synthetic.py (pytest puts tests/ on sys.path)


def _write_annotations(root: Path, articles, assignment) -> None:
    root.mkdir(parents=True)
    shutil.copy(ann.ANNOTATIONS / "taxonomy.yaml", root / "taxonomy.yaml")
    by_cat: dict[tuple, list[str]] = {}
    for a in articles:
        for c in a.source_categories:
            by_cat.setdefault((a.corpus, a.outlet, c), []).append(a.id)
    labels = {"Politics": "politics", "Sports": "sports", "sport": "sports", "economy": "economy"}
    with (root / "category_map.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(ann.MAP_COLUMNS + ("note",))
        for (corpus, outlet, cat), ids in sorted(by_cat.items()):
            w.writerow([corpus, outlet, cat, labels[cat], "1.00", len(ids[:3]), labels[cat], " ".join(ids[:3]),
                        "fixture", "manual", "synthetic fixture"])
    rows = headline_exclusions(articles)
    with (root / "exclusions.tsv").open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, ann.EXCLUSION_COLUMNS, delimiter="\t", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    test_ids = sorted(i for i, s in assignment.items() if s == "test" and i in {a.id for a in articles})
    q, d1, d2 = test_ids[0], test_ids[1], test_ids[2]
    with (root / "topic_gold.tsv").open("w", encoding="utf-8") as f:
        f.write("id\tlabel\tannotator\tmethod\tguidelines\n")
        f.write(f"{test_ids[0]}\tsports\tfixture-a\tmanual\t2.0\n{test_ids[0]}\tsports\tfixture-b\tmanual\t2.0\n")
        # a disagreement decided by a third reading
        f.write(f"{test_ids[1]}\tpolitics\tfixture-a\tmanual\t2.0\n{test_ids[1]}\teconomy\tfixture-b\tmanual\t2.0\n"
                f"{test_ids[1]}\teconomy\tfixture-c\tmanual-adjudicated\t2.0\n")
        f.write(f"{test_ids[2]}\tculture\tfixture-a\tmanual\t2.0\n")
        f.write(f"{test_ids[3]}\tsociety\tfixture-a\tmanual\t1.0\n")  # history: 1.0 rows never enter
        f.write(f"{test_ids[4]}\tpolitics\tfixture-a\tmanual\t2.0\n{test_ids[4]}\tsports\tfixture-b\tmanual\t2.0\n")
    with (root / "headline_refs.tsv").open("w", encoding="utf-8") as f:
        f.write("id\treference\tannotator\tmethod\tguidelines\n")
        f.write(f"{test_ids[0]}\tالوزير يفتتح مشروعاً جديداً\tfixture-a\tmanual\t1.0\n")
        f.write(f"{test_ids[0]}\tافتتاح مشروع جديد في الرياض\tfixture-b\tmanual\t1.0\n")
    d3 = test_ids[3]
    with (root / "related_qrels.tsv").open("w", encoding="utf-8") as f:
        f.write("query_id\tdoc_id\tgrade\tduplicate\tannotator\tmethod\tguidelines\n")
        f.write(f"{q}\t{d1}\t2\t0\tfixture-a\tmanual\t2.0\n{q}\t{d1}\t1\t0\tfixture-b\tmanual\t2.0\n"
                f"{q}\t{d1}\t2\t0\tfixture-c\tmanual-adjudicated\t2.0\n"
                f"{q}\t{d2}\t0\t0\tfixture-a\tmanual\t1.0\n"  # a 1.0 grade 2.0 kept: stays
                f"{q}\t{d3}\t1\t0\tfixture-a\tmanual\t1.0\n")  # a 1.0 grade 1 not re-judged: left out


@pytest.fixture(scope="module")
def fixture_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("fixture")
    raw = synthetic.write_raw(root / "raw")
    result = ingest(raw_files(raw))
    clusters = find_clusters(result.articles)
    assignment = assign_splits(units_from(result.articles, clusters))
    splits_dir = root / "splits"
    write_assignment(splits_dir, assignment, {"rule": "fixture"})
    kept = [a for a in result.articles if clusters.cluster_of[a.id] == a.id]
    _write_annotations(root / "annotations", kept, assignment)
    kwargs = dict(annotations=root / "annotations", splits_dir=splits_dir, expected_stats=root / "expected.json",
                  releases=root / "releases")
    lock = synthetic.write_lock(raw)
    first = build(raw, root / "out1", progress=False, update_expected=True, lock_path=lock, **kwargs)
    second = build(raw, root / "out2", progress=False, lock_path=lock, **kwargs)
    return root, first, second, kwargs


def test_accounting_balances_and_counts_duplicates(fixture_build):
    _, first, _, _ = fixture_build
    assert first.stats["balanced"]
    assert first.stats["dedup"]["exact_merged"] == 1
    assert "empty_body=1" in first.accounting and "DOES NOT ADD UP" not in first.accounting


def test_two_builds_are_byte_identical(fixture_build):
    root, first, second, _ = fixture_build
    assert first.manifest["files"] == second.manifest["files"]
    for rel in ["README.md", "croissant.json", "data/manifest.json", "figures/label_share.png", "figures/lengths.png"]:
        assert (root / "out1" / rel).read_bytes() == (root / "out2" / rel).read_bytes(), rel


def test_datatrove_engine_builds_the_same_bytes(fixture_build):
    """The datatrove engine (local executor, two workers) feeds the build the same records: byte-identical output."""
    root, first, _, kwargs = fixture_build
    kwargs = {k: v for k, v in kwargs.items() if k != "expected_stats"}
    third = build(root / "raw", root / "out3", progress=False, engine=Engine("datatrove", workers=2, partitions=2),
                  lock_path=root / "raw.lock.json", **kwargs)
    assert third.manifest["files"] == first.manifest["files"] and third.accounting == first.accounting
    for rel in ["README.md", "croissant.json", "data/manifest.json"]:
        assert (root / "out3" / rel).read_bytes() == (root / "out1" / rel).read_bytes(), rel


def test_every_config_loads_with_datasets(fixture_build):
    import datasets

    root, first, _, _ = fixture_build
    out = str(root / "out1")
    assert sorted(datasets.get_dataset_config_names(out)) == sorted(first.stats["configs"])
    for config, splits in first.stats["configs"].items():
        ds = datasets.load_dataset(out, config)
        assert {s: len(d) for s, d in ds.items()} == splits, config
    topic = datasets.load_dataset(out, "topic", split="train")
    assert topic.features["label"].names == [l.slug for l in ann.load_taxonomy()]
    assert set(topic.features) == {"id", "title", "text", "label", "outlet"}


def test_topic_labels_come_from_the_category_map(fixture_build):
    import datasets

    root, _, _, _ = fixture_build
    arts = {r["id"]: r for r in datasets.load_dataset(str(root / "out1"), "articles", split="full")}
    for split in ("train", "validation"):  # test labels are the hand-made gold ones
        for r in datasets.load_dataset(str(root / "out1"), "topic", split=split):
            cats = arts[r["id"]]["source_categories"]
            name = ["politics", "economy", "sports", "culture", "technology", "society"][r["label"]]
            assert name in {"Politics": "politics", "Sports": "sports", "sport": "sports", "economy": "economy"}.get(
                cats[0], "?") or len(cats) > 1
            assert arts[r["id"]]["split"] == split


def test_qrels_merge_double_judgments_and_queries_carry_title_and_body(fixture_build):
    import datasets

    root, _, _, _ = fixture_build
    qrels = datasets.load_dataset(str(root / "out1"), "qrels", split="test")
    assert sorted(r["score"] for r in qrels) == [0, 2]  # 2/1 adjudicated to 2; the stale 1.0 grade 1 left out
    queries = datasets.load_dataset(str(root / "out1"), "queries", split="test")
    assert len(queries) == 1 and "\n\n" in queries[0]["text"]


def test_mteb_tasks_read_the_build(fixture_build):
    import arnews_ds.mteb

    root, first, _, _ = fixture_build
    retrieval, topic = arnews_ds.mteb.tasks(root / "out1")
    retrieval.load_data()
    topic.load_data()
    data = retrieval.dataset["default"]["test"]
    assert len(data["corpus"]) == first.stats["configs"]["corpus"]["corpus"]
    (qid, docs), = data["relevant_docs"].items()
    assert list(data["queries"]["id"]) == [qid] and sorted(docs.values()) == [0, 2]
    assert {s: len(d) for s, d in topic.dataset.items()} == {
        s: first.stats["configs"]["topic"][s] for s in ("train", "test")}
    manifest = (root / "out1" / "data" / "manifest.json").read_bytes()
    assert retrieval.metadata.dataset == {"path": str(root / "out1"),
                                          "revision": "local-" + hashlib.sha256(manifest).hexdigest()[:16]}


def _mteb_bm25s(folder: Path, predictions: Path) -> tuple[dict, dict]:
    """mteb's scores of its bm25s model on the retrieval task of a build, and the run it scored."""
    import mteb

    import arnews_ds.mteb

    retrieval, _ = arnews_ds.mteb.tasks(folder)
    result = mteb.evaluate(mteb.get_model("mteb/baseline-bm25s"), retrieval, cache=None,
                           prediction_folder=predictions, show_progress_bar=False)
    (reported,) = result.task_results[0].scores["test"]
    saved = json.loads((predictions / f"{retrieval.metadata.name}_predictions.json").read_text(encoding="utf-8"))
    return reported, saved["default"]["test"]


def test_mteb_bm25s_scores_equal_ours_on_the_same_run(fixture_build, tmp_path):
    """Grade documents at known ranks of mteb's own BM25 run, rerun mteb, and score its run with our metric."""
    import datasets

    from arnews_ds.metrics import retrieval_scores

    root, _, _, _ = fixture_build
    _, run = _mteb_bm25s(root / "out1", tmp_path / "first")
    ((qid, ranking),) = run.items()
    ranked = [d for d, _ in sorted(ranking.items(), key=lambda item: (item[1], item[0]), reverse=True)]
    assert ranked[0] == qid  # BM25 ranks the query article itself first: the task must ignore it, as we do
    qrels = {qid: {ranked[2]: 2, ranked[12]: 1}}  # two rows, as many as the card's split sizes declare
    folder = tmp_path / "build"  # a copy never loaded before, so no datasets cache holds its old qrels
    shutil.copytree(root / "out1", folder)
    features = datasets.load_dataset(str(root / "out1"), "qrels", split="test").features
    rows = [{"query-id": qid, "corpus-id": d, "score": g} for d, g in qrels[qid].items()]
    datasets.Dataset.from_list(rows, features=features).to_parquet(folder / "data" / "qrels" / "test.parquet")

    reported, run = _mteb_bm25s(folder, tmp_path / "second")
    ours = retrieval_scores(qrels, run)
    assert 0 < ours["ndcg_at_10"] < 1
    # The fixture corpus is smaller than mteb's top 1000, so MAP@1000 is MAP over the whole ranking.
    pairs = {"ndcg_at_10": "ndcg_at_10", "mrr_at_10": "mrr_at_10", "recall_at_100": "recall_at_100",
             "map_at_1000": "map"}
    for theirs, mine in pairs.items():
        assert reported[theirs] == pytest.approx(ours[mine], abs=1e-5), theirs
    assert reported["main_score"] == reported["ndcg_at_10"]
    kept_self = retrieval_scores(qrels, run, ignore_identical_ids=False)["ndcg_at_10"]
    assert reported["ndcg_at_10"] != pytest.approx(kept_self, abs=1e-3)


def test_mteb_evaluate_runs_every_task_offline(fixture_build):
    import mteb

    import arnews_ds.mteb

    root, _, _, _ = fixture_build
    result = mteb.evaluate(mteb.get_model("mteb/baseline-random-encoder"), arnews_ds.mteb.tasks(root / "out1"),
                           cache=None, show_progress_bar=False)
    scores = {r.task_name: r.scores for r in result.task_results}
    assert set(scores) == {"ArNewsRelatedArticleRetrieval", "ArNewsTopicClassification"}
    assert set(scores["ArNewsTopicClassification"]) == {"test"}
    for by_split in scores.values():
        for (split_scores,) in by_split.values():
            assert 0.0 <= split_scores["main_score"] <= 1.0


def test_verify_passes_then_catches_drift(fixture_build, tmp_path):
    root, _, _, kwargs = fixture_build
    assert verify(root / "out1", **kwargs) == []
    out = tmp_path / "out"
    shutil.copytree(root / "out1", out)
    victim = out / "data" / "topic" / "train.parquet"
    victim.write_bytes(victim.read_bytes()[:-10] + b"0123456789")
    problems = verify(out, **kwargs)
    assert any("checksum drift" in p and "topic/train" in p for p in problems)
    stats = json.loads((root / "expected.json").read_text())
    stats["configs"]["topic"]["train"] += 1
    drifted = tmp_path / "expected.json"
    drifted.write_text(json.dumps(stats))
    assert any("count drift" in p for p in verify(root / "out1", **{**kwargs, "expected_stats": drifted}))


def test_verify_catches_overlapping_splits_and_unknown_annotation_ids(fixture_build, tmp_path):
    root, _, _, kwargs = fixture_build
    splits = tmp_path / "splits"
    shutil.copytree(kwargs["splits_dir"], splits)
    first_test = (splits / "test.ids").read_text().split()[0]
    with (splits / "train.ids").open("a") as f:
        f.write(first_test + "\n")
    assert any("overlapping" in p for p in verify(root / "out1", **{**kwargs, "splits_dir": splits}))
    annotations = tmp_path / "annotations"
    shutil.copytree(kwargs["annotations"], annotations)
    with (annotations / "exclusions.tsv").open("a") as f:
        f.write("ffffffffffffffff\theadline\tgeneric_title\tx\tsilver:x\n")
    assert any("unknown article id ffffffffffffffff" in p
               for p in verify(root / "out1", **{**kwargs, "annotations": annotations}))


def test_publish_dry_run_validates_offline(fixture_build):
    from arnews_ds.publish import PublishError, publish
    from arnews_ds.version import __version__

    root, _, _, kwargs = fixture_build
    files = publish("org/arnews_ds", f"v{__version__}", folder=root / "out1", dry_run=True, **kwargs)
    assert "README.md" in files and "data/topic/train.parquet" in files
    with pytest.raises(PublishError, match="does not match"):
        publish("org/arnews_ds", "v0.0.1", folder=root / "out1", dry_run=True, **kwargs)


def test_topic_test_labels_are_the_resolved_gold(fixture_build):
    import datasets

    root, first, _, _ = fixture_build
    test = datasets.load_dataset(str(root / "out1"), "topic", split="test")
    names = test.features["label"].names
    # agreed, adjudicated and single readings enter; the 1.0 row and the open disagreement do not
    assert sorted(names[r["label"]] for r in test) == ["culture", "economy", "sports"]
    assert first.stats["gold_resolution"]["topic"] == {"items": 3, "open": 1, "agreed": 1, "adjudicated": 1,
                                                       "single": 1}
    assert first.stats["gold_resolution"]["related"]["stale_v1"] == 1
    assert any(v["gold"] for v in first.stats["silver_vs_gold"].values())


def test_headline_refs_config_carries_every_reference(fixture_build):
    import datasets

    root, _, _, _ = fixture_build
    refs = datasets.load_dataset(str(root / "out1"), "headline_refs", split="test")
    assert len(refs) == 1 and len(refs[0]["references"]) == 2 and refs[0]["headline"]


def test_load_works_from_any_directory(fixture_build, monkeypatch, tmp_path):
    import arnews_ds
    from arnews_ds import loading

    root, first, _, _ = fixture_build
    monkeypatch.setattr(loading, "PACKAGE_DIR", root / "out1")
    monkeypatch.chdir(tmp_path)
    topic = arnews_ds.load("topic")
    assert len(topic["train"]) == first.stats["configs"]["topic"]["train"]


def test_stats_command_prints_the_polars_tables_of_a_build(fixture_build, capsys):
    from arnews_ds.cli import main

    root, first, _, _ = fixture_build
    assert main(["stats", "--out", str(root / "out1")]) == 0
    out = capsys.readouterr().out
    for title in ("rows per config and split", "articles per outlet", "topic labels per split"):
        assert f"## {title}" in out
    train = first.stats["configs"]["topic"]["train"]
    assert f"| topic | train | {train:,} |" in out
    totals = sum(n for k, n in first.stats["outlets"].items())
    assert totals == first.stats["configs"]["articles"]["full"]
