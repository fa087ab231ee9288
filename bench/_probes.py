"""Tiny steps that check the harness itself in a child process (used by the tests).

They live here rather than in the test module so that a spawned child imports only this small
module, not pytest's and hypothesis's, and starts in a fraction of a second.
"""

from __future__ import annotations

import os

from bench.harness import measure


def pid() -> int:
    """The child's process id."""
    return os.getpid()


def allocate(mib: int) -> dict[str, float | bool]:
    """Touch ``3 * mib`` MiB, free it, then touch ``mib`` MiB inside a measured block."""
    before = b"y" * (3 * mib * 1024**2)  # the reset at the start of the block must forget this
    del before
    with measure() as m:
        block = b"x" * (mib * 1024**2)  # bytes multiplication writes every page
        size = len(block)
        del block
    return {"start": m.start_mb, "peak": m.peak_mb, "reset": m.peak_reset, "size": size}


def fail(message: str) -> None:
    """Raise ``KeyError(message)``."""
    raise KeyError(message)


def die() -> None:
    """End the process at once, without an answer."""
    os._exit(3)
