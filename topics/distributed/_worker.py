"""The model on a worker: loaded once per worker process, checked against the client's."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from topics.errors import ModelFormatError

if TYPE_CHECKING:
    from topics.model import Model

#: (model directory, manifest sha256) → the model loaded in this process.
_LOADED: dict[tuple[str, str], Model] = {}

ModelRef = tuple[str, str]


def model_ref(path: str | Path) -> ModelRef:
    """What a task names the model by: its absolute directory and its manifest's sha256.

    The client verifies every file of the model here (:func:`topics.persist.read_manifest`);
    each worker loads it with :func:`topics.load` (hash-checked, offline, no pickle) and refuses
    a model whose manifest differs from the client's (replaced while the cluster ran).
    """
    from topics.persist import read_manifest

    path = Path(path).resolve()
    return str(path), str(read_manifest(path, verify=True)["manifest_sha256"])


def worker_model(ref: ModelRef) -> Model:
    """The model of ``ref``, loaded the first time this worker process needs it."""
    if ref not in _LOADED:
        from topics.model import load

        model = load(ref[0])
        if model.manifest.get("manifest_sha256") != ref[1]:
            raise ModelFormatError(
                f"{ref[0]}: the model on the workers is not the one the client checked "
                "(replaced while the cluster ran, or another file system)",
                "run again once the model is in place, on a path every worker sees",
            )
        _LOADED.clear()  # one model at a time per worker
        _LOADED[ref] = model
    return _LOADED[ref]
