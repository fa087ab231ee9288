"""What a model manifest is: its header, its own digest, its shape, the sha256 of its files.

Shared by the save (:func:`topics.persist.save_directory`) and the verified load
(:func:`topics.persist.snapshot`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from topics._io import read_versioned
from topics.errors import ModelFormatError

FORMAT = "topics.model"
#: 2: every component under the common header, the manifest the only index.
#: 3: the manifest carries the sha256 of its own canonical form (``manifest_sha256``).
SCHEMA_VERSION = 3
#: Key of the manifest's own digest.
DIGEST = "manifest_sha256"
_HEX64 = re.compile(r"[0-9a-f]{64}")
MANIFEST = "manifest.json"


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def hash_tree(root: Path, *, hashes: bool = True) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): sha256_file(p) if hashes else ""
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.relative_to(root).as_posix() != MANIFEST
    }


def manifest_digest(manifest: Mapping[str, Any]) -> str:
    """sha256 of the canonical JSON of a manifest (sorted keys, no spaces), its digest left out."""
    body = {k: v for k, v in manifest.items() if k != DIGEST}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def seal(manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest with its digest (``manifest_sha256``) set."""
    return {**manifest, DIGEST: manifest_digest(manifest)}


def parse_manifest(path: Path, raw: bytes) -> dict[str, Any]:
    """The manifest's JSON, its header, its own digest and its shape, checked."""
    file = path / MANIFEST
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFormatError(
            f"{file}: not valid JSON ({exc})", "the file is damaged; re-train the model"
        ) from exc
    if isinstance(manifest, dict) and "format" not in manifest and "schema_version" in manifest:
        version = manifest["schema_version"]
        raise ModelFormatError(
            f"{path}: saved by topics {manifest.get('versions', {}).get('topics', '0.1.0')} "
            f"(model schema version {version!r}), which this version no longer reads "
            f"(it reads schema version {SCHEMA_VERSION})",
            f"re-train it: `topics train CORPUS --out {path} --force` "
            "(in Python: topics.train(corpus).save(path, force=True))",
        )
    manifest = read_versioned(file, FORMAT, SCHEMA_VERSION, "topics model manifest", data=manifest)
    if manifest.get(DIGEST) != manifest_digest(manifest):
        what = "carries no digest" if DIGEST not in manifest else "was edited after the save"
        raise ModelFormatError(
            f"{file}: the manifest {what} (its {DIGEST} does not match its contents)",
            "re-train the model or restore the directory from a trusted copy",
        )
    check_shape(file, manifest)
    return manifest


def check_shape(file: Path, manifest: dict[str, Any]) -> None:
    def bad(what: str) -> ModelFormatError:
        return ModelFormatError(f"{file}: {what}", "re-train the model")

    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        raise bad(f'"files" must map each file of the model to its sha256, not {files!r:.40}')
    for rel, digest in files.items():
        parts = Path(rel).parts
        if Path(rel).is_absolute() or ".." in parts or "\\" in rel or rel == MANIFEST:
            raise bad(f'"files" names {rel!r}, outside the model directory')
        if not isinstance(digest, str) or not _HEX64.fullmatch(digest):
            raise bad(f'"files" gives {rel!r} no sha256')
    components = manifest.get("components")
    if not isinstance(components, list) or not all(isinstance(c, str) for c in components):
        raise bad('"components" must be a list of names')
    columns = manifest.get("label_columns", [])
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise bad('"label_columns" must be a list of column names')
    saved = sorted(c[len("label-") :] for c in components if c.startswith("label-"))
    if sorted(columns) != saved:
        raise bad(f'"label_columns" {columns} does not match the label components {saved}')
    missing = [c for c in components if not any(r.startswith(f"{c}/") for r in files)]
    if missing:
        raise bad(f"component(s) {', '.join(missing)} have no file")
