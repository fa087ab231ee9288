"""``python -m bench``: run the benchmark suites and write BENCHMARKS.md.

Each suite's result is kept as JSON (``bench/results/<suite>.json`` for the reference figures), and
BENCHMARKS.md is rendered from the kept results of every suite: a full run renews them all;
``--only`` renews the named suites and keeps the others' figures from their last run, each suite
stating when, at which commit and by which command it was measured. Figures and their baselines
always come from one run of one suite, so every ratio compares measurements taken side by side.

Examples
--------
    python -m bench                          # every suite, full size
    python -m bench --quick                  # every suite on small samples (a few minutes)
    python -m bench --only speed --repeats 5 --out /tmp/BENCHMARKS.md
    python -m bench --only scale --up-to 30000   # the scale suite's sizes up to 30,000
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
        "--up-to",
        type=int,
        default=None,
        metavar="N",
        help="Largest corpus size of the suites that grow one (scale): sizes above N are not "
        "run. Default: every size of the suite.",
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
    parser.add_argument(
        "--results",
        type=Path,
        default=None,
        help="Folder of kept suite results (default: bench/results for the reference "
        "BENCHMARKS.md, bench/out/quick-results for --quick, else <out>-results beside --out).",
    )
    args = parser.parse_args(argv)
    if args.results is None:
        args.results = results_folder(args.out, quick=args.quick)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if args.up_to is not None and args.up_to < 1:
        parser.error("--up-to must be at least 1")
    return args


def results_folder(out: Path, *, quick: bool) -> Path:
    """Where a run keeps its suites' results (see ``--results``)."""
    if out.resolve() == (REPO / "BENCHMARKS.md").resolve():
        return REPO / "bench" / ("out/quick-results" if quick else "results")
    return out.with_name(f"{out.stem}-results")


def main(argv: list[str] | None = None) -> int:
    """Run the suites, write the Markdown file, return the exit status.

    0 when every figure was measured; 1 when a suite failed, was skipped for a missing corpus or
    left figures unmeasured (the file is written either way and says which). Each suite's result
    is kept, and the file re-rendered, as soon as the suite ends, and also after each size of a
    suite that grows a corpus (scale), so a run stopped early still leaves its figures.
    """
    from bench import markdown
    from bench.runner import SuiteResult, load_results, machine, run_suites, save_result

    args = parse_args(argv)
    names = args.only or list(SUITES)
    corpora = (args.corpora or default_corpora()).resolve()
    command = ("python -m bench " + shlex.join(sys.argv[1:] if argv is None else argv)).strip()
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    log(f"suites {', '.join(names)}; corpora {corpora}; writing {args.out}")
    if not corpora.is_dir():
        log(f"corpora folder not found: {corpora} (set TOPICS_CORPORA or pass --corpora)")
    info = machine()

    def keep(result: SuiteResult) -> None:
        result.command = command
        save_result(result, args.results)
        kept = load_results(args.results)
        text = markdown.render(
            [kept[name] for name in SUITES if name in kept],
            machine=info,
            command=command,
            date=started.strftime("%Y-%m-%d %H:%M UTC"),
            seconds=time.perf_counter() - t0,
            quick=args.quick,
            repeats=args.repeats,
        )
        markdown.write(args.out, text)

    results = run_suites(
        names, corpora, quick=args.quick, repeats=args.repeats, up_to=args.up_to, keep=keep
    )
    incomplete = [r for r in results if not r.succeeded]
    for r in incomplete:
        log(f"{r.name}: {r.status} — {r.message}")
    log(f"wrote {args.out}")
    return 1 if incomplete else 0


if __name__ == "__main__":
    sys.exit(main())
