"""A Dask client: connected to a scheduler, or on a ``LocalCluster`` sized to the machine.

Every wait has a timeout when one is given, and the comm timeouts are generous, so a loaded
machine (a laptop busy with other work, a shared CI box) turns into a slow run, not a false
failure. A worker that dies mid-task is restarted by its nanny and the task is retried by the
scheduler (up to ``distributed.scheduler.allowed-failures`` times).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from topics.errors import TopicsError

if TYPE_CHECKING:
    from distributed import Client, Future

DASK_HINT = "install the extra: pip install 'topics[dask]' (in a checkout: uv sync --extra dask)"

#: Set around every cluster the toolkit starts or joins (see the module docstring).
CONFIG: dict[str, Any] = {
    "distributed.comm.timeouts.connect": "120s",
    "distributed.comm.timeouts.tcp": "300s",
    "distributed.scheduler.allowed-failures": 3,
    "distributed.scheduler.worker-ttl": "15 minutes",
}
#: Inputs combined per task when a result is reduced in a tree on the workers.
FANIN = 8
#: Seconds to wait for the first worker of a scheduler, and for a cluster to close.
START_TIMEOUT = 120
CLOSE_TIMEOUT = 60


def require_dask() -> None:
    """Raise a :class:`TopicsError` saying how to install ``dask[distributed]`` when missing."""
    try:
        import distributed  # noqa: F401
    except ImportError as exc:
        raise TopicsError("the dask engine needs dask[distributed]", DASK_HINT) from exc


@contextmanager
def connect(
    scheduler: str | None = None, *, client: Client | None = None, n_workers: int | None = None
) -> Iterator[Client]:
    """A client on ``scheduler`` (an address), or on a new ``LocalCluster``; closed at the end.

    Parameters
    ----------
    scheduler : str, optional
        ``tcp://host:8786``; without it a ``LocalCluster`` of one single-threaded worker process
        per core (``n_workers`` to change it) is started and closed afterwards.
    client : Client, optional
        A client of your own, used as it is and left open.
    """
    require_dask()
    import dask

    with dask.config.set(CONFIG):
        if client is not None:
            check_workers(client)
            yield client
            return
        from distributed import Client, LocalCluster

        cluster = None
        if scheduler is None:
            cluster = LocalCluster(
                n_workers=n_workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            own = Client(cluster)
        else:
            try:
                own = Client(scheduler, timeout=START_TIMEOUT)
            except OSError as exc:
                raise TopicsError(
                    f"cannot reach the Dask scheduler at {scheduler} ({exc})",
                    "start it (dask scheduler) or check the address",
                ) from exc
        try:
            check_workers(own)
            yield own
        finally:
            own.close(timeout=CLOSE_TIMEOUT)
            if cluster is not None:
                cluster.close(timeout=CLOSE_TIMEOUT)


def check_workers(client: Client) -> None:
    """Wait for a worker; refuse workers that hash strings differently.

    Duplicates and recurring boilerplate are found by hashing words (Python's string hash) on the
    workers and adding the counts up, which needs every worker to hash alike: Dask's nannies
    start workers with one ``PYTHONHASHSEED``; workers started otherwise must share one.
    """
    try:
        client.wait_for_workers(1, timeout=START_TIMEOUT)
    except TimeoutError as exc:
        raise TopicsError(
            f"no Dask worker joined the scheduler within {START_TIMEOUT} s",
            "start workers: dask worker SCHEDULER_ADDRESS",
        ) from exc
    seeds = set(client.run(_string_hash).values())
    if len(seeds) > 1:
        raise TopicsError(
            "the Dask workers hash strings differently (their PYTHONHASHSEED differs)",
            "start every worker with the same PYTHONHASHSEED (e.g. PYTHONHASHSEED=0 dask "
            "worker ADDRESS); workers started by a nanny share one",
        )


def _string_hash() -> int:
    return hash("topics.distributed")


def gather(client: Client, futures: Sequence[Future], timeout: float | None = None) -> list:
    """The results of ``futures``, waiting at most ``timeout`` seconds (``None``: no limit)."""
    from distributed import wait

    if timeout is not None:
        try:
            wait(list(futures), timeout=timeout)
        except TimeoutError as exc:
            raise TopicsError(
                f"the cluster did not finish within {timeout:.0f} s",
                "give it more time (timeout=) or more workers",
            ) from exc
    return client.gather(list(futures))


def tree(client: Client, func: Callable[..., Any], futures: list[Future], name: str) -> Future:
    """Reduce ``futures`` on the workers with ``func(*parts)``, :data:`FANIN` at a time."""
    if not futures:
        raise TopicsError(f"{name}: nothing to combine", "pass at least one partition")
    level = 0
    while level == 0 or len(futures) > 1:  # once at least: one part is reduced too
        futures = [
            client.submit(func, *futures[i : i + FANIN], key=f"{name}-{level}-{i}-{_token()}")
            for i in range(0, len(futures), FANIN)
        ]
        level += 1
    return futures[0]


def submit_each(
    client: Client, func: Callable[..., Any], parts: Sequence[Any], name: str, *args: Any
) -> list[Future]:
    """``func(part, index, *args)`` for every partition, one task each (keys ``name-i-…``)."""
    token = _token()
    return [
        client.submit(func, part, i, *args, key=f"{name}-{i}-{token}")
        for i, part in enumerate(parts)
    ]


def _token() -> str:
    import uuid

    return uuid.uuid4().hex[:12]
