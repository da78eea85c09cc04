"""Ingest worker processes die with their parent: on SIGKILL (kernel parent-death signal) and on Ctrl-C."""
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

CHILD = textwrap.dedent("""
    import time
    from arnews_ds.workers import worker_pool
    with worker_pool(2) as pool:
        futures = [pool.submit(time.sleep, 3600) for _ in range(2)]
        while len(pool._processes) < 2:
            time.sleep(0.01)
        print(*pool._processes, flush=True)
        futures[0].result()
""")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (dead, not yet reaped by its new parent) counts as gone.
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[0] != "Z"


def _gone(pids: list[int]) -> bool:
    deadline = time.monotonic() + 60  # a generous bound on a loaded machine; nothing is asserted about time
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not any(_alive(p) for p in pids)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux-only")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_workers_die_with_their_parent(sig):
    child = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env={**os.environ, "PYTHONPATH": os.getcwd()})
    workers = [int(p) for p in child.stdout.readline().split()]
    assert len(workers) == 2 and all(_alive(p) for p in workers)
    child.send_signal(sig)
    _, err = child.communicate()
    assert _gone(workers)
    if sig == signal.SIGINT:
        assert child.returncode != 0 and err.count("Traceback") <= 1  # the parent's own KeyboardInterrupt only
