"""The model directory: a versioned manifest, sha256 of every file, atomic writes, safe loading.

Layout (one directory per model, spaCy-style)::

    models/NAME/
      manifest.json        the index: format and schema version, package versions, seed,
                           corpus fingerprint, parameters, metrics, the components and the
                           sha256 of every other file
      <component>/...      one sub-directory per component, written by its own ``save``

Every JSON file that describes a component starts with the same header as the manifest
(``"format": "topics.<component>"``, ``"schema_version"``), read by one function
(:func:`topics._io.read_versioned`). Nothing here unpickles: components write JSON and ``.npz``
arrays (read without pickle).

Models saved by topics 0.1.0 (manifest ``schema_version`` 1, without ``format``) are refused
with a message saying how to re-train them: their components used four other header shapes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import platform
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from topics._io import write_json
from topics._manifest import (
    DIGEST,
    FORMAT,
    MANIFEST,
    SCHEMA_VERSION,
    hash_tree,
    manifest_digest,
    parse_manifest,
    seal,
    sha256_file,
)
from topics._replace import (
    clear_leftovers,
    exchange,
    save_lock,
    signals_as_exceptions,
    tmp_name,
)
from topics.errors import ModelFormatError, TopicsError

__all__ = [
    "DIGEST",
    "FORMAT",
    "MANIFEST",
    "SCHEMA_VERSION",
    "VersionDriftWarning",
    "check_writable",
    "manifest_digest",
    "package_versions",
    "read_manifest",
    "save_directory",
    "seal",
    "sha256_file",
    "snapshot",
    "warn_on_drift",
]

#: Distributions whose versions are recorded, and compared on load.
TRACKED_PACKAGES = (
    "topics",
    "numpy",
    "scipy",
    "pandas",
    "scikit-learn",
    "bertopic",
    "umap-learn",
    "hdbscan",
)


class VersionDriftWarning(UserWarning):
    """A model is loaded with other versions of its dependencies than it was saved with."""


def package_versions() -> dict[str, str | None]:
    """Installed versions of the tracked distributions (``None`` when absent)."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in TRACKED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def save_directory(
    path: Path,
    writers: Mapping[str, Callable[[Path], None]],
    manifest: dict[str, Any],
    *,
    force: bool = False,
) -> Path:
    """Write a model directory atomically.

    Each writer receives an empty sub-directory named by its key. Everything is written to a
    temporary sibling first and swapped into place at the end (in one step on Linux), so a
    failed or interrupted save leaves no half-written model, a load sees the old model or the
    new one, and an existing model is replaced only with ``force``.

    One save at a time: saves to the same path take a lock (``.NAME.lock``), and a second one
    is refused while the first runs. SIGTERM and SIGHUP during the save remove its temporary
    files before the process ends; the leftovers of a save killed outright (``.NAME.tmp-PID``,
    ``.NAME.old-PID``) are cleared, or a model they had moved aside is put back, by the next.

    Parameters
    ----------
    path : Path
        Target directory.
    writers : mapping of str to callable
        Component name → function writing that component into the directory it is given.
    manifest : dict
        JSON-able fields to record; ``format``, ``schema_version``, ``created``, ``versions``,
        ``components``, ``files`` and ``manifest_sha256`` are filled in here.
    force : bool
        Replace an existing model.

    Returns
    -------
    Path
        The directory written.

    Raises
    ------
    TopicsError
        The path exists (without ``force``), is not a model, is being saved by another process,
        or cannot be written.
    """
    path = check_writable(path, force)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with save_lock(path), signals_as_exceptions():
            clear_leftovers(path)
            check_writable(path, force)  # again under the lock: another save may have finished
            _write_and_swap(path, writers, manifest)
    except OSError as exc:
        raise TopicsError(
            f"{path}: cannot write the model ({exc.strerror or exc})",
            "check the free space and the permissions, or save elsewhere",
        ) from exc
    return path


def _write_and_swap(
    path: Path, writers: Mapping[str, Callable[[Path], None]], manifest: dict[str, Any]
) -> None:
    tmp = tmp_name(path, "tmp")
    tmp.mkdir()
    try:
        for name, write in writers.items():
            sub = tmp / name
            sub.mkdir()
            write(sub)
        full = {
            "format": FORMAT,
            "schema_version": SCHEMA_VERSION,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "versions": package_versions(),
            **manifest,
            "components": sorted(writers),
            "files": hash_tree(tmp),
        }
        write_json(tmp / MANIFEST, seal(full))
        if not path.exists():
            tmp.rename(path)
        elif exchange(tmp, path):
            shutil.rmtree(tmp)  # it now holds the old model
        else:
            old = tmp_name(path, "old")
            path.rename(old)
            tmp.rename(path)
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def check_writable(path: str | Path, force: bool = False) -> Path:
    """Refuse a model path that exists (without ``force``), cannot be written, or is a
    directory that is not a model (:func:`topics._paths.check_output`, ``folder=True``).

    Called before training, so that a long fit is not wasted on a path that cannot be written.
    """
    from topics._paths import check_output

    path = check_output(path, force=force, folder=True)
    if path.exists() and not (path / MANIFEST).is_file():
        raise TopicsError(
            f"{path} exists and is not a model directory", "choose another path or remove it"
        )
    return path


def read_manifest(path: Path, *, verify: bool = True) -> dict[str, Any]:
    """Read and check a model directory's manifest.

    Refuses an unknown schema version and a manifest edited after the save (its own sha256),
    checks its shape, with ``verify`` checks the sha256 of every file listed (a tampered or
    truncated file is named), and warns with :class:`VersionDriftWarning` when the installed
    versions of tracked packages differ from those the model was saved with.

    Raises
    ------
    ModelFormatError
        Missing directory or manifest, unknown schema, edited manifest, missing or altered file.
    """
    path = Path(path)
    if not verify:
        manifest = parse_manifest(path, _manifest_bytes(path))
    else:
        with snapshot(path) as (_copy, manifest):
            pass
    warn_on_drift(path, manifest.get("versions", {}))
    return manifest


@contextlib.contextmanager
def snapshot(path: str | Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    """A private, verified copy of a model directory, removed when the block ends.

    Every file the manifest lists is read once, checked against its sha256, and written to a
    temporary directory; components are then loaded from that copy. So a model replaced while
    it is read gives the old model, the new one (the read is retried when the manifest changed
    under it), or a clear error — never components of two versions.

    Yields
    ------
    (Path, dict)
        The copy's directory and the checked manifest.
    """
    path = Path(path)
    copy = Path(tempfile.mkdtemp(prefix="topics-model-", dir=_memory_dir()))
    try:
        manifest = _copy_verified(path, copy)
        yield copy, manifest
    finally:
        shutil.rmtree(copy, ignore_errors=True)


def _memory_dir() -> str | None:
    """A RAM-backed folder for snapshots when the system has one (``/dev/shm``), else the
    default temporary folder: creating and removing a copy then costs next to nothing."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else None


class _Changed(Exception):
    """A file did not match the manifest read: damaged, or replaced meanwhile."""

    def __init__(self, error: ModelFormatError) -> None:
        super().__init__(str(error))
        self.error = error


#: Attempts at reading a model that is being replaced, and the pause between two.
ATTEMPTS = 5
PAUSE = 0.05


def _copy_verified(path: Path, copy: Path) -> dict[str, Any]:
    for _attempt in range(ATTEMPTS):
        raw = _manifest_bytes(path, wait=True)
        manifest = parse_manifest(path, raw)
        try:
            _copy_files(path, copy, manifest["files"])
            return manifest
        except _Changed as changed:
            try:
                unchanged = _manifest_bytes(path) == raw
            except ModelFormatError:
                unchanged = False
            if unchanged:
                raise changed.error from None
            for child in copy.iterdir():  # replaced while read: start again from the new one
                shutil.rmtree(child) if child.is_dir() else child.unlink()
            time.sleep(PAUSE)
    raise ModelFormatError(
        f"{path}: the model was replaced {ATTEMPTS} times while it was read",
        "load it again when the saves have finished",
    )


def _manifest_bytes(path: Path, wait: bool = False) -> bytes:
    """The manifest's bytes; with ``wait``, a model missing while a save is under way (the short
    gap of a save on a system without an atomic swap) is waited for, up to a second."""
    file = path / MANIFEST
    for _ in range(20 if wait else 1):
        try:
            return file.read_bytes()
        except FileNotFoundError:
            if not any(path.parent.glob(f".{path.name}.*-*")):
                break
            time.sleep(PAUSE)
        except OSError as exc:
            raise ModelFormatError(f"{file}: cannot read ({exc.strerror})") from exc
    if not path.is_dir():
        raise ModelFormatError(
            f"{path}: no model directory here", "train one with `topics train --out PATH`"
        )
    raise ModelFormatError(f"{file}: file is missing", "re-train or re-copy the model")


def _copy_files(path: Path, copy: Path, files: Mapping[str, str]) -> None:
    for rel, expected in files.items():
        source = path / rel
        try:
            data = source.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise _Changed(
                ModelFormatError(f"{source}: listed in the manifest but missing", "re-train")
            ) from None
        except OSError as exc:
            raise ModelFormatError(f"{source}: cannot read ({exc.strerror})") from exc
        if hashlib.sha256(data).hexdigest() != expected:
            raise _Changed(
                ModelFormatError(
                    f"{source}: contents differ from the manifest's sha256 (tampered or truncated)",
                    "re-train the model or restore the file from a trusted copy",
                )
            )
        target = copy / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    try:
        listed = hash_tree(path, hashes=False)
    except OSError as exc:  # a folder vanished while walked: the model is being replaced
        raise _Changed(
            ModelFormatError(f"{path}: changed while it was read ({exc.strerror})")
        ) from None
    extra = sorted(set(listed) - set(files))
    if extra:
        raise _Changed(
            ModelFormatError(
                f"{path}: files not listed in the manifest: {', '.join(extra)}",
                "remove them or re-train the model",
            )
        )


def warn_on_drift(path: Path, saved: Mapping[str, str | None]) -> None:
    """Warn (:class:`VersionDriftWarning`) when tracked package versions differ from ``saved``."""
    current = package_versions()
    drift = [
        f"{name} {saved[name]} → {current.get(name)}"
        for name in TRACKED_PACKAGES
        if name in saved and saved[name] != current.get(name)
    ]
    if drift:
        warnings.warn(
            f"{path}: saved with other package versions ({'; '.join(drift)}); "
            "predictions may differ — re-train to be sure",
            VersionDriftWarning,
            stacklevel=3,
        )
