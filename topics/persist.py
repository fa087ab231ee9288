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

import hashlib
import os
import platform
import shutil
import warnings
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from topics._io import read_json, read_versioned, write_json
from topics.errors import ModelFormatError, TopicsError

FORMAT = "topics.model"
#: 2: every component under the common header, the manifest the only index.
SCHEMA_VERSION = 2
MANIFEST = "manifest.json"

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


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _hash_tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): sha256_file(p)
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }


def save_directory(
    path: Path,
    writers: Mapping[str, Callable[[Path], None]],
    manifest: dict[str, Any],
    *,
    force: bool = False,
) -> Path:
    """Write a model directory atomically.

    Each writer receives an empty sub-directory named by its key. Everything is written to a
    temporary sibling first and renamed into place at the end, so a failed or interrupted save
    leaves no half-written model, and an existing model is replaced only with ``force``.

    Parameters
    ----------
    path : Path
        Target directory.
    writers : mapping of str to callable
        Component name → function writing that component into the directory it is given.
    manifest : dict
        JSON-able fields to record; ``schema_version``, ``created``, ``versions``, ``components``
        and ``files`` are filled in here.
    force : bool
        Replace an existing model.

    Returns
    -------
    Path
        The directory written.
    """
    path = check_writable(path, force)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
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
            "files": _hash_tree(tmp),
        }
        write_json(tmp / MANIFEST, full)
        old = None
        if path.exists():
            old = path.parent / f".{path.name}.old-{os.getpid()}"
            path.rename(old)
        tmp.rename(path)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return path


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

    Refuses an unknown schema version, checks the sha256 of every file listed (a tampered or
    truncated file is named), and warns with :class:`VersionDriftWarning` when the installed
    versions of tracked packages differ from those the model was saved with.

    Raises
    ------
    ModelFormatError
        Missing directory or manifest, unknown schema, missing or altered file.
    """
    path = Path(path)
    if not path.is_dir():
        raise ModelFormatError(
            f"{path}: no model directory here", "train one with `topics train --out PATH`"
        )
    manifest = read_json(path / MANIFEST)
    if isinstance(manifest, dict) and "format" not in manifest and "schema_version" in manifest:
        version = manifest["schema_version"]
        raise ModelFormatError(
            f"{path}: saved by topics {manifest.get('versions', {}).get('topics', '0.1.0')} "
            f"(model schema version {version!r}), which this version no longer reads "
            f"(it reads schema version {SCHEMA_VERSION})",
            f"re-train it: `topics train CORPUS --out {path} --force` "
            "(in Python: topics.train(corpus).save(path, force=True))",
        )
    manifest = read_versioned(path / MANIFEST, FORMAT, SCHEMA_VERSION, "topics model manifest")
    if verify:
        files = manifest.get("files", {})
        for rel, expected in files.items():
            file = path / rel
            if not file.is_file():
                raise ModelFormatError(f"{file}: listed in the manifest but missing", "re-train")
            if sha256_file(file) != expected:
                raise ModelFormatError(
                    f"{file}: contents differ from the manifest's sha256 (tampered or truncated)",
                    "re-train the model or restore the file from a trusted copy",
                )
        extra = sorted(set(_hash_tree(path)) - set(files))
        if extra:
            raise ModelFormatError(
                f"{path}: files not listed in the manifest: {', '.join(extra)}",
                "remove them or re-train the model",
            )
    _warn_on_drift(path, manifest.get("versions", {}))
    return manifest


def _warn_on_drift(path: Path, saved: Mapping[str, str | None]) -> None:
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
