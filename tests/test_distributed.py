"""The datatrove engine (arnews_ds/distributed) against the in-process engine on a synthetic mirror with exact and
near duplicates: equal articles, accounting, rejections and clusters, whatever the executor and sharding."""
import json
import zipfile
from pathlib import Path

import pytest

from arnews_ds.cli import main
from arnews_ds.distributed.pipeline import PipelineError, PipelineSubmitted, executors, make_plan, run_pipeline
from arnews_ds.engines import Engine, agreement, ingest_and_dedup
from arnews_ds.ingest import raw_files

import synthetic  # tests/synthetic.py


def _near_copy(text: str, k: int) -> str:
    """The text with its k-th word changed: a near duplicate (Jaccard of 3-shingles well above 0.8)."""
    words = text.split(" ")
    words[k] = "تعديل"
    return " ".join(words)


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> Path:
    root = synthetic.write_raw(tmp_path_factory.mktemp("raw"))
    # A further day of near copies under new URLs (one chain of two), and a body too short for near detection.
    recs = synthetic.snn_records("2015-07-25", 0)[:3]
    near = [{**r, "url": r["url"] + "&near=1", "content": _near_copy(r["content"], 5)} for r in recs]
    near.append({**recs[0], "url": recs[0]["url"] + "&near=2", "content": _near_copy(near[0]["content"], 9)})
    near.append({**recs[0], "url": "http://sabq.org/short", "source": "sabq", "content": "خبر قصير"})
    with zipfile.ZipFile(root / "saudinewsnet" / "2015-07-25.zip", "w") as z:
        z.writestr("2015-07-25.json", json.dumps(near, ensure_ascii=False))
    return root


@pytest.fixture(scope="module")
def inprocess(raw):
    return ingest_and_dedup(raw_files(raw), Engine("inprocess", workers=1))


def _assert_same(first, second) -> None:
    report = agreement(first, second)
    assert report["same_articles"] and report["same_accounting"] and report["same_clusters"], report
    assert first[0].rejections == second[0].rejections
    assert report["pairwise_f1"] == 1.0 and not report["kept_only_in_first"] and not report["kept_only_in_second"]


def test_fixture_has_near_and_exact_clusters(inprocess):
    _, clusters = inprocess
    assert clusters.n_near_merged == 4 and clusters.n_exact_merged == 1


@pytest.mark.parametrize("workers,partitions", [(2, 3), (1, 1)])
def test_local_executor_equals_inprocess(raw, inprocess, tmp_path, workers, partitions):
    result = ingest_and_dedup(raw_files(raw), Engine("datatrove", workers=workers, partitions=partitions,
                                                     work=tmp_path / "work"))
    _assert_same(inprocess, result)
    kept = sum(1 for p in (tmp_path / "work" / "kept").glob("*.jsonl") for _ in p.open(encoding="utf-8"))
    assert kept == sum(1 for i, rep in inprocess[1].cluster_of.items() if i == rep)
    seconds = json.loads((tmp_path / "work" / "logs" / "stage_seconds.json").read_text(encoding="utf-8"))
    assert list(seconds) == ["read", "merge", "buckets", "verify", "cluster", "filter"]
    assert all(s >= 0 for s in seconds.values())


def test_local_executor_equals_inprocess_with_released_ids(raw, inprocess, tmp_path):
    # Release every member of the largest cluster but its representative: they must become representatives,
    # never two in one cluster, and the datatrove engine must pin them exactly as the in-process one does.
    biggest = max(inprocess[1].clusters, key=lambda c: len(c.members))
    assert len(biggest.members) >= 2
    keep = frozenset(biggest.members)
    files = raw_files(raw)
    expected = ingest_and_dedup(files, Engine("inprocess", workers=1), keep=keep)
    assert expected[1] != inprocess[1]
    assert all(expected[1].cluster_of[i] == i for i in keep)
    result = ingest_and_dedup(files, Engine("datatrove", workers=2, partitions=3, work=tmp_path / "work"), keep=keep)
    _assert_same(expected, result)


def test_ray_single_node_equals_inprocess(raw, inprocess, tmp_path):
    ray = pytest.importorskip("ray", reason="ray is not installed (pip install -e '.[ray]')")
    ray.init(_node_ip_address="127.0.0.1", num_cpus=2, include_dashboard=False, log_to_driver=False,
             object_store_memory=200 * 1024**2)
    try:
        result = ingest_and_dedup(raw_files(raw), Engine("datatrove", executor="ray", workers=1, partitions=1,
                                                         work=tmp_path / "work"))
    finally:
        ray.shutdown()
    _assert_same(inprocess, result)


def test_slurm_stages_depend_on_each_other(raw, tmp_path):
    plan = make_plan(raw_files(raw), workers=4, partitions=3)
    chain = executors(plan, str(tmp_path / "work"), "slurm", 4, {"partition": "cpu", "time": "01:00:00"})
    assert [ex.job_name for ex in chain] == [f"arnews-{s}" for s in
                                             ("read", "merge", "buckets", "verify", "cluster", "filter")]
    assert [ex.world_size for ex in chain] == [min(len(plan.files), 16), 3, 8, 4, 1, 3]
    assert chain[0].depends is None and all(b.depends is a for a, b in zip(chain, chain[1:]))


def test_slurm_pipeline_is_not_submitted_twice(raw, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    (work / "slurm-submitted").touch()  # as after a first submission whose jobs have not finished
    with pytest.raises(PipelineSubmitted, match="have not all finished"):
        run_pipeline(raw_files(raw), work, "slurm", workers=2)


def test_work_folder_of_other_inputs_is_refused(raw, tmp_path):
    files = raw_files(raw)
    run_pipeline(files, tmp_path / "work", workers=1)
    fewer = {fmt: paths[:1] for fmt, paths in files.items()}
    with pytest.raises(PipelineError, match="other inputs"):
        run_pipeline(fewer, tmp_path / "work", workers=1)


def test_cli_rejects_executor_without_datatrove(raw, capsys):
    assert main(["build", "--raw", str(raw), "--executor", "ray", "--out", str(raw / "unused")]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and err.endswith("--executor and --work apply to --engine datatrove only")
