"""Safe on-disk primitives shared by every saved component: JSON, arrays, scikit-learn objects.

Nothing here unpickles: scikit-learn objects go through ``skops.io`` with an explicit list of
trusted types, arrays through ``numpy.savez`` with ``allow_pickle=False``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from topics.errors import ModelFormatError


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as UTF-8 JSON with sorted keys (stable bytes for stable hashes)."""
    path.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", "utf-8")


def read_json(path: Path) -> Any:
    """Read a JSON file, turning a missing or corrupt file into a :class:`ModelFormatError`."""
    try:
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise ModelFormatError(f"{path}: file is missing", "re-train or re-copy the model") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFormatError(
            f"{path}: not valid JSON ({exc})", "the file is damaged; re-train the model"
        ) from exc


def save_arrays(path: Path, **arrays: np.ndarray) -> None:
    """Save named arrays to an ``.npz`` file (no object arrays)."""
    with path.open("wb") as fh:
        np.savez(fh, **{k: np.asarray(v) for k, v in arrays.items()})


def load_arrays(path: Path) -> dict[str, np.ndarray]:
    """Load every array of an ``.npz`` file without allowing pickled objects."""
    try:
        with np.load(path, allow_pickle=False) as data:
            return {k: data[k] for k in data.files}
    except FileNotFoundError as exc:
        raise ModelFormatError(f"{path}: file is missing", "re-train or re-copy the model") from exc
    except (ValueError, OSError, EOFError) as exc:
        raise ModelFormatError(
            f"{path}: cannot read arrays ({exc})", "the file is damaged; re-train the model"
        ) from exc


def forget_dropped_terms(vectorizer: Any) -> Any:
    """Drop a fitted scikit-learn text vectorizer's ``stop_words_`` and return it.

    ``stop_words_`` lists every term cut by ``min_df``/``max_df``/``max_features``: on a large
    corpus with bigrams it holds millions of strings and dominates the saved model, yet
    ``transform`` never reads it (scikit-learn documents it as safe to remove).
    """
    if hasattr(vectorizer, "stop_words_"):
        vectorizer.stop_words_ = None
    return vectorizer


def dump_estimator(estimator: Any, path: Path) -> None:
    """Serialise a scikit-learn object with ``skops.io`` (no pickle)."""
    import skops.io as sio

    sio.dump(estimator, path)


def load_estimator(path: Path, trusted: Iterable[str]) -> Any:
    """Load a ``skops.io`` file, refusing any type outside ``trusted``.

    Parameters
    ----------
    path : Path
        The ``.skops`` file.
    trusted : iterable of str
        Fully qualified type names the caller expects (e.g. ``"sklearn.svm._classes.LinearSVC"``).
        skops' own defaults (numpy, builtins, most of scikit-learn) are trusted as well.

    Raises
    ------
    ModelFormatError
        If the file is missing, damaged, or holds a type outside ``trusted``.
    """
    import skops.io as sio

    trusted = sorted(set(trusted))
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except FileNotFoundError as exc:
        raise ModelFormatError(f"{path}: file is missing", "re-train or re-copy the model") from exc
    except Exception as exc:  # zipfile.BadZipFile, KeyError, json errors from a damaged file
        raise ModelFormatError(
            f"{path}: cannot read ({type(exc).__name__}: {exc})",
            "the file is damaged or truncated; re-train the model",
        ) from exc
    unexpected = sorted(set(untrusted) - set(trusted))
    if unexpected:
        raise ModelFormatError(
            f"{path}: holds types that are not on the trusted list: {', '.join(unexpected)}",
            "only load models from a source you trust; re-train the model",
        )
    try:
        return sio.load(path, trusted=trusted)
    except Exception as exc:
        raise ModelFormatError(
            f"{path}: cannot load ({type(exc).__name__}: {exc})",
            "the file is damaged or truncated; re-train the model",
        ) from exc
