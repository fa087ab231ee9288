"""What an ingest did, record by record: the :class:`IngestReport`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: (source file, 1-based record or line, field, reason)
Problem = tuple[str, int, str, str]


@dataclass
class IngestReport:
    """An account of every record read: kept, merged as a duplicate, or rejected.

    Invariant: ``records_read == kept + merged_exact + merged_near + len(rejected)``.

    Attributes
    ----------
    files : list of str
        Files read, in order.
    records_read : int
        Records found in the files (including rejected ones).
    kept : int
        Documents kept: records that represent their duplicate group (or have no duplicate).
    merged_exact, merged_near : int
        Records merged into another's group as exact / near duplicates (still in the frame,
        with ``is_duplicate`` true).
    rejected : list of (source, position, field, reason)
        Records left out of the corpus, with the reason.
    warnings : list of (source, position, field, reason)
        Records kept despite a problem (e.g. an unreadable date, which leaves the record undated);
        position 0 is a concern about the whole file (e.g. it has no date column).
    columns : dict of str to dict
        For each tabular file: role (``text``, ``title``, ``date``, ``category``, ``labels``,
        ``id``) → the input column read for it (``None``: none), and ``extra`` → the other
        columns, kept as extra columns of the corpus.
    repaired : int
        Records whose title, text or category had mojibake repaired (ftfy) at ingest.
    undated : int
        Kept documents without a date.
    date_min, date_max : str or None
        ISO dates of the earliest and latest kept document.
    provenance : dict of str to int
        Kept documents by date provenance (``explicit``, ``inferred``, ``missing``).
    languages : dict of str to int
        Kept documents by detected language (``en``, ``ko``, ...), most frequent first.
    duplicate_groups : list of dict
        One entry per group with merged records: ``representative`` (id, title, source, position)
        and ``members`` (the same, plus ``kind``: ``"exact"`` or ``"near"``).
    boilerplate : dict
        What corpus-level boilerplate removal left out of the model texts
        (:meth:`topics.corpus.boilerplate.BoilerplateSummary.to_dict`); empty when not run.
    """

    files: list[str] = field(default_factory=list)
    records_read: int = 0
    kept: int = 0
    merged_exact: int = 0
    merged_near: int = 0
    rejected: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    columns: dict[str, dict[str, Any]] = field(default_factory=dict)
    repaired: int = 0
    undated: int = 0
    date_min: str | None = None
    date_max: str | None = None
    provenance: dict[str, int] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)
    duplicate_groups: list[dict[str, Any]] = field(default_factory=list)
    boilerplate: dict[str, Any] = field(default_factory=dict)

    @property
    def files_read(self) -> int:
        """Number of files read."""
        return len(self.files)

    @property
    def merged(self) -> int:
        """Records merged as duplicates, exact and near."""
        return self.merged_exact + self.merged_near

    def counts(self) -> dict[str, int]:
        """The accounting in numbers: what a saved model keeps of the ingest of its corpus."""
        return {
            "files_read": self.files_read,
            "records_read": self.records_read,
            "kept": self.kept,
            "merged_exact": self.merged_exact,
            "merged_near": self.merged_near,
            "rejected": len(self.rejected),
            "warnings": len(self.warnings),
            "repaired": self.repaired,
            "undated": self.undated,
        }

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (problems as objects with named fields)."""
        data = asdict(self)
        for key in ("rejected", "warnings"):
            data[key] = [
                {"source": s, "position": p, "field": f, "reason": r}
                for s, p, f, r in getattr(self, key)
            ]
        data["files_read"] = self.files_read
        data["merged"] = self.merged
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IngestReport:
        """Inverse of :meth:`to_dict`."""
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for key in ("rejected", "warnings"):
            values[key] = [
                (p["source"], int(p["position"]), p["field"], p["reason"])
                for p in values.get(key, [])
            ]
        return cls(**values)
