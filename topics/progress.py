"""The one progress-callback type: ``progress(message, fraction)``.

Library functions never print; long ones take an optional ``progress`` callable and report what
they are doing, with the fraction done (``None`` when unknown). The CLI draws it on stderr.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, "float | None"], None]


def noop(message: str, fraction: float | None = None) -> None:
    """A progress callback that ignores everything (the default)."""
    return None


def scaled(progress: Progress, start: float, stop: float) -> Progress:
    """A callback reporting ``fraction`` of a sub-step as ``start … stop`` of ``progress``."""

    def inner(message: str, fraction: float | None = None) -> None:
        progress(message, None if fraction is None else start + (stop - start) * fraction)

    return inner
