"""Stable topic ids across model updates: :class:`TopicLineage`.

A topic model numbers its topics 0..K-1 in its own order. The lineage gives each of them a
*stable id* that survives updates: a refit topic matched to a parent topic keeps the parent's
id (and its record), a new topic gets the next unused id (ids of retired topics are never
reused), and a parent topic with no successor stays in the record as *retired*, with the period
of its last release. Each model carries its lineage (component ``lineage/``); a freshly trained
model's stable ids are its topic numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from topics._io import read_versioned, write_versioned
from topics.errors import ModelFormatError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from topics.topic_model._lineage import Match

FORMAT = "topics.lineage"
SCHEMA_VERSION = 1
FILE = "lineage.json"


@dataclass
class TopicLineage:
    """Stable ids and history of the topics of a model and of its ancestors.

    Attributes
    ----------
    ids : list of int
        Stable id of each topic of the topic model, in the topic model's order.
    topics : dict of int to dict
        Every topic ever held, by stable id: ``label``, ``terms``, ``size`` (releases in the
        latest model that held it), ``born`` (generation that created it), ``first_date`` and
        ``last_date`` (its first and last dated release), ``status`` (``"active"`` or
        ``"retired"``), ``retired`` (generation that retired it, or None), ``similarity``
        (to its predecessor at the latest match, or None).
    generation : int
        0 for a trained model, +1 per update.
    next_id : int
        The next stable id to give (larger than every id ever given).
    """

    ids: list[int]
    topics: dict[int, dict[str, Any]] = field(default_factory=dict)
    generation: int = 0
    next_id: int = 0

    @classmethod
    def root(cls, topic_model: Any, dates: pd.Series) -> TopicLineage:
        """The lineage of a freshly fitted topic model: stable id = topic number."""
        ids = list(range(int(topic_model.n_topics_)))
        lineage = cls(ids=ids, generation=0, next_id=len(ids))
        lineage._describe(topic_model, dates, {k: None for k in ids}, born=0)
        return lineage

    def stable(self, topic_numbers: np.ndarray) -> np.ndarray:
        """Map topic numbers of the topic model to stable ids."""
        import numpy as np

        return np.asarray(self.ids, dtype=np.int64)[np.asarray(topic_numbers, dtype=np.int64)]

    def retired(self) -> list[dict[str, Any]]:
        """Records of the retired topics, by stable id."""
        return [
            {"topic": k, **r} for k, r in sorted(self.topics.items()) if r["status"] == "retired"
        ]

    def status(self, topic: int) -> str:
        """``"new"`` (created by the latest update), ``"active"`` or ``"retired"``."""
        record = self.topics[topic]
        if record["status"] == "retired":
            return "retired"
        return "new" if self.generation > 0 and record["born"] == self.generation else "active"

    def advance(self, match: Match, topic_model: Any, dates: pd.Series) -> TopicLineage:
        """The lineage of a refit of this lineage's model.

        Parameters
        ----------
        match : Match
            Parent topic numbers ↔ refit topic numbers.
        topic_model : TopicModel
            The refit (its ``labels_`` aligned with ``dates``).
        dates : Series
            Date of every release the refit was fitted on, in its order.
        """
        import copy

        generation = self.generation + 1
        ids: list[int] = [-1] * int(topic_model.n_topics_)
        similarity: dict[int, float | None] = {}
        for parent, child, score in match.pairs:
            ids[child] = self.ids[parent]
            similarity[self.ids[parent]] = round(score, 4)
        next_id = self.next_id
        for child in match.new:
            ids[child] = next_id
            similarity[next_id] = None
            next_id += 1
        topics = copy.deepcopy(self.topics)
        for parent in match.retired:
            record = topics[self.ids[parent]]
            record.update(status="retired", retired=generation, similarity=None)
        out = TopicLineage(ids=ids, topics=topics, generation=generation, next_id=next_id)
        born = {stable: generation for stable in similarity if stable not in self.topics}
        out._describe(topic_model, dates, similarity, born=born)
        return out

    def _describe(self, topic_model: Any, dates: pd.Series, similarity: dict, born) -> None:
        import numpy as np
        import pandas as pd

        labels = np.asarray(topic_model.labels_, dtype=np.int64)
        dates = pd.to_datetime(pd.Series(list(dates)), errors="coerce")
        info = topic_model.topic_info()
        for number, stable in enumerate(self.ids):
            own = dates[labels == number].dropna()
            record = self.topics.get(stable, {})
            record.update(
                label=str(info["label"].iat[number]),
                terms=[str(t) for t in info["terms"].iat[number]],
                size=int(info["size"].iat[number]),
                born=record.get("born", born if isinstance(born, int) else born.get(stable, 0)),
                first_date=_day(own.min()) if len(own) else None,
                last_date=_day(own.max()) if len(own) else None,
                status="active",
                retired=None,
                similarity=similarity.get(stable),
            )
            self.topics[stable] = record

    # ------------------------------------------------------------------ persistence
    def save(self, directory: Path) -> None:
        """Write ``lineage.json`` into an existing empty directory."""
        write_versioned(
            Path(directory) / FILE,
            FORMAT,
            SCHEMA_VERSION,
            {
                "ids": self.ids,
                "generation": self.generation,
                "next_id": self.next_id,
                "topics": {str(k): v for k, v in sorted(self.topics.items())},
            },
        )

    @classmethod
    def load(cls, directory: Path) -> TopicLineage:
        """Read a lineage written by :meth:`save`."""
        path = Path(directory) / FILE
        data = read_versioned(path, FORMAT, SCHEMA_VERSION, "topic lineage")
        try:
            return cls(
                ids=[int(i) for i in data["ids"]],
                topics={int(k): dict(v) for k, v in data["topics"].items()},
                generation=int(data["generation"]),
                next_id=int(data["next_id"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelFormatError(f"{path}: damaged topic lineage ({exc})", "re-train") from exc


def _day(value: Any) -> str | None:
    return None if value is None or value != value else value.date().isoformat()


def lineage_columns(topic_info: pd.DataFrame, lineage: TopicLineage) -> pd.DataFrame:
    """A predictions topic table with the lineage's view of each topic, retired ones appended.

    Adds ``status`` (``"new"``, ``"active"`` or ``"retired"``), ``born`` (generation that created
    the topic), ``first_date`` and ``last_date`` (of its releases when its model was fitted).
    Retired topics come last with ``size`` 0: no release is assigned to them any more.
    """
    import pandas as pd

    def extra(topic: int) -> dict[str, Any]:
        record = lineage.topics[topic]
        return {
            "status": lineage.status(topic),
            "born": int(record["born"]),
            "first_date": record["first_date"],
            "last_date": record["last_date"],
        }

    active = topic_info.assign(
        **{
            key: [extra(int(k))[key] for k in topic_info["topic"]]
            for key in ("status", "born", "first_date", "last_date")
        }
    )
    retired = [
        {
            "topic": r["topic"],
            "label": r["label"],
            "size": 0,
            "terms": list(r["terms"]),
            **extra(r["topic"]),
        }
        for r in lineage.retired()
    ]
    if not retired:
        return active
    return pd.concat([active, pd.DataFrame(retired)], ignore_index=True)
