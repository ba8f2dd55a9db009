"""Where replications run: in-process, a local process pool, or a Dask cluster.

Each executor is a ``concurrent.futures.Executor``; the runner submits the same tasks to any
of them. A Dask cluster is reached through ``distributed.Client.get_executor()``; its workers
need govsim installed and the results folder on a shared file system, since each worker
writes the parts of the replications it runs.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"


class InlineExecutor(Executor):
    """Runs each task at submission, in this process (one worker: no pickling, clear errors)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        fut: Future[Any] = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except Exception as exc:  # handed to the caller through the future
            fut.set_exception(exc)
        return fut


PARENT_POLL_SECONDS = 0.5


def _watch_parent(parent: int) -> None:
    """End this worker process as soon as its parent is gone (killed, even by SIGKILL): a
    worker is then re-parented, so ``getppid()`` changes. Polling works on every POSIX
    system, unlike Linux's ``PR_SET_PDEATHSIG``."""
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


def _start_worker(parent: int) -> None:
    """Pool initializer: a daemon thread that watches the parent process; Ctrl-C (sent to
    the whole process group) is left to the parent, which stops the pool, and SIGTERM ends
    a worker at once — so an interruption prints one line, not a traceback per worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop a pool at once on an interruption or an error: cancel the queued tasks and end
    the workers, instead of waiting for the running replications to finish."""
    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()


class SchedulerError(RuntimeError):
    """The Dask scheduler cannot be reached or Dask is not installed."""


@contextmanager
def open_executor(workers: int, scheduler: str | None = None) -> Iterator[Executor]:
    """An executor for ``workers`` local processes, or for the Dask cluster at ``scheduler``
    (default: the ``DASK_SCHEDULER_ADDRESS`` environment variable, if set)."""
    address = scheduler or os.environ.get(SCHEDULER_ENV)
    if address:
        try:
            from distributed import Client
        except ImportError:
            raise SchedulerError(
                "the Dask executor needs the optional extra: pip install 'govsim[dask]'"
            ) from None
        try:
            client = Client(address, timeout="10s", set_as_default=False)
        except OSError as exc:
            raise SchedulerError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        try:
            yield client.get_executor(pure=False)
        finally:
            client.close()
    elif workers <= 1:
        yield InlineExecutor()
    else:
        pool = ProcessPoolExecutor(
            max_workers=workers, initializer=_start_worker, initargs=(os.getpid(),)
        )
        try:
            yield pool
        except BaseException:
            _stop_pool(pool)
            raise
        pool.shutdown(wait=True)
