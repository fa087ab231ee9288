"""Run the benchmark suites one after another, each isolated from the others' failures."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import platform
import subprocess
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.harness import ROW_KEYS, log

#: Suite name → module exposing ``run(corpora, *, quick=False, repeats=3) -> list[dict]``.
SUITES: dict[str, str] = {
    "speed": "bench.suite_speed",
    "classify": "bench.suite_classify",
    "topics": "bench.suite_topics",
    "correct": "bench.suite_correct",
    "korean": "bench.suite_korean",
    "themes": "bench.suite_themes",
    "scale": "bench.suite_scale",
    "update": "bench.suite_update",
    "dask": "bench.suite_dask",
}

#: Distributions whose versions head BENCHMARKS.md.
VERSIONED = ("topics", "numpy", "pandas", "scikit-learn", "bertopic", "umap-learn", "hdbscan")

REPO = Path(__file__).resolve().parents[1]


def default_corpora() -> Path:
    """``$TOPICS_CORPORA`` when set, else ``../shared/corpora`` next to the repository."""
    env = os.environ.get("TOPICS_CORPORA")
    return Path(env) if env else (REPO.parent / "shared" / "corpora").resolve()


@dataclass
class SuiteResult:
    """What one suite produced.

    ``status`` is ``"ok"`` (every figure measured), ``"partial"`` (some rows skipped or failed),
    ``"skipped"`` (a corpus it needs is missing: ``message`` names the path) or ``"failed"`` (it
    raised: ``message`` is the error, ``detail`` the traceback).
    """

    name: str
    status: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    message: str = ""
    detail: str = ""
    #: When the suite ran (UTC), the commit it measured, and the command that ran it.
    measured: str = ""
    commit: str = ""
    command: str = ""

    @property
    def succeeded(self) -> bool:
        """Whether every figure of the suite was measured."""
        return self.status == "ok"


#: What a suite's ``keep`` callback does with the rows measured so far (see :func:`run_suite`).
Keep = Callable[[SuiteResult], None]


def run_suite(
    name: str,
    module_name: str,
    corpora: Path,
    *,
    quick: bool = False,
    repeats: int = 3,
    up_to: int | None = None,
    keep: Keep | None = None,
) -> SuiteResult:
    """Import and run one suite; a missing corpus or an exception becomes part of the result.

    Two options reach only the suites whose ``run`` takes them: ``up_to``, the largest corpus
    size a suite that grows one (scale) measures, and ``keep``: such a suite calls
    ``keep(rows, done)`` after each size, and :func:`run_suite` then hands ``keep`` an interim
    result (status ``"partial"``, the message saying what it lacks), so that a run stopped
    before the end still leaves the figures measured so far.
    """
    result = _run_suite(name, module_name, corpora, quick, repeats, up_to, keep)
    return _stamp(result)


def _stamp(result: SuiteResult) -> SuiteResult:
    result.measured = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    result.commit = current_commit()
    return result


def _options(run: Callable[..., Any], up_to: int | None, keep: Callable | None) -> dict:
    accepted = inspect.signature(run).parameters
    options = {"up_to": up_to, "keep": keep}
    return {k: v for k, v in options.items() if k in accepted and v is not None}


def _run_suite(
    name: str,
    module_name: str,
    corpora: Path,
    quick: bool,
    repeats: int,
    up_to: int | None,
    keep: Keep | None,
) -> SuiteResult:
    t0 = time.perf_counter()
    log(f"{name}: starting ({module_name}, corpora {corpora})")

    so_far: list[dict[str, Any]] = []  # the rows last kept, should the suite fail later

    def interim(rows: list[dict[str, Any]], done: str) -> None:
        so_far[:] = rows = [_complete(row, name) for row in rows]
        message = f"interim: {done}; the run had not finished"
        log(f"{name}: keeping {len(rows)} figures ({done})")
        keep(_stamp(SuiteResult(name, "partial", rows, time.perf_counter() - t0, message)))

    try:
        module = importlib.import_module(module_name)
        options = _options(module.run, up_to, interim if keep else None)
        rows = list(module.run(corpora, quick=quick, repeats=repeats, **options))
    except FileNotFoundError as exc:
        missing = exc.filename or str(exc)
        message = (
            f"corpus missing: {missing} (set TOPICS_CORPORA or pass --corpora to point at the "
            "corpora folder)"
        )
        log(f"{name}: skipped — {message}")
        return SuiteResult(name, "skipped", [], time.perf_counter() - t0, message)
    except Exception as exc:
        message = f"{type(exc).__name__}: {exc}"
        log(f"{name}: FAILED — {message}")
        if so_far:
            message += f" (after the {len(so_far)} figures shown, kept before the failure)"
        return SuiteResult(
            name, "failed", so_far, time.perf_counter() - t0, message, traceback.format_exc()
        )
    rows = [_complete(row, name) for row in rows]
    problems = [r for r in rows if r.get("skipped") or r.get("error")]
    for row in problems:
        log(f"{name}: {row['figure']}: {row['note']}")
    status = "partial" if problems else "ok"
    seconds = time.perf_counter() - t0
    log(f"{name}: {status}, {len(rows)} figures in {seconds:.0f} s")
    message = f"{len(problems)} of {len(rows)} figures not measured" if problems else ""
    return SuiteResult(name, status, rows, seconds, message)


def run_suites(
    names: list[str],
    corpora: Path,
    *,
    quick: bool = False,
    repeats: int = 3,
    up_to: int | None = None,
    keep: Keep | None = None,
) -> list[SuiteResult]:
    """Run the named suites (keys of :data:`SUITES`) in order; each one's failure is contained.

    ``keep`` (if given) also receives each suite's final result as soon as it is there.
    """
    results = []
    for name in names:
        result = run_suite(
            name, SUITES[name], corpora, quick=quick, repeats=repeats, up_to=up_to, keep=keep
        )
        if keep is not None:
            keep(result)
        results.append(result)
    return results


def current_commit() -> str:
    """Short hash of the repository's HEAD, ``+changes`` when the tree differs from it."""

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(REPO), *args], capture_output=True, text=True, check=False
        )
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "--short=12", "HEAD")
    if not head:
        return "unknown"
    # bench/results is what a run writes: only code changes mark the figures
    dirty = git(
        "status",
        "--porcelain",
        "--untracked-files=no",
        "--",
        "topics",
        "bench",
        ":(exclude)bench/results",
    )
    return head + ("+changes" if dirty else "")


def save_result(result: SuiteResult, directory: Path) -> Path:
    """Keep one suite's result as ``<directory>/<name>.json`` (replacing its previous run)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{result.name}.json"
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(asdict(result), indent=1, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def load_results(directory: Path) -> dict[str, SuiteResult]:
    """The kept results of earlier runs, by suite name (suites no longer defined are ignored)."""
    kept = {}
    for path in sorted(directory.glob("*.json")) if directory.is_dir() else []:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("name") in SUITES:
            kept[data["name"]] = SuiteResult(**data)
    return kept


def _complete(row: dict[str, Any], suite: str) -> dict[str, Any]:
    """A copy of ``row`` with every key of :data:`ROW_KEYS` present."""
    full = {key: None for key in ROW_KEYS}
    full.update(row)
    full["suite"] = full["suite"] or suite
    return full


def machine() -> dict[str, str]:
    """The machine and software the figures were measured on (label → text)."""
    info = {
        "CPU": _cpu_model(),
        "cores": str(os.cpu_count() or "?"),
        "memory": _memory(),
        "OS": platform.platform(),
        "Python": platform.python_version(),
    }
    for name in VERSIONED:
        try:
            info[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            info[name] = "not installed"
    return info


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def _memory() -> str:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    return f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    except (OSError, ValueError):
        pass
    return "unknown"
