"""The benchmark task registry: validated records that agree with the config registry and the metric modules."""
from __future__ import annotations

import dataclasses

import pytest

from arnews_ds.configs import CONFIGS
from arnews_ds.metrics import METRICS
from arnews_ds.tasks import TASKS, BenchmarkTask, TaskSpecError
from arnews_ds.trec import read_run, write_run


def test_every_task_names_built_configs_and_its_metric_module():
    assert set(TASKS) == set(METRICS)
    for name, task in TASKS.items():
        assert task.name == name and set(task.configs) <= set(CONFIGS)
        assert METRICS[name].name == task.metric_module


@pytest.mark.parametrize("change, message", [
    ({"configs": ("nope",)}, "unknown configs"),
    ({"configs": ()}, "unknown configs"),
    ({"metric_module": "missing_metrics"}, "no metric module"),
    ({"name": "Topic Task"}, "lowercase slug"),
    ({"hand_view": "gold"}, "hand_view"),
    ({"main_metric": "macro f1"}, "score key"),
])
def test_a_bad_record_is_refused_with_a_reason(change, message):
    with pytest.raises(TaskSpecError, match=message):
        dataclasses.replace(TASKS["topic"], **change)


def test_records_take_no_unknown_fields():
    with pytest.raises(TypeError):
        BenchmarkTask(**{f.name: getattr(TASKS["topic"], f.name) for f in dataclasses.fields(BenchmarkTask)},
                      needs_judgments=True)


def test_trec_runs_round_trip_and_bad_lines_name_the_line(tmp_path):
    run = {"q2": [("d1", 2.5), ("d3", 1.0)], "q1": [("d2", 0.125)]}
    write_run(tmp_path / "run.trec", run, "tag")
    assert (tmp_path / "run.trec").read_text().splitlines()[0] == "q1 Q0 d2 1 0.125 tag"
    assert read_run(tmp_path / "run.trec") == run
    (tmp_path / "bad.trec").write_text("q1 Q0 d2 1 0.5 tag\nq1 d3\n")
    with pytest.raises(ValueError, match="bad.trec:2"):
        read_run(tmp_path / "bad.trec")
