"""CLI messages of issue 11: one line naming the flag, the file or the other writer; never a traceback."""
import os
import subprocess
import sys
import textwrap

import pytest


def run(*args, **kw):
    env = {**os.environ, "PYTHONPATH": os.getcwd(), **kw.pop("env", {})}
    return subprocess.run([sys.executable, "-m", "arnews_ds", *args], capture_output=True, text=True, env=env, **kw)


def one_line(out) -> str:
    assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    return lines[0]


def test_build_with_a_missing_raw_folder_names_the_raw_flag(tmp_path):
    line = one_line(run("build", "--raw", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out"), "--quiet"))
    assert line.startswith(f"arnews-ds: --raw {tmp_path / 'nowhere'}: no such folder (omit --raw ")
    assert not (tmp_path / "out").exists()


def test_stats_names_its_own_flag(tmp_path):
    assert "--raw-dir" in one_line(run("stats", "--raw", "--raw-dir", str(tmp_path / "nowhere")))


def test_an_empty_raw_folder_says_so(tmp_path):
    (tmp_path / "raw").mkdir()
    line = one_line(run("build", "--raw", str(tmp_path / "raw"), "--out", str(tmp_path / "out"), "--quiet"))
    assert "is empty" in line and "arnews-ds fetch" in line


def test_verify_of_a_missing_build_is_one_finding(tmp_path):
    out = run("verify", "--out", str(tmp_path / "nothing"), "--skip-near-duplicates")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "no build at" in out.stderr


def test_add_batch_of_a_folder_is_one_line(tmp_path):
    (tmp_path / "2015-08-11.zip").mkdir()
    line = one_line(run("add-batch", "--source", "saudinewsnet", str(tmp_path / "2015-08-11.zip"),
                        "--cache", str(tmp_path / "cache"), "--out", str(tmp_path / "out")))
    assert "is a folder" in line


HOLDER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from arnews_ds.atomic import output_lock
    with output_lock(Path(sys.argv[1]), "build"):
        print("locked", flush=True)
        sys.stdin.readline()
""")


@pytest.mark.integration
def test_a_second_build_into_the_same_folder_exits_at_once(mirror, tmp_path):
    out = tmp_path / "out"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(out)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": os.getcwd()})
    try:
        assert holder.stdout.readline().strip() == "locked"
        line = one_line(run("build", "--raw", str(mirror), "--out", str(out), "--quiet"))
        assert line == (f"arnews-ds: another build (pid {holder.pid}) is writing {out}; "
                        "wait for it to finish and run again")
    finally:
        holder.communicate("\n")


def test_lock_command_pins_a_mirror_or_says_why_not(tmp_path):
    import synthetic

    raw = synthetic.write_raw(tmp_path / "raw")
    out = run("lock", "--mirror", str(raw), "--out", str(tmp_path / "lock.json"))
    assert out.returncode == 0 and "wrote 6 entries" in out.stdout
    assert "no mirror at" in one_line(run("lock", "--mirror", str(tmp_path / "nowhere"), "--out", str(tmp_path / "x")))
