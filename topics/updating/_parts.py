"""The parts of an update that refit the theme tagger and the label classifiers, and the
columns (senders, gold codes, labels, context) of the release table they are refit on."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from topics.corpus import schema
from topics.errors import TrainingError
from topics.progress import Progress, scaled

if TYPE_CHECKING:
    import pandas as pd

    from topics.model import Model


def senders_of(model: Model, held: pd.DataFrame, new: pd.DataFrame) -> list[str]:
    """Each release's sender (held, then new), by the column the model was trained with."""
    column = model.manifest.get("parameters", {}).get("sender_column") or schema.SOURCE
    if column not in new.columns:
        raise TrainingError(
            f"the new releases have no column {column!r} (the model's sender column; they have: "
            f"{', '.join(map(str, new.columns))})",
            f"give the new releases a {column!r} column",
        )
    values = ["" if v is None else str(v) for v in new[column]]
    return [*held["sender"].tolist(), *values]


def read_gold(path: Path, model: Model, held: pd.DataFrame, new: pd.DataFrame):
    """A labels file read against held and new releases (ids or titles of either)."""
    import pandas as pd

    from topics.themes import read_labels

    both = pd.concat(
        [held[["id", "title"]], new[[schema.ID, schema.TITLE]].astype(object)], ignore_index=True
    )
    return read_labels(path, both, model.taxonomy.ids)


def with_gold(old: pd.DataFrame, new: pd.DataFrame, given: Any, model: Model):
    """Gold codes of held + new releases (1 / 0 / NaN), whether the given codes change a held
    release's, and whether they code a new release."""
    import numpy as np
    import pandas as pd

    ids = pd.Index([*old.index.astype(str), *new[schema.ID].astype(str)])
    columns = list(model.taxonomy.ids)
    gold = old.reindex(columns=columns).reindex(ids)  # new releases: NaN (not coded)
    changed = coded_new = False
    if given is not None:
        codes = given.codes if hasattr(given, "codes") else given.astype(float)
        codes = codes.copy()
        codes.index = codes.index.astype(str)
        codes = codes.reindex(columns=columns).astype(float)
        codes = codes[codes.index.isin(ids)]
        before = gold.loc[codes.index].to_numpy()
        after = np.where(np.isnan(codes.to_numpy()), before, codes.to_numpy())
        differs = ~((before == after) | (np.isnan(before) & np.isnan(after)))
        held = codes.index.isin(old.index.astype(str))
        changed = bool(differs[held].any())
        coded_new = bool(np.isfinite(codes.to_numpy()[~held]).any())
        gold.loc[codes.index] = after
    return gold, changed, coded_new


def refit_themes_on(model: Model, texts: list[str], gold: pd.DataFrame, say: Progress):
    """The theme tagger refit on held + new releases with every gold code, and its held-out
    validation on the coded releases (as ``topics.train`` measures it)."""
    import numpy as np
    from sklearn.base import clone

    from topics.training import _validate

    say("refitting the theme tagger", 0.05)
    seed = model.manifest.get("seed", 0)
    tagger = clone(model.themes).set_params(taxonomy=model.taxonomy, random_state=seed)
    G = gold.to_numpy(dtype=float)
    tagger.fit(texts, G, progress=scaled(say, 0.05, 0.2))
    coded = gold[np.isfinite(G).any(axis=1)]
    validation = None
    if len(coded):
        say("measuring the tagger on the coded releases (held-out folds)", 0.2)
        validation = _validate(tagger, coded, gold, texts, seed)
    return tagger, validation


def refit_labels(model: Model, table: pd.DataFrame, new: pd.DataFrame, texts: list[str]):
    """Label classifiers refit on held + new releases when the new ones carry the column."""
    from sklearn.base import clone

    from topics.releases import labels_of

    labels, info = dict(model.labels), {}
    context = context_values(model, table, new)
    for column, clf in model.labels.items():
        stored = labels_of(table, column)
        if column not in new.columns or stored is None or context is None:
            info[column] = "kept (the new releases have no such column)"
            continue
        values = stored + new[column].tolist()
        try:
            labels[column] = clone(clf).fit(texts, values, context=context)
        except TrainingError as exc:
            raise TrainingError(f"label column {column!r}: {exc.message}", exc.hint) from exc
        info[column] = "refit"
    return labels, info


def label_values(model: Model, table: pd.DataFrame, new: pd.DataFrame, labels: dict):
    """Training labels of the label classifiers that were refit (held, then new)."""
    from topics.releases import labels_of

    return {
        c: labels_of(table, c) + new[c].tolist()
        for c in labels
        if labels[c] is not model.labels.get(c) and labels_of(table, c) is not None
    }


def context_values(model: Model, table: pd.DataFrame, new: pd.DataFrame):
    """Context columns of the label classifiers (held, then new), or None when one is missing."""
    from topics.releases import context_of

    columns = model.manifest.get("parameters", {}).get("context_columns", [])
    out: dict[str, list[str]] = {}
    if not model.labels:
        return out
    for column in columns:
        stored = context_of(table, column)
        if stored is None or column not in new.columns:
            return None
        out[column] = [*stored, *("" if v is None else str(v) for v in new[column])]
    return out
