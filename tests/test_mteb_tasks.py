"""`arnews_ds.mteb` parts that need no build: a light import, the missing-mteb message, the qrels filter."""
import subprocess
import sys

import pytest


def test_import_does_not_load_mteb():
    code = "import sys, arnews_ds.mteb; print('mteb' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_tasks_without_mteb_name_the_extra(monkeypatch, tmp_path):
    import arnews_ds.mteb

    for name in [m for m in sys.modules if m == "mteb" or m.startswith("mteb.")] or ["mteb"]:
        monkeypatch.setitem(sys.modules, name, None)  # what `import mteb…` meets when it is not installed
    arnews_ds.mteb._task_classes.cache_clear()
    try:
        with pytest.raises(ModuleNotFoundError, match=r'pip install -e "\.\[mteb\]"'):
            arnews_ds.mteb.tasks(tmp_path)
    finally:
        arnews_ds.mteb._task_classes.cache_clear()


def test_graded_qrels_keeps_every_judged_query():
    from arnews_ds.mteb import graded_qrels

    rows = [{"query-id": "q1", "corpus-id": "a", "score": 0}, {"query-id": "q1", "corpus-id": "b", "score": 2},
            {"query-id": "q2", "corpus-id": "a", "score": 0}, {"query-id": "q3", "corpus-id": "c", "score": 1}]
    # q2 has only grade-0 judgments: it scores 0 in mteb and in our metric alike, and counts in both averages.
    assert graded_qrels(rows) == {"q1": {"a": 0, "b": 2}, "q2": {"a": 0}, "q3": {"c": 1}}


def test_a_folder_without_a_build_is_one_clear_error(tmp_path):
    import arnews_ds.mteb

    with pytest.raises(FileNotFoundError, match="no built dataset in .*: run `arnews-ds build` first"):
        arnews_ds.mteb.tasks(tmp_path)
