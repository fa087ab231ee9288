"""Checking an output path before the work that fills it starts."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from topics.errors import TopicsError


def check_output(path: str | Path, *, force: bool = False, folder: bool = False) -> Path:
    """Fail at once, with what to do, when ``path`` cannot be written.

    Checks that ``path`` is of the right kind (a file, or a ``folder`` such as a model
    directory), that an existing one is replaced only with ``force``, and that the nearest
    existing folder above it accepts a new file (a probe file is created and removed, so a
    read-only file system is caught as well as permissions). Nothing else is created.

    Raises
    ------
    TopicsError
        Naming the path and the reason.
    """
    path = Path(path)
    if path.exists():
        if path.is_dir() and not folder:
            raise TopicsError(f"{path} is a folder", f"name a file to write, e.g. {path}/out")
        if folder and not path.is_dir():
            raise TopicsError(f"{path} is a file, not a directory", "choose another path")
        if not force:
            raise TopicsError(f"{path} already exists", "pass --force to replace it")
    existing = path.parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise TopicsError(f"{path}: {existing} is a file, not a folder", "choose another path")
    try:
        with tempfile.TemporaryFile(dir=existing, prefix=".topics-probe-"):
            pass
    except OSError as exc:
        raise TopicsError(
            f"{path}: cannot write in {existing} ({exc.strerror})",
            "choose a writable place, or fix the folder's permissions",
        ) from exc
    return path


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 text through a temporary sibling and a rename: never a half-written file.

    The file gets the usual permissions (``0666`` less the umask): pages and reports are meant
    to be shared.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
