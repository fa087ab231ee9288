"""Update a model with new releases and keep its topics' identity: :func:`update`
(``topics.update``, the ``topics update`` command).

1. The given releases are split by id into those the model already holds and the new ones.
   Nothing new (and no changed gold label) gives ``UpdateResult.nothing_new`` and the same
   model: an update is idempotent.
2. The topic model is refit on the held releases plus the new ones (scheme ``"warm"`` by
   default, ``"full"`` on request; see :mod:`topics.topic_model._refit`), and its topics are
   matched to the parent's (:mod:`topics.topic_model._lineage`): a matched topic keeps its
   stable id, a new one gets a new id, an unmatched parent topic is kept as retired.
3. The theme classifier is refit on held + new releases when gold labels come with the update
   (or ``refit_themes=True``): its targets are the stored ones for held releases (their gold
   labels kept), weak labels from the taxonomy for new ones, and the gold labels given.
   Without gold labels the new releases' targets would be the taxonomy's own rules, which the
   classifier already embodies, so it is kept and the held releases' theme tags stay exactly
   as they were. Label classifiers are refit when the new releases carry their column.
4. The manifest records the lineage: parent model (path and sha256 of its manifest), what was
   added (releases, their fingerprint and dates) and when.

The parent is never modified: the result is a new :class:`~topics.model.Model`, saved wherever
the caller says (the CLI refuses to overwrite without ``--force``; saves are atomic).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from topics.corpus import schema
from topics.errors import TopicsError, TrainingError
from topics.progress import Progress, noop, scaled

if TYPE_CHECKING:
    import pandas as pd

    from topics.corpus import Corpus
    from topics.model import Model


@dataclass(frozen=True)
class UpdateResult:
    """What :func:`update` did.

    Attributes
    ----------
    model : Model
        The updated model (the parent itself when nothing was new).
    nothing_new : bool
        No release was new and no gold label changed: ``model`` is the parent, unchanged.
    added : int
        Releases new to the model.
    held : int
        Given releases the model already held (left as they were).
    matched, new, retired : list of int
        Stable ids of the topics continued, created and retired by this update.
    refit : dict
        What was refit and how (``themes``, ``labels``, ``topics``).
    path : Path or None
        Where the updated model was saved by :func:`update` (``out``), else None.
    """

    model: Model
    nothing_new: bool
    added: int
    held: int
    matched: list[int] = field(default_factory=list)
    new: list[int] = field(default_factory=list)
    retired: list[int] = field(default_factory=list)
    refit: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None


def update(
    model: Model | str | Path,
    corpus: Corpus | str | Path | list | None = None,
    *,
    out: str | Path | None = None,
    force: bool = False,
    gold_themes: pd.DataFrame | str | Path | None = None,
    refit_themes: bool | None = None,
    scheme: str = "warm",
    progress: Progress | None = None,
    **corpus_options: Any,
) -> UpdateResult:
    """Learn from the releases of ``corpus`` the model does not hold yet (``topics update``).

    Parameters
    ----------
    model : Model or path
        From :func:`topics.train` or :func:`topics.load`, or its directory; never modified.
    corpus : Corpus, path or sequence of paths
        New releases (read with :func:`topics.load_corpus` and ``corpus_options`` when paths);
        releases the model already holds (same id) may be among them.
    out : path, optional
        Where to save the updated model (refused before any work if it exists, unless
        ``force``; never the parent's directory). Nothing is written when nothing is new.
    force : bool
        Replace an existing model at ``out``.
    gold_themes : DataFrame (n_documents, n_themes), GoldLabels or path, optional
        Hand-coded theme labels (1 / 0, NaN for "unsure") indexed by release id, of new or held
        releases, or a labels file (CSV/JSON, read with :func:`topics.themes.read_labels`
        against the held and the new releases: ids or titles of either).
    refit_themes : bool, optional
        Refit the theme classifier; by default only when gold labels change a target.
    scheme : {"warm", "full", "fresh"}
        How the topic model is refit (see :mod:`topics.topic_model._refit`): ``"warm"`` keeps
        the parent's embedding and vocabulary (cheap); ``"full"`` refits them and the
        clustering from scratch, seeded with the parent's topics; ``"fresh"`` takes the new
        clustering as it is (more topics re-cut, fewer keep their id).
    progress : callable, optional
        ``progress(message, fraction)``.

    Returns
    -------
    UpdateResult
        ``.path`` is where the updated model was saved (None when not saved).

    Raises
    ------
    TrainingError
        The model keeps no releases (trained before models kept them), or has no topic model.
    TopicsError
        ``out`` exists (without ``force``) or is the parent's directory.
    """
    from topics.corpus import as_corpus
    from topics.model import as_model
    from topics.persist import check_writable

    if scheme not in ("warm", "full", "fresh"):
        raise ValueError(f"scheme must be 'warm', 'full' or 'fresh', got {scheme!r}")
    say = progress or noop
    if out is not None:
        parent_dir = model if isinstance(model, str | Path) else getattr(model, "path", None)
        if parent_dir is not None and Path(out).resolve() == Path(parent_dir).resolve():
            raise TopicsError(
                f"{out} is the model being updated", "save the update elsewhere (--out)"
            )
        check_writable(out, force)
    say("loading the model", 0.0)
    model = as_model(model)
    say("reading the new releases", 0.02)
    corpus = as_corpus(corpus, corpus_options)
    result = _update(model, corpus, gold_themes, refit_themes, scheme, scaled(say, 0.05, 0.97))
    if out is not None and not result.nothing_new:
        say("saving the model", 0.98)
        result = replace(result, path=result.model.save(out, force=force))
    return result


def _update(
    model: Model,
    corpus: Corpus,
    gold_themes: Any,
    refit_themes: bool | None,
    scheme: str,
    progress: Progress,
) -> UpdateResult:
    import pandas as pd

    from topics.releases import gold_of, release_table
    from topics.updating._parts import (
        context_values,
        label_values,
        read_gold,
        refit_labels,
        refit_themes_on,
        senders_of,
        with_gold,
    )
    from topics.updating._record import update_manifest

    say = progress or noop
    if model.releases is None or model.topic_model is None or model.lineage is None:
        raise TrainingError(
            "this model cannot be updated: it keeps no training releases or no topic model",
            "re-train it with this version of topics (`topics train ... --force`)",
        )
    held_table = model.releases.table
    frame = corpus.documents()
    frame = frame[~frame[schema.ID].astype(str).duplicated()]
    is_held = frame[schema.ID].astype(str).isin(set(held_table["id"]))
    new = frame[~is_held].reset_index(drop=True)
    senders = senders_of(model, held_table, new)
    if isinstance(gold_themes, str | Path):
        gold_themes = read_gold(Path(gold_themes), model, held_table, new)
    gold, gold_changed, gold_new = with_gold(gold_of(held_table), new, gold_themes, model)
    if not len(new) and not gold_changed:
        return UpdateResult(model, True, 0, int(is_held.sum()))

    texts_old = held_table["text"].tolist()
    texts = [*texts_old, *schema.model_texts(new)]
    refit_info: dict[str, Any] = {}
    themes, validation = model.themes, None
    refit_themes = bool(gold_changed or gold_new) if refit_themes is None else refit_themes
    if refit_themes:
        themes, validation = refit_themes_on(model, texts, gold, say)
    refit_info["themes"] = "refit" if refit_themes else "kept (no gold label changed)"
    labels, refit_info["labels"] = refit_labels(model, held_table, new, texts)

    say("refitting the topic model", 0.3)
    from topics.topic_model._refit import refit

    topic_model, match, how = refit(
        model.topic_model,
        texts_old,
        texts[len(texts_old) :],
        scheme=scheme,
        old_embeddings=model.releases.embeddings,
        senders=senders,
        progress=scaled(say, 0.3, 0.85),
    )
    embeddings = topic_model.__dict__.pop("training_embeddings_", None)
    say("tagging the topics' themes", 0.88)
    from topics.themes import topic_themes

    topic_model.topic_themes_ = topic_themes(
        topic_model.labels_, themes.predict(texts), model.taxonomy.ids, topic_model.n_topics_
    )
    refit_info["topics"] = how
    dates = pd.concat([held_table["date"], new[schema.DATE]], ignore_index=True)
    lineage = model.lineage.advance(match, topic_model, dates)

    releases = release_table(
        gold.index.tolist(),
        dates,
        [*held_table["title"], *new[schema.TITLE]],
        texts,
        gold,
        senders,
        label_values(model, held_table, new, labels),
        context_values(model, held_table, new),
        embeddings,
    )
    say("recording the lineage", 0.95)
    manifest = update_manifest(
        model, new, releases.table, dates, lineage, refit_info, themes, topic_model, validation
    )
    from topics.model import Model

    updated = Model(model.taxonomy, themes, labels, topic_model, manifest, None, releases, lineage)
    say("done", 1.0)
    return UpdateResult(
        model=updated,
        nothing_new=False,
        added=len(new),
        held=int(is_held.sum()),
        matched=[model.lineage.ids[p] for p, _, _ in match.pairs],
        new=[lineage.ids[c] for c in match.new],
        retired=[model.lineage.ids[p] for p in match.retired],
        refit=refit_info,
    )
