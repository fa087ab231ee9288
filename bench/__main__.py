"""``python -m bench``: run the benchmark suites and write BENCHMARKS.md from scratch.

Examples
--------
    python -m bench                          # every suite, full size (about 30 min on 2 cores)
    python -m bench --quick                  # every suite on small samples (a few minutes)
    python -m bench --only speed --repeats 5 --out /tmp/BENCHMARKS.md
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.harness import log
from bench.runner import REPO, SUITES, default_corpora


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command-line options (see the module docstring)."""
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Run the benchmark suites and write BENCHMARKS.md (progress on stderr).",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=list(SUITES),
        metavar="SUITE",
        help=f"Run only these suites (of: {', '.join(SUITES)}). Default: all.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="Small samples: a check in minutes, not the figures."
    )
    parser.add_argument(
        "--repeats", type=int, default=3, help="Runs per figure; the median is reported (3)."
    )
    parser.add_argument(
        "--corpora",
        type=Path,
        default=None,
        help="Folder of the corpora (default: $TOPICS_CORPORA, else ../shared/corpora).",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO / "BENCHMARKS.md",
        help="Markdown file to write (default: BENCHMARKS.md at the repository root).",
    )
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the suites, write the Markdown file, return the exit status.

    0 when every figure was measured; 1 when a suite failed, was skipped for a missing corpus or
    left figures unmeasured (the file is written either way and says which).
    """
    from bench import markdown
    from bench.runner import machine, run_suites

    args = parse_args(argv)
    names = args.only or list(SUITES)
    corpora = (args.corpora or default_corpora()).resolve()
    command = "python -m bench " + shlex.join(sys.argv[1:] if argv is None else argv)
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    log(f"suites {', '.join(names)}; corpora {corpora}; writing {args.out}")
    if not corpora.is_dir():
        log(f"corpora folder not found: {corpora} (set TOPICS_CORPORA or pass --corpora)")
    results = run_suites(names, corpora, quick=args.quick, repeats=args.repeats)
    text = markdown.render(
        results,
        machine=machine(),
        command=command.strip(),
        date=started.strftime("%Y-%m-%d %H:%M UTC"),
        seconds=time.perf_counter() - t0,
        quick=args.quick,
        repeats=args.repeats,
    )
    out = markdown.write(args.out, text)
    incomplete = [r for r in results if not r.succeeded]
    for r in incomplete:
        log(f"{r.name}: {r.status} — {r.message}")
    log(f"wrote {out}")
    return 1 if incomplete else 0


if __name__ == "__main__":
    sys.exit(main())
