"""Where runs execute: in this process, in a pool of local processes, or on a Dask cluster.

Every executor takes the shared :class:`~experiments.running.tasks.RunContext` and a list of
:class:`~experiments.running.tasks.RunTask` and yields :class:`~experiments.running.tasks.RunRecord`
objects as runs finish (in any order). Results do not depend on the executor: each run's seed
comes from its place in the design (:mod:`experiments.running.seeding`). Only a bounded number of
chunks is in flight, so an interrupted experiment loses at most those.

Local worker processes are forked when this process runs a single thread (fast: the model is
already imported), otherwise started by a fork server (``spawn`` where neither exists). Processes
that start a fresh interpreter get ``PYTHONHASHSEED=0`` and one BLAS/OpenMP thread each (Dask's
nanny sets both for its workers by default); forked ones inherit this process's settings.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import threading
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from experiments.running.tasks import RunContext, RunRecord, RunTask, execute_chunk
from simulation.errors import UserError

__all__ = ["DaskExecutor", "Executor", "ExecutorError", "InProcessExecutor", "ProcessExecutor",
           "make_executor"]

WORKER_ENV = {
    "PYTHONHASHSEED": "0",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}
DASK_SCHEMES = ("tcp://", "tls://", "ucx://", "inproc://", "ws://", "wss://")


class ExecutorError(UserError):
    """Runs cannot be executed (scheduler unreachable, worker pool broken); results are kept."""


def chunked(tasks: Sequence[RunTask], size: int) -> list[list[RunTask]]:
    """Split tasks into consecutive chunks of ``size`` runs."""
    size = max(1, int(size))
    return [list(tasks[i:i + size]) for i in range(0, len(tasks), size)]


class Executor(ABC):
    """Runs tasks and yields their records as they finish."""

    name: str = "executor"

    def __init__(self, chunk_size: int = 1) -> None:
        self.chunk_size = max(1, int(chunk_size))
        self.workers = 1

    def open(self) -> None:  # noqa: B027 - optional hook, nothing to acquire by default
        """Acquire resources (start or connect to workers); raise :class:`ExecutorError`."""

    def close(self) -> None:  # noqa: B027 - optional hook, nothing to release by default
        """Release resources."""

    @abstractmethod
    def run(self, context: RunContext, tasks: Sequence[RunTask]) -> Iterator[RunRecord]:
        """Yield one record per task, in completion order."""

    def describe(self) -> dict[str, Any]:
        """What the manifest records about this executor."""
        return {"executor": self.name, "workers": self.workers, "chunk_size": self.chunk_size}

    def __enter__(self) -> Executor:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class InProcessExecutor(Executor):
    """Runs one after another in this process (debugging, notebooks, tiny experiments)."""

    name = "in-process"

    def run(self, context: RunContext, tasks: Sequence[RunTask]) -> Iterator[RunRecord]:
        """Yield each run's record in task order."""
        for chunk in chunked(tasks, self.chunk_size):
            yield from execute_chunk(context, chunk)


_CONTEXT: RunContext | None = None


def _init_worker(context: RunContext) -> None:
    global _CONTEXT
    _CONTEXT = context


def _run_in_worker(chunk: list[RunTask]) -> list[RunRecord]:
    assert _CONTEXT is not None, "worker not initialized"
    return execute_chunk(_CONTEXT, chunk)


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def _start_method() -> str:
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


class ProcessExecutor(Executor):
    """A pool of local worker processes (default: one per core).

    Workers receive the shared context once, when they start (see the module notes on how).
    """

    name = "processes"

    def __init__(self, workers: int | None = None, chunk_size: int = 1) -> None:
        super().__init__(chunk_size)
        if workers is not None and workers < 1:
            raise ExecutorError(f"--workers must be 1 or more, got {workers}")
        self.workers = int(workers or os.cpu_count() or 1)
        self.start_method = _start_method()
        self._pool: ProcessPoolExecutor | None = None

    def describe(self) -> dict[str, Any]:
        """Executor, workers, chunk size and process start method."""
        return {**super().describe(), "start_method": self.start_method}

    def run(self, context: RunContext, tasks: Sequence[RunTask]) -> Iterator[RunRecord]:
        """Start the pool now, then yield records as chunks finish (two queued per worker).

        The pool starts before this returns, so workers fork before the caller starts threads
        (a progress bar's monitor, for instance).
        """
        chunks = iter(chunked(tasks, self.chunk_size))
        self.start_method = _start_method()
        mp_context = multiprocessing.get_context(self.start_method)
        if self.start_method == "forkserver":
            mp_context.set_forkserver_preload(["experiments.running.tasks"])
        pending: set[Future[list[RunRecord]]] = set()
        with _environment(WORKER_ENV):
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=mp_context,
                                             initializer=_init_worker, initargs=(context,))
            self._fill(self._pool, pending, chunks)
        return self._collect(self._pool, pending, chunks)

    def _collect(self, pool: ProcessPoolExecutor, pending: set[Future[list[RunRecord]]],
                 chunks: Iterator[list[RunTask]]) -> Iterator[RunRecord]:
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    try:
                        records = future.result()
                    except BrokenProcessPool as exc:
                        raise ExecutorError(
                            "a worker process died (out of memory or killed?): "
                            f"{exc}; finished runs are saved, continue with --resume"
                        ) from None
                    yield from records
                self._fill(pool, pending, chunks)
        finally:
            self.close()

    def close(self) -> None:
        """Stop the pool (queued chunks are cancelled)."""
        pool, self._pool = getattr(self, "_pool", None), None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def _fill(self, pool: ProcessPoolExecutor, pending: set[Future[list[RunRecord]]],
              chunks: Iterator[list[RunTask]]) -> None:
        while len(pending) < 2 * self.workers:
            chunk = next(chunks, None)
            if chunk is None:
                return
            pending.add(pool.submit(_run_in_worker, chunk))


class DaskExecutor(Executor):
    """Dask distributed: ``"local"`` starts a LocalCluster, ``"tcp://HOST:PORT"`` connects.

    Tasks get explicit unique keys and ``pure=False``: replicates have identical arguments apart
    from their seeds' place in the design, and Dask must never merge or cache runs. Workers of a
    remote cluster need the same plsim version installed.
    """

    name = "dask"

    def __init__(self, address: str, workers: int | None = None, chunk_size: int = 1,
                 timeout: float = 10.0) -> None:
        super().__init__(chunk_size)
        address = address.strip()
        if address != "local" and not address.startswith(DASK_SCHEMES):
            raise ExecutorError(
                f"--dask {address!r} is not allowed: use 'local' (start a LocalCluster here) or "
                "a scheduler address like tcp://HOST:8786")
        if workers is not None and workers < 1:
            raise ExecutorError(f"--workers must be 1 or more, got {workers}")
        self.address = address
        self.requested_workers = workers
        self.timeout = timeout
        self.client: Any = None
        self.cluster: Any = None

    def open(self) -> None:
        """Start the local cluster or connect to the scheduler (a clear error if unreachable)."""
        from distributed import Client, LocalCluster

        if self.address == "local":
            n = int(self.requested_workers or os.cpu_count() or 1)
            self.cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                        dashboard_address=None, silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
        else:
            try:
                self.client = Client(self.address, timeout=f"{self.timeout}s")
            except (OSError, TimeoutError) as exc:
                raise ExecutorError(
                    f"cannot reach the Dask scheduler at {self.address} ({exc}); nothing was run "
                    "and no results were changed. Start the scheduler (`dask scheduler`) and its "
                    "workers, check the address, or run without --dask") from None
        info = self.client.scheduler_info()
        self.workers = max(1, sum(w.get("nthreads", 1) for w in info["workers"].values()))
        if not info["workers"]:
            self.close()
            raise ExecutorError(f"the Dask scheduler at {self.address} has no workers; start "
                                "some (`dask worker ADDRESS`) and try again")

    def close(self) -> None:
        """Disconnect (and stop the local cluster)."""
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None

    def describe(self) -> dict[str, Any]:
        """Executor, scheduler address and worker threads."""
        return {**super().describe(), "address": self.address}

    def run(self, context: RunContext, tasks: Sequence[RunTask]) -> Iterator[RunRecord]:
        """Submit chunks with explicit keys and yield records as they complete."""
        from distributed import as_completed

        if self.client is None:
            self.open()
        client = self.client
        session = uuid.uuid4().hex[:8]
        try:
            shared = client.scatter(context, broadcast=True, hash=False)
        except (OSError, TimeoutError) as exc:
            raise ExecutorError(f"lost the Dask scheduler at {self.address} ({exc}); finished "
                                "runs are saved, continue with --resume") from None
        chunks = iter(chunked(tasks, self.chunk_size))
        by_future: dict[Any, list[RunTask]] = {}

        def submit(queue: Any) -> None:
            while len(by_future) < 2 * self.workers:
                chunk = next(chunks, None)
                if chunk is None:
                    return
                first = chunk[0]
                key = (f"plsim-run-{context.fingerprint[:10]}-{session}-{first.run_id}"
                       f"-a{first.attempt}")
                future = client.submit(execute_chunk, shared, chunk, key=key, pure=False,
                                       retries=0)
                by_future[future] = chunk
                if queue is not None:
                    queue.add(future)

        submit(None)
        queue = as_completed(list(by_future))
        try:
            for future in queue:
                chunk = by_future.pop(future)
                if future.status == "cancelled":  # the client lost the scheduler
                    raise ExecutorError(
                        f"lost the Dask scheduler at {self.address}; finished runs are saved, "
                        "continue with --resume")
                if future.status == "error":
                    problem = future.exception()
                    if _connection_problem(problem):
                        raise ExecutorError(
                            f"lost the Dask scheduler at {self.address} ({problem}); finished "
                            "runs are saved, continue with --resume") from None
                    for task in chunk:  # a worker died on these runs: record, never drop
                        yield RunRecord(run_id=task.run_id, point=task.point,
                                        replicate=task.replicate, attempt=task.attempt,
                                        status="failed",
                                        error=f"Dask: {type(problem).__name__}: {problem}")
                else:
                    yield from future.result()
                submit(queue)
        except (OSError, TimeoutError, asyncio.CancelledError) as exc:
            raise ExecutorError(f"lost the Dask scheduler at {self.address} ({exc}); finished "
                                "runs are saved, continue with --resume") from None
        finally:
            if client.status == "running":
                for future in by_future:
                    future.cancel()


def _connection_problem(exc: BaseException | None) -> bool:
    return isinstance(exc, (OSError, TimeoutError)) or type(exc).__name__ in (
        "CommClosedError", "FutureCancelledError", "CancelledError")


def make_executor(workers: int | None = None, dask: str | None = None, serial: bool = False,
                  chunk_size: int = 1) -> Executor:
    """The executor a command line asks for: ``serial``, ``dask`` address, or processes."""
    if serial and dask:
        raise ExecutorError("choose either --serial or --dask, not both")
    if dask:
        return DaskExecutor(dask, workers=workers, chunk_size=chunk_size)
    if serial:
        return InProcessExecutor(chunk_size=chunk_size)
    return ProcessExecutor(workers=workers, chunk_size=chunk_size)
