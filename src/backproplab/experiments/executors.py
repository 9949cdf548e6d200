"""Where a sweep's runs execute: this process, local worker processes or a Dask cluster.

Every choice is a ``concurrent.futures.Executor`` (``submit(fn, task)`` returns a
Future), so the sweep's driver has one loop for all of them (``as_finished``):
it submits the runs, and as each Future finishes it writes the model the run sent
back and appends the run's record to ``results.jsonl``. Only the driver writes to
the sweep folder, so a cluster needs no shared filesystem, and ``--resume`` works
the same wherever the runs ran.

- ``scheduler=None``: ``workers`` spawned processes (a ``multiprocessing.Pool``
  behind the Executor interface), or this process alone when ``workers`` is 1;
- ``scheduler="local"``: a Dask ``LocalCluster`` of ``workers`` processes;
- ``scheduler="tcp://HOST:PORT"`` or ``"tls://HOST:PORT"`` (TLS with the certificates of Dask's
  configuration, ``distributed.comm.tls``), the address in a scheduler file
  (``dask scheduler --scheduler-file``), or ``DASK_SCHEDULER_ADDRESS`` when neither is given:
  the workers of a running Dask scheduler, through ``Client.get_executor()``. A worker that
  dies mid-sweep loses nothing: Dask runs its unfinished runs again on the others;
- a ``dask.distributed.Client`` of the caller's: its cluster, and the client stays open.

Before anything is written, an address is asked who it is (``check_scheduler``): what
does not answer as a Dask scheduler within ``PROBE_SECONDS`` (nothing listening, a
server that never replies, or one that replies something else) is one line.

Dask (``pip install "backproplab[dask]"``) is imported only when a scheduler is given.
"""

import asyncio
import concurrent.futures
import contextlib
import importlib.util
import itertools
import json
import logging
import multiprocessing
import multiprocessing.resource_tracker
import os
import signal
import socket
import threading
import urllib.parse

from ..errors import ConfigError

CONNECT_SECONDS = 10  # how long to wait for a Dask scheduler to accept a connection
PROBE_SECONDS = 15  # how long to wait for it to say it is one, connection included
BLAS_THREADS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
SCHEMES = ("tcp", "tls")
ADDRESS_VARIABLE = "DASK_SCHEDULER_ADDRESS"  # Dask's own: where Client() connects when given no address
_ADDRESS_HELP = "give tcp://HOST:PORT or tls://HOST:PORT (the address 'dask scheduler' prints) or local"
_START_HELP = "start one with 'dask scheduler' and give the address it prints"


def resolve_scheduler(scheduler=None, scheduler_file=None):
    """The scheduler a sweep runs on: ``scheduler`` (an address, ``"local"`` or a Client), else the address in
    ``scheduler_file`` (the JSON file ``dask scheduler --scheduler-file`` writes), else $DASK_SCHEDULER_ADDRESS,
    else None (local processes)."""
    if scheduler is not None and scheduler_file is not None:
        raise ConfigError("give either --scheduler or --scheduler-file, not both")
    if scheduler_file is not None:
        return _address_in_file(scheduler_file)
    return scheduler if scheduler is not None else os.environ.get(ADDRESS_VARIABLE) or None


def _address_in_file(path):
    """The ``address`` of a Dask scheduler file; a ConfigError naming the file otherwise."""
    try:
        with open(path, encoding="utf-8") as f:
            address = json.load(f).get("address")
    except OSError as e:
        raise ConfigError(f"--scheduler-file {str(path)!r}: cannot read it ({e.strerror or e}); give the file "
                          "'dask scheduler --scheduler-file' wrote") from None
    except (ValueError, AttributeError):
        address = None
    if not isinstance(address, str):
        raise ConfigError(f"--scheduler-file {str(path)!r} holds no scheduler address; give the file "
                          "'dask scheduler --scheduler-file' wrote")
    return address


def check_scheduler(scheduler):
    """``scheduler`` if a sweep can run on it: None, ``"local"``, a Client, or an address where a Dask scheduler
    answers.

    Raises ConfigError naming the value and the fix: Dask missing, an address that is not
    ``tcp://HOST:PORT`` or ``tls://HOST:PORT``, or nothing there that answers as a Dask scheduler
    within PROBE_SECONDS.
    """
    if scheduler is None or _is_client(scheduler):
        return scheduler
    if importlib.util.find_spec("distributed") is None:
        raise ConfigError(f"--scheduler {scheduler!r} needs Dask distributed; install it with: "
                          "pip install 'backproplab[dask]'")
    if scheduler == "local":
        return scheduler
    host, port = _host_and_port(scheduler)
    try:  # nothing listening is said at once; Dask's connect would retry for CONNECT_SECONDS
        socket.create_connection((host, port), timeout=CONNECT_SECONDS).close()
    except OSError as e:
        raise ConfigError(f"--scheduler {scheduler!r}: no scheduler answers there ({e.strerror or e}); "
                          f"{_START_HELP}") from None
    with concurrent.futures.ThreadPoolExecutor(1) as thread:  # a loop of its own, also under a notebook's
        thread.submit(asyncio.run, _ask_identity(scheduler)).result()
    return scheduler


def _is_client(scheduler):
    return hasattr(scheduler, "get_executor") and hasattr(scheduler, "scheduler_info")


async def _ask_identity(address):
    """Connect to ``address`` and ask who answers; a ConfigError unless a Dask scheduler does within PROBE_SECONDS."""
    from dask.distributed import Security, rpc

    where = f"--scheduler {address!r}"
    arguments = Security().get_connection_args("client")
    if address.startswith("tls:") and arguments.get("ssl_context") is None:
        raise ConfigError(f"{where} needs TLS certificates; set distributed.comm.tls.ca-file, .client.cert and "
                          ".client.key in Dask's configuration")

    async def identity():
        async with rpc(address, timeout=CONNECT_SECONDS, connection_args=arguments) as scheduler:
            return await scheduler.identity()  # what a scheduler says of itself: {"type": "Scheduler", ...}

    try:
        reply = await asyncio.wait_for(identity(), PROBE_SECONDS)
    except (TimeoutError, asyncio.TimeoutError):
        raise ConfigError(f"{where}: something there took the connection but did not answer as a Dask scheduler "
                          f"within {PROBE_SECONDS} s; check the address, or {_START_HELP}") from None
    except OSError as e:
        raise ConfigError(f"{where}: no scheduler answers there ({e.strerror or str(e).splitlines()[0]}); "
                          f"{_START_HELP}") from None
    except Exception as e:  # noqa: BLE001 - whatever a foreign server's bytes make Dask's reader raise
        raise ConfigError(f"{where}: something answers there, but not as a Dask scheduler "
                          f"({type(e).__name__}); check the address, or {_START_HELP}") from None
    if not (isinstance(reply, dict) and reply.get("type") == "Scheduler"):
        raise ConfigError(f"{where}: something answers there, but not as a Dask scheduler; check the address, "
                          f"or {_START_HELP}")


def _host_and_port(scheduler):
    """(host, port) of ``tcp://HOST:PORT`` or ``tls://HOST:PORT``; a ConfigError for anything else."""
    parts = urllib.parse.urlsplit(scheduler) if isinstance(scheduler, str) else None
    try:
        host, port = parts.hostname, parts.port
    except (ValueError, AttributeError):  # a port that is not a number, or out of range; not a string
        host = port = None
    if parts is None or parts.scheme not in SCHEMES or not host or not port or parts.path or parts.query \
            or parts.fragment:
        raise ConfigError(f"--scheduler {scheduler!r} is not a scheduler address; {_ADDRESS_HELP}")
    return host, port


@contextlib.contextmanager
def open_executor(workers=None, scheduler=None):
    """The executor the sweep's runs go to (see the module docstring); shut down on leaving.

    ``workers``: local processes, or the LocalCluster's workers (default: the
    number of cores); a running cluster brings its own workers. ``scheduler`` is one
    ``check_scheduler`` let through.
    """
    if scheduler is not None:
        with _dask_executor(scheduler, workers) as executor:
            yield executor
    elif workers == 1:
        with InProcessExecutor() as executor:
            yield executor
    else:
        with PoolExecutor(workers or os.cpu_count() or 1) as executor:
            yield executor


def as_finished(executor, fn, tasks):
    """``fn(task)`` for every task on ``executor``, yielding each result as it finishes.

    Every task is submitted at once (the pool or the scheduler spreads them over
    the workers), except on an InProcessExecutor, which runs a task as it is
    submitted: there each result is yielded before the next task starts.
    """
    tasks = iter(tasks)
    at_once = 1 if isinstance(executor, InProcessExecutor) else None  # None: all that are left
    pending = set()
    while True:
        pending |= {executor.submit(fn, task) for task in itertools.islice(tasks, at_once)}
        if not pending:
            return
        done, pending = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
        for future in done:
            yield future.result()


class InProcessExecutor(concurrent.futures.Executor):
    """Runs each task in this process, when it is submitted; its Future is already done."""

    def submit(self, fn, /, *args, **kwargs):
        future = concurrent.futures.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as e:  # noqa: BLE001 - the Future carries it, as any executor's would
            future.set_exception(e)
        return future


class PoolExecutor(concurrent.futures.Executor):
    """``workers`` spawned processes, one BLAS thread each, behind the concurrent.futures interface.

    A ``multiprocessing.Pool`` rather than a ProcessPoolExecutor because shutting it
    down ends the runs in progress at once (Ctrl-C should not wait for them), and
    because its workers all start here, deaf to Ctrl-C: the terminal sends SIGINT
    to the whole process group, and only the driver should answer it (one line and
    the resume command). ``shutdown`` terminates the workers, so call it once every
    result is in or when giving up.
    """

    def __init__(self, workers):
        saved = {v: os.environ.get(v) for v in BLAS_THREADS}
        os.environ.update({v: "1" for v in BLAS_THREADS})  # inherited by the workers as they start
        try:
            with _interrupts_held_back():
                self._pool = multiprocessing.get_context("spawn").Pool(workers, initializer=_ignore_interrupts)
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value

    def submit(self, fn, /, *args, **kwargs):
        future = concurrent.futures.Future()
        future.set_running_or_notify_cancel()
        self._pool.apply_async(fn, args, kwargs, callback=future.set_result, error_callback=future.set_exception)
        return future

    def shutdown(self, wait=True, *, cancel_futures=False):
        self._pool.terminate()
        if wait:
            self._pool.join()


def _ignore_interrupts():
    """A worker's first act: ignore SIGINT, which also drops a Ctrl-C held pending since its birth."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextlib.contextmanager
def _interrupts_held_back():
    """Start processes in here: they are born with SIGINT blocked, and a Ctrl-C meanwhile is raised on leaving.

    Blocked, not ignored: a child inherits this thread's signal mask through
    exec, so a Ctrl-C sent to the process group stays pending in a worker until
    ``_ignore_interrupts`` drops it. This process keeps a handler throughout;
    ignoring SIGINT here would lose a Ctrl-C taken by another of its threads
    (BLAS starts some), or one pending when the block is lifted. The handler
    only notes the Ctrl-C, so the pool is never left half started; it is raised
    once the pool is whole.

    multiprocessing starts its resource tracker with SIGINT unblocked in the
    calling thread, which would undo the block: it is started first.
    """
    multiprocessing.resource_tracker.ensure_running()
    noted = []
    main = threading.current_thread() is threading.main_thread()  # elsewhere the main thread answers Ctrl-C
    handler = signal.signal(signal.SIGINT, lambda signum, frame: noted.append(signum)) if main else None
    try:
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            yield
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # a pending Ctrl-C reaches the noting handler here
    finally:
        if main:
            signal.signal(signal.SIGINT, handler)
    if noted:
        signal.raise_signal(signal.SIGINT)  # to the handler that was there before: KeyboardInterrupt


@contextlib.contextmanager
def _dask_executor(scheduler, workers):
    """``Client.get_executor()`` on the scheduler at ``scheduler``, on a LocalCluster for ``"local"``, or on the
    caller's own Client (left open)."""
    from dask.distributed import Client, LocalCluster

    with contextlib.ExitStack() as stack:
        if _is_client(scheduler):
            client = scheduler
        else:
            address = scheduler
            if scheduler == "local":
                # On this machine only; its scheduler's HTTP server on a free port (8787 may be taken).
                address = stack.enter_context(LocalCluster(n_workers=workers, threads_per_worker=1,
                                                           host="127.0.0.1", dashboard_address="127.0.0.1:0",
                                                           silence_logs=logging.ERROR))
            try:
                client = stack.enter_context(Client(address, timeout=CONNECT_SECONDS))
            except (OSError, TimeoutError) as e:
                raise ConfigError(f"--scheduler {scheduler!r}: cannot connect ({e}); {_START_HELP}") from None
        # pure=False: every run is its own task, even when another sweep on the cluster runs the same one.
        executor = client.get_executor(pure=False)
        try:
            yield executor
        finally:
            executor.shutdown(wait=False)  # the client's closing cancels whatever is still running
