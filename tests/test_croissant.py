"""Croissant metadata of a synthetic build, checked by mlcroissant itself: validation, records, determinism."""
import hashlib
import json
from pathlib import Path

import pytest

from arnews_ds import annotations as ann
from arnews_ds.build import build
from arnews_ds.croissant import croissant_metadata, write_croissant
from arnews_ds.dedup import find_clusters
from arnews_ds.ingest import ingest, raw_files
from arnews_ds.splits import assign_splits, units_from, write_assignment
from arnews_ds.configs import CONFIGS
from arnews_ds.version import __version__

import synthetic  # tests/synthetic.py (pytest puts tests/ on sys.path)
from test_build_fixture import _write_annotations

LABELS = [l.slug for l in ann.load_taxonomy()]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> tuple[Path, dict]:
    """A synthetic build plus its croissant.json; returns (folder, manifest)."""
    root = tmp_path_factory.mktemp("croissant")
    raw = synthetic.write_raw(root / "raw")
    result = ingest(raw_files(raw), progress=False)
    clusters = find_clusters(result.articles)
    assignment = assign_splits(units_from(result.articles, clusters))
    write_assignment(root / "splits", assignment, {"rule": "fixture"})
    kept = [a for a in result.articles if clusters.cluster_of[a.id] == a.id]
    _write_annotations(root / "annotations", kept, assignment)
    out = root / "out"
    build(raw, out, progress=False, annotations=root / "annotations", splits_dir=root / "splits",
          expected_stats=root / "expected.json", lock_path=synthetic.write_lock(raw), releases=root / "releases")
    manifest = json.loads((out / "data" / "manifest.json").read_text(encoding="utf-8"))
    write_croissant(out, croissant_metadata(manifest["stats"], manifest["files"], LABELS))
    return out, manifest


def _plain(value):
    """mlcroissant yields text as bytes and lists as lists of bytes; parquet via pyarrow gives str."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, (list, tuple)) or type(value).__name__ == "ndarray":
        return [_plain(v) for v in value]
    return value


def test_croissant_validates_with_mlcroissant(dataset):
    import mlcroissant as mlc

    out, _ = dataset
    ds = mlc.Dataset(jsonld=out / "croissant.json")  # raises mlc.ValidationError on errors
    issues = ds.metadata.ctx.issues
    assert not issues.errors
    # datePublished is only recommended; a build date would break byte-identical builds.
    assert all("datePublished" in w for w in issues.warnings), issues.report()
    assert ds.metadata.name == "arnews_ds" and ds.metadata.version == __version__
    assert ds.metadata.in_language == ["ar"]
    assert ds.metadata.url == "https://huggingface.co/datasets/arnews/arnews_ds"


def test_records_equal_the_parquet_rows(dataset):
    import mlcroissant as mlc
    import pyarrow.parquet as pq

    out, manifest = dataset
    ds = mlc.Dataset(jsonld=out / "croissant.json")
    for config, splits in manifest["stats"]["configs"].items():
        names = [name for name, _, _ in CONFIGS[config].fields]
        records = [{k.split("/", 1)[1]: _plain(v) for k, v in r.items()} for r in ds.records(config)]
        assert len(records) == sum(splits.values()), config
        extra = ["split"] if len(CONFIGS[config].splits) > 1 and "split" not in names else []
        assert list(records[0]) == names + extra, config
        for split, n in splits.items():
            rows = pq.read_table(out / "data" / config / f"{split}.parquet").to_pylist()
            assert len(rows) == n
            got = [{k: r[k] for k in names} for r in records if r.get("split", split) == split] if extra else records
            assert got == rows, (config, split)


def test_split_filter_gives_one_file(dataset):
    import mlcroissant as mlc
    import pyarrow.parquet as pq

    out, manifest = dataset
    ds = mlc.Dataset(jsonld=out / "croissant.json")
    # mlcroissant 1.1 cannot split-filter a record set with two joins (topic: split + categorical label), so the
    # filter is checked on headline; topic's split is still a field of every record (test_records_equal_...).
    ids = [r["headline/id"].decode() for r in ds.records("headline", filters={"headline/split": "train"})]
    assert ids == pq.read_table(out / "data" / "headline" / "train.parquet", columns=["id"]).column("id").to_pylist()
    assert len(ids) == manifest["stats"]["configs"]["headline"]["train"] > 0
    splits = [(r["splits/name"], r["splits/url"]) for r in ds.records("splits")]
    expected = [("train", "cr:TrainingSplit"), ("validation", "cr:ValidationSplit"), ("test", "cr:TestSplit")]
    assert splits == expected


def test_file_objects_carry_the_manifest_hashes(dataset):
    out, manifest = dataset
    meta = json.loads((out / "croissant.json").read_text(encoding="utf-8"))
    objects = {d["contentUrl"]: d for d in meta["distribution"] if d["@type"] == "cr:FileObject"}
    parquet = {p: h for p, h in manifest["files"].items() if p.endswith(".parquet")}
    assert {p: d["sha256"] for p, d in objects.items()} == parquet
    for path, digest in parquet.items():
        assert hashlib.sha256((out / path).read_bytes()).hexdigest() == digest
    assert all(d["encodingFormat"] == "application/x-parquet" for d in meta["distribution"])
    assert "croissant.json" not in manifest["files"]


def test_only_built_configs_and_splits_are_described(dataset):
    _, manifest = dataset
    stats = {"configs": {"topic": {"train": 3, "test": 1}, "corpus": {"corpus": 4}}}
    meta = croissant_metadata(stats, manifest["files"], LABELS)
    assert [r["@id"] for r in meta["recordSet"]] == ["splits", "labels", "topic", "corpus"]
    assert sorted(d["@id"] for d in meta["distribution"]) == [
        "corpus-parquet", "data/corpus/corpus.parquet", "data/topic/test.parquet", "data/topic/train.parquet",
        "topic-parquet"]
    assert [r["splits/name"] for r in meta["recordSet"][0]["data"]] == ["train", "test"]
    label = next(f for f in meta["recordSet"][2]["field"] if f["name"] == "label")
    assert label["dataType"] == "sc:Integer" and all(f"{i}={n}" in label["description"] for i, n in enumerate(LABELS))
    assert label["references"] == {"field": {"@id": "labels/index"}}
    labels = meta["recordSet"][1]
    assert labels["dataType"] == "sc:Enumeration"
    assert [(r["labels/index"], r["labels/name"]) for r in labels["data"]] == list(enumerate(LABELS))


def test_topic_label_is_categorical_with_its_class_names(dataset):
    import mlcroissant as mlc

    out, manifest = dataset
    ds = mlc.Dataset(jsonld=out / "croissant.json")
    names = {r["labels/index"]: _plain(r["labels/name"]) for r in ds.records("labels")}
    assert names == dict(enumerate(LABELS))
    labels = {r["topic/label"] for r in ds.records("topic")}
    assert labels and labels <= set(names)
    assert not any(f["name"] == "label" and "references" in f for rs in json.loads(
        (out / "croissant.json").read_text(encoding="utf-8"))["recordSet"] if rs["@id"] != "topic"
        for f in rs.get("field", []))


def test_two_generations_are_byte_identical(dataset, tmp_path):
    out, manifest = dataset
    again = write_croissant(tmp_path, croissant_metadata(manifest["stats"], manifest["files"], LABELS))
    assert again.read_bytes() == (out / "croissant.json").read_bytes()
