"""Replacing a directory safely: one saver at a time, signals turned into clean-ups, leftovers of
killed saves recovered, and an atomic swap where the system has one.

Used by :func:`topics.persist.save_directory`; nothing here knows what a model is.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

from topics.errors import TopicsError

#: Signals that end a save as an exception (so its clean-up runs) instead of killing it.
SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


def tmp_name(path: Path, kind: str) -> Path:
    """A sibling of ``path`` that only this process uses: ``.NAME.<kind>-<pid>``."""
    return path.parent / f".{path.name}.{kind}-{os.getpid()}"


@contextlib.contextmanager
def save_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on saving to ``path`` (``.NAME.lock`` beside it).

    The lock belongs to the open file, so a save that is killed releases it (its lock file
    stays, harmless, until the next save removes it). A second save to the same path while one
    is under way is refused at once, naming the holder.

    Raises
    ------
    TopicsError
        When another process (or thread) holds the lock.
    """
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; saves are still atomic
        yield
        return
    lock = path.parent / f".{path.name}.lock"
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "another process"
            os.close(fd)
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise
            raise TopicsError(
                f"{path}: another save to it is under way (process {holder})",
                "wait for it to finish, or save to another path",
            ) from None
        try:
            same = os.fstat(fd).st_ino == os.stat(lock).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the holder removed the file as we opened it: take the new one
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        lock.unlink(missing_ok=True)  # while still held, so no one locks a removed file
        os.close(fd)


@contextlib.contextmanager
def signals_as_exceptions() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise :class:`SystemExit` (128 + signal number).

    So an ``except BaseException``/``finally`` clean-up runs when a save is told to stop. Only
    the main thread can set handlers; elsewhere the block runs unchanged.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(number: int, frame: object) -> None:
        raise SystemExit(128 + number)

    previous = {number: signal.signal(number, stop) for number in SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def clear_leftovers(path: Path) -> list[Path]:
    """Remove what killed saves to ``path`` left beside it; put back a model they had moved.

    Call while holding :func:`save_lock`: every ``.NAME.tmp-*`` or ``.NAME.old-*`` sibling is
    then stale. When ``path`` itself is missing, the newest complete ``.NAME.old-*`` (a model
    moved aside by a save killed before it put the new one in place) is renamed back first.

    Returns
    -------
    list of Path
        The leftovers removed or restored.
    """
    own = re.compile(rf"\.{re.escape(path.name)}\.(tmp|old)-\d+")
    leftovers = sorted(
        (p for p in path.parent.iterdir() if own.fullmatch(p.name)),
        key=lambda p: p.lstat().st_mtime,
    )
    handled: list[Path] = []
    if not path.exists():
        olds = [p for p in leftovers if ".old-" in p.name and (p / "manifest.json").is_file()]
        if olds:
            olds[-1].rename(path)
            handled.append(olds[-1])
            leftovers.remove(olds[-1])
    for leftover in leftovers:
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
        handled.append(leftover)
    return handled


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``).

    Returns ``False`` when the system has no such call (the caller then renames twice).
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False  # the call or the file system cannot swap
    raise OSError(code, os.strerror(code), str(a))
