"""The CLI contract (DESIGN §9) on the synthetic mirror: exit codes, one stderr line per rejection, no tracebacks."""
import json
import subprocess
import sys
import zipfile

import pytest

import synthetic  # tests/synthetic.py


def run(*args, **kw):
    return subprocess.run([sys.executable, "-m", "arnews_ds", *args], capture_output=True, text=True, **kw)


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    return synthetic.write_raw(tmp_path_factory.mktemp("raw"))


def test_help_is_instant_and_lists_commands():
    out = run("--help")
    assert out.returncode == 0
    for cmd in ("fetch", "parse", "build", "verify", "stats", "publish"):
        assert cmd in out.stdout


def test_parse_prints_json_lines_and_exits_2_with_one_line_per_rejection(raw):
    zips = sorted((raw / "saudinewsnet").glob("*.zip"))
    out = run("parse", "--format", "saudinewsnet", *map(str, zips))
    assert out.returncode == 2  # the fixture has one empty body
    records = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(records) == 41 and all(len(r["id"]) == 16 for r in records)
    assert out.stderr.strip().splitlines() == ["2015-07-21.zip::2015-07-21.json#11: empty body"]
    assert "Traceback" not in out.stderr


def test_parse_clean_input_exits_0(raw):
    out = run("parse", "--format", "aawsat-pages", str(raw / "aawsat-pages" / "000_fixture.txt"))
    assert out.returncode == 0 and len(out.stdout.splitlines()) == 2 and out.stderr == ""


def test_parse_hostile_and_broken_inputs_never_trace(raw, tmp_path):
    bad_zip = tmp_path / "bad.zip"
    bad_zip.write_bytes(b"PK\x03\x04 not really a zip")
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr("../../escape.json", "[]")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)))
    good = sorted((raw / "saudinewsnet").glob("*.zip"))[1]
    out = run("parse", "--format", "saudinewsnet", str(bad_zip), str(evil), str(good), str(tmp_path / "missing.zip"))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 3 and any("missing.zip" in l for l in lines)
    assert len(out.stdout.splitlines()) == 10  # the good batch is still printed in full
    assert not (tmp_path.parent / "escape.json").exists()
    out = run("parse", "--format", "aawsat-pages", str(binary))
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


def test_stats_raw_accounting_adds_up(raw):
    out = run("stats", "--raw", "--raw-dir", str(raw))
    assert out.returncode == 0, out.stderr
    assert "saudinewsnet: read 42 = kept 41 + merged 0" in out.stdout
    assert "ant: read 25 = kept 24 + merged 1" in out.stdout
    assert "DOES NOT ADD UP" not in out.stdout


def test_missing_cache_is_a_one_line_error(tmp_path):
    out = run("stats", "--raw", "--raw-dir", str(tmp_path / "nowhere"))
    assert out.returncode == 1 and out.stderr.count("\n") == 1 and "arnews-ds fetch" in out.stderr


@pytest.mark.parametrize(
    ("fmt", "make", "expected"),
    [
        ("ant", lambda d: (d / "notes.txt").write_text("لا شيء هنا\n", encoding="utf-8"), "not a tar archive"),
        ("ant", lambda d: (d / "empty.tar.gz").write_bytes(b""), "not a tar archive"),
        ("saudinewsnet", lambda d: (d / "batch").mkdir(), "is a folder, not a SaudiNewsNet .zip file"),
        ("aawsat-pages", lambda d: (d / "pages").mkdir(), "is a folder, not a page-dump .txt file"),
    ],
)
def test_parse_wrong_kind_of_input_is_one_line(tmp_path, fmt, make, expected):
    make(tmp_path)
    (path,) = tmp_path.iterdir()
    out = run("parse", "--format", fmt, str(path))
    assert out.returncode == 2 and out.stdout == "" and "Traceback" not in out.stderr
    (line,) = out.stderr.splitlines()
    assert line.startswith(f"{path.name}: ") and expected in line


def test_raw_dir_defaults_to_the_mirror_in_the_environment(raw, tmp_path):
    import os

    env = {**os.environ, "ARNEWS_MIRROR": str(raw), "ARNEWS_HOME": str(tmp_path / "empty-home")}
    out = run("stats", "--raw", env=env)
    assert out.returncode == 0, out.stderr
    assert "saudinewsnet: read" in out.stdout
