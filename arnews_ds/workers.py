"""Worker processes that never outlive the process that started them.

A worker asks the kernel to kill it when its parent dies (Linux `PR_SET_PDEATHSIG`), so a SIGKILLed build leaves
no orphan blocked on a pipe; it ignores SIGINT, because Ctrl-C is the parent's to handle: on any exception,
KeyboardInterrupt included, `worker_pool` kills every worker before re-raising.
"""
from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

_PR_SET_PDEATHSIG = 1


def _init_worker(parent_pid: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(1)


def kill_workers(pool: ProcessPoolExecutor) -> None:
    """Stop `pool` now: cancel what has not started and SIGKILL every worker process."""
    kill = getattr(pool, "kill_workers", None)  # public from Python 3.14
    procs = [] if kill else list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    if kill:
        kill()
        return
    for p in procs:
        p.kill()
    for p in procs:
        p.join(5)


@contextmanager
def worker_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool for the block; its workers are killed if the block raises, and die with this process."""
    pool = ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(os.getpid(),))
    try:
        yield pool
    except BaseException:
        kill_workers(pool)
        raise
    pool.shutdown(wait=True)
