"""Shared machinery of the benchmark: timing, peak memory in fresh processes, summaries, rows.

Every suite (``bench/suite_*.py``) exposes ``run(corpora, *, quick=False, repeats=3) -> list[dict]``
and builds its rows with :func:`make_row`. A row has the keys of :data:`ROW_KEYS`:

``suite``, ``figure``
    Where the figure belongs and what it is (``"ingest Reuters-21578 (21,578 records)"``).
``value``, ``spread``, ``unit``
    The median of the runs, how far the runs spread (a string such as ``"1.2–1.4 s (n=3)"``, or a
    number, or ``None``), and the unit (``"s"``, ``"MB"``, ``"docs/s"``, ``""`` for a ratio).
``baseline``, ``baseline_value``
    What the figure is compared with, measured in the same run, and its median.
``published``
    The published figure to compare with (a number or a string naming the source), or ``None``.
``note``
    Anything a reader needs to interpret the figure.

Two optional keys mark a figure that could not be measured: ``skipped`` (a string naming the
missing corpus path) and ``error`` (the exception text). The runner counts them. An optional
``headline: True`` also lists the figure in the table of headline figures at the top.

Peak memory is measured in a fresh child process (``multiprocessing`` with *spawn*), so one step's
allocations cannot hide another's: :func:`in_child` runs a module-level function there, and inside
it :func:`measure` resets the kernel's high-water mark (``/proc/self/clear_refs``) and reads
``VmHWM`` from ``/proc/self/status`` when the step ends.
"""

from __future__ import annotations

import errno
import math
import numbers
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROW_KEYS = (
    "suite",
    "figure",
    "value",
    "spread",
    "unit",
    "baseline",
    "baseline_value",
    "published",
    "note",
)

_START = time.perf_counter()


def log(message: str) -> None:
    """Write a progress line to stderr, prefixed with the time since the bench started."""
    elapsed = time.perf_counter() - _START
    print(f"[bench {elapsed:6.0f}s] {message}", file=sys.stderr, flush=True)


def require_file(path: os.PathLike[str] | str) -> Path:
    """``path`` as a :class:`~pathlib.Path` if it exists, else the ``FileNotFoundError`` naming it
    that the runner reports as a missing corpus (the suite is skipped, the others still run)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(errno.ENOENT, "corpus not found", str(path))
    return path


# --- memory -------------------------------------------------------------------------------------


def _status_kb(field_name: str) -> float | None:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field_name + ":"):
                    return float(line.split()[1])
    except OSError:
        return None
    return None


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (or since :func:`reset_peak_rss`), in MiB."""
    kb = _status_kb("VmHWM")
    if kb is None:  # not Linux: ru_maxrss is KiB on Linux, bytes on macOS
        maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        kb = maxrss / 1024 if sys.platform == "darwin" else maxrss
    return kb / 1024


def current_rss_mb() -> float:
    """Resident memory of this process now, in MiB (``nan`` where ``/proc`` is absent)."""
    kb = _status_kb("VmRSS")
    return math.nan if kb is None else kb / 1024


def reset_peak_rss() -> bool:
    """Reset the peak-memory mark to the current resident size; ``False`` if the OS cannot."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
    except OSError:
        return False
    return True


@dataclass
class Measurement:
    """Wall time and peak memory of one step, filled in when :func:`measure` exits.

    ``start_mb`` is the resident memory when the step began, so ``peak_mb - start_mb`` is what the
    step itself added. ``peak_reset`` is ``False`` where the peak could not be reset, in which case
    ``peak_mb`` is the process's peak since it started.
    """

    start_mb: float
    peak_reset: bool
    seconds: float = math.nan
    peak_mb: float = math.nan


@contextmanager
def measure() -> Iterator[Measurement]:
    """Time the enclosed block with ``time.perf_counter`` and record its peak memory.

    Examples
    --------
    >>> with measure() as m:
    ...     _ = sum(range(1000))
    >>> m.seconds >= 0
    True
    """
    reset = reset_peak_rss()
    m = Measurement(start_mb=current_rss_mb(), peak_reset=reset)
    t0 = time.perf_counter()
    try:
        yield m
    finally:
        m.seconds = time.perf_counter() - t0
        m.peak_mb = peak_rss_mb()


def time_calls(func: Callable[[], Any], repeats: int = 3) -> list[float]:
    """Call ``func()`` ``repeats`` times in this process; return the wall time of each call."""
    times = []
    for _ in range(max(1, repeats)):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return times


# --- child processes ----------------------------------------------------------------------------


class ChildCrashed(RuntimeError):
    """The child process died without returning (killed, out of memory, segfault)."""


def in_child(func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """Run ``func(*args, **kwargs)`` in a fresh *spawned* process and return its result.

    ``func`` must be importable by name (a module-level function) and its arguments and result
    picklable (paths, numbers, dicts). An exception in the child is re-raised here with the
    child's traceback attached as its cause.

    Raises
    ------
    ChildCrashed
        If the child process died without an answer.
    """
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        try:
            return pool.submit(func, *args, **kwargs).result()
        except BrokenProcessPool as exc:
            name = getattr(func, "__qualname__", repr(func))
            raise ChildCrashed(
                f"the child process running {name} died (killed or out of memory?)"
            ) from exc


def repeat_in_child(
    func: Callable[..., Any],
    /,
    *args: Any,
    repeats: int = 3,
    budget_s: float | None = None,
    label: str | None = None,
    **kwargs: Any,
) -> list[Any]:
    """Run ``func`` up to ``repeats`` times, each in a fresh child; return every result.

    Parameters
    ----------
    func, args, kwargs
        As for :func:`in_child`.
    repeats : int
        Number of runs wanted.
    budget_s : float, optional
        Stop early, after at least one run, once the runs so far took this many seconds of wall
        time: an expensive step is then measured fewer times (the spread says how many).
    label : str, optional
        Shown in the progress lines on stderr.
    """
    results: list[Any] = []
    t0 = time.perf_counter()
    for i in range(max(1, repeats)):
        if label:
            log(f"{label}: run {i + 1}/{repeats}")
        results.append(in_child(func, *args, **kwargs))
        if budget_s is not None and time.perf_counter() - t0 >= budget_s and i + 1 < repeats:
            log(f"{label or 'step'}: {len(results)} run(s) used the {budget_s:.0f} s budget")
            break
    return results


# --- summaries ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """Median, minimum, maximum and number of a set of runs."""

    median: float
    low: float
    high: float
    n: int
    values: tuple[float, ...] = field(default=(), repr=False)

    def spread(self, unit: str = "") -> str:
        """The range of the runs as text: ``"1.21–1.35 s (n=3)"`` (``"n=1"`` for one run)."""
        suffix = f" {unit}" if unit else ""
        if self.n == 1:
            return "n=1"
        return f"{format_number(self.low)}–{format_number(self.high)}{suffix} (n={self.n})"


def summarize(values: Sequence[float]) -> Summary:
    """Summarise runs, ignoring ``nan``.

    Raises
    ------
    ValueError
        If there is no finite value.
    """
    finite = [float(v) for v in values if v is not None and not math.isnan(float(v))]
    if not finite:
        raise ValueError("no finite value to summarise")
    return Summary(
        median=statistics.median(finite),
        low=min(finite),
        high=max(finite),
        n=len(finite),
        values=tuple(finite),
    )


def ratio(value: Any, baseline_value: Any) -> float | None:
    """``value / baseline_value`` when both are finite numbers and the baseline is not zero."""
    if not _is_number(value) or not _is_number(baseline_value) or baseline_value == 0:
        return None
    return float(value) / float(baseline_value)


def fit_exponent(sizes: Sequence[float], costs: Sequence[float]) -> float:
    """Slope of ``log(cost)`` against ``log(size)`` by least squares: cost grows as size**slope.

    Parameters
    ----------
    sizes : sequence of float, length n (n >= 2, at least two distinct sizes, all > 0)
    costs : sequence of float, length n (all > 0)

    Raises
    ------
    ValueError
        On fewer than two distinct sizes, mismatched lengths or non-positive values.
    """
    if len(sizes) != len(costs):
        raise ValueError(f"{len(sizes)} sizes but {len(costs)} costs")
    if any(not _is_number(v) or v <= 0 for v in [*sizes, *costs]):
        raise ValueError("sizes and costs must be positive numbers")
    if len(set(sizes)) < 2:
        raise ValueError("need at least two distinct sizes to fit an exponent")
    xs = [math.log(s) for s in sizes]
    ys = [math.log(c) for c in costs]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    return sxy / sxx


# --- rows ---------------------------------------------------------------------------------------


def make_row(
    suite: str,
    figure: str,
    values: Sequence[float] | float | None,
    unit: str = "",
    *,
    baseline: str = "",
    baseline_values: Sequence[float] | float | None = None,
    published: Any = None,
    note: str = "",
    headline: bool = False,
) -> dict[str, Any]:
    """A result row: the median of ``values`` with its spread, beside the baseline's median.

    ``values`` and ``baseline_values`` may be a sequence of runs, a single number or ``None``.
    ``headline`` lists the figure among the headline figures at the top of BENCHMARKS.md.
    """
    value, spread = _median_and_spread(values, unit)
    baseline_value, _ = _median_and_spread(baseline_values, unit)
    row = {
        "suite": suite,
        "figure": figure,
        "value": value,
        "spread": spread,
        "unit": unit,
        "baseline": baseline,
        "baseline_value": baseline_value,
        "published": published,
        "note": note,
    }
    if headline:
        row["headline"] = True
    return row


def skipped_row(suite: str, figure: str, missing: os.PathLike[str] | str) -> dict[str, Any]:
    """A row for a figure not measured because the corpus at ``missing`` is absent."""
    row = make_row(suite, figure, None, note=f"corpus missing: {missing}")
    row["skipped"] = str(missing)
    return row


def error_row(suite: str, figure: str, exc: BaseException) -> dict[str, Any]:
    """A row for a figure whose measurement failed with ``exc``."""
    message = f"{type(exc).__name__}: {exc}"
    row = make_row(suite, figure, None, note=f"failed: {message}")
    row["error"] = message
    return row


def _median_and_spread(
    values: Sequence[float] | float | None, unit: str
) -> tuple[float | None, str | None]:
    if values is None:
        return None, None
    if _is_number(values):
        return float(values), None  # type: ignore[arg-type]
    try:
        summary = summarize(values)  # type: ignore[arg-type]
    except ValueError:
        return None, None
    return summary.median, summary.spread(unit)


def _is_number(value: Any) -> bool:
    """A finite real number (numpy scalars included), not a bool."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return False
    return math.isfinite(float(value))


def format_number(value: Any) -> str:
    """Three significant figures, thousands separated: 21578 → ``21,578``, 0.01234 → ``0.0123``."""
    if value is None:
        return ""
    if not _is_number(value):
        return str(value)
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    x = float(value)
    if x == 0:
        return "0"
    if abs(x) >= 1000 or (x == int(x) and abs(x) >= 100):
        return f"{x:,.0f}"
    if abs(x) >= 100:
        return f"{x:.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    if abs(x) >= 1:
        return f"{x:.2f}"
    return f"{x:.3g}"
