"""Atomic, single-writer build output: staging + swap, the output lock, and recovery after SIGKILL."""
import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from arnews_ds.atomic import (JOURNAL, OutputBusy, commit, leftovers, output_lock, pending_commit, recover,
                              staged)

NAMES = ("data", "README.md")


def write_generation(folder, gen: int) -> None:
    (folder / "data" / "sub").mkdir(parents=True)
    for name in ("a.txt", "sub/b.txt"):
        (folder / "data" / name).write_text(f"{gen}\n" * 1000)
    (folder / "README.md").write_text(f"{gen}\n")


def generation(out) -> int:
    """The generation of a complete output folder; fails on a mixed or partial one."""
    gens = {(out / "data" / n).read_text() for n in ("a.txt", "sub/b.txt")} | {(out / "README.md").read_text() * 1000}
    assert len(gens) == 1, "mixed or partial output"
    return int(gens.pop().split()[0])


def build_once(out, gen: int) -> None:
    with output_lock(out):
        recover(out)
        with staged(out) as staging:
            write_generation(staging, gen)
            commit(staging, out, NAMES)


def test_commit_replaces_every_item_and_leaves_no_staging(tmp_path):
    build_once(tmp_path, 1)
    build_once(tmp_path, 2)
    assert generation(tmp_path) == 2 and leftovers(tmp_path) == []


def test_a_failed_build_leaves_the_previous_one_untouched(tmp_path):
    build_once(tmp_path, 1)
    with pytest.raises(KeyboardInterrupt), output_lock(tmp_path), staged(tmp_path) as staging:
        write_generation(staging, 2)
        raise KeyboardInterrupt
    assert generation(tmp_path) == 1 and leftovers(tmp_path) == []


def test_recover_finishes_a_commit_killed_between_two_swaps(tmp_path):
    build_once(tmp_path, 1)
    staging = tmp_path / ".arnews-staging-killed"
    write_generation(staging, 2)
    journal = {n: os.lstat(staging / n).st_ino for n in NAMES}
    (staging / JOURNAL).write_text(json.dumps(journal))
    os.replace(staging / "README.md", tmp_path / "README.md")  # the kill came after the first of two swaps
    assert pending_commit(tmp_path) == staging
    assert recover(tmp_path) == ["finished the interrupted commit of .arnews-staging-killed"]
    assert generation(tmp_path) == 2 and leftovers(tmp_path) == []


def test_recover_drops_a_build_killed_before_its_commit(tmp_path):
    build_once(tmp_path, 1)
    write_generation(tmp_path / ".arnews-staging-x", 2)
    assert recover(tmp_path) == ["removed the unfinished build .arnews-staging-x"]
    assert generation(tmp_path) == 1


HOLDER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from arnews_ds.atomic import output_lock
    with output_lock(Path(sys.argv[1]), "build"):
        print("locked", flush=True)
        sys.stdin.readline()
""")


def test_a_second_writer_is_refused_at_once_with_one_line(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": os.getcwd()})
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(OutputBusy) as exc, output_lock(tmp_path):
            pass
        assert "\n" not in str(exc.value) and f"pid {holder.pid}" in str(exc.value)
    finally:
        holder.communicate("\n")
    with output_lock(tmp_path):  # released when its holder ends
        pass


LOOP = textwrap.dedent("""
    import sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[2])
    from test_atomic import build_once
    out = Path(sys.argv[1])
    gen = 0
    while True:
        gen += 1
        build_once(out, gen)
        print(gen, flush=True)
""")


def test_sigkill_at_any_moment_leaves_a_complete_build(tmp_path):
    build_once(tmp_path, 0)
    rng = random.Random(11)
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    for _ in range(8):
        child = subprocess.Popen([sys.executable, "-c", LOOP, str(tmp_path), os.path.dirname(__file__)],
                                 stdout=subprocess.PIPE, text=True, env=env)
        child.stdout.readline()  # at least one full build
        time.sleep(rng.uniform(0, 0.05))  # only to land the kill somewhere random; nothing is asserted on time
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        if pending_commit(tmp_path) is None:
            generation(tmp_path)  # complete even before any recovery
        with output_lock(tmp_path):
            recover(tmp_path)
        generation(tmp_path)
        assert leftovers(tmp_path) == []
