"""Helpers of :mod:`topics.report.context`: model information and metrics as display rows."""

from __future__ import annotations

from typing import Any

from topics.trends.records import clean


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _display(value: Any) -> Any:
    if _is_scalar(value):
        return clean(value)
    if isinstance(value, (list, tuple)) and all(_is_scalar(v) for v in value):
        return ", ".join(str(clean(v)) for v in value)
    return str(value)


def _flatten(prefix: str, value: Any, rows: list) -> None:
    if isinstance(value, dict):
        for k in value:
            _flatten(f"{prefix} / {k}" if prefix else str(k), value[k], rows)
    else:
        rows.append([prefix, _display(value)])


def info_rows(info: dict) -> list[list]:
    """A nested dict as ``[key path, value]`` rows (``a / b`` for nested keys)."""
    rows: list = []
    _flatten("", info or {}, rows)
    return rows


def metric_sections(metrics: dict) -> list[dict]:
    """Turn a nested metrics dict into display sections, whatever its shape.

    Scalars at the top level form a "Summary" key/value section; a dict whose values are dicts of
    scalars becomes a table (rows: outer keys, columns: inner keys); any other dict is flattened
    into key/value rows with ``a / b`` paths.

    Returns
    -------
    list of dict
        ``{"title", "kind": "kv", "rows": [[key, value]]}`` or ``{"title", "kind": "table",
        "columns": [...], "rows": [[row key, value, ...]]}``.
    """
    sections: list[dict] = []
    summary: list = []
    for key, value in (metrics or {}).items():
        if not isinstance(value, dict):
            summary.append([str(key), _display(value)])
            continue
        scalars = {k: v for k, v in value.items() if not isinstance(v, dict)}
        nested = {k: v for k, v in value.items() if isinstance(v, dict)}
        if scalars or not nested:
            rows: list = []
            _flatten("", scalars, rows)
            sections.append({"title": str(key), "kind": "kv", "rows": rows})
        for sub, inner in nested.items():
            title = f"{key} / {sub}"
            if (
                inner
                and all(isinstance(v, dict) for v in inner.values())
                and all(all(_is_scalar(x) for x in v.values()) for v in inner.values())
            ):
                columns = list(dict.fromkeys(c for v in inner.values() for c in v))
                table = [[str(r)] + [_display(v.get(c)) for c in columns] for r, v in inner.items()]
                sections.append(
                    {"title": title, "kind": "table", "columns": columns, "rows": table}
                )
            else:
                rows = []
                _flatten("", inner, rows)
                sections.append({"title": title, "kind": "kv", "rows": rows})
    if summary:
        sections.insert(0, {"title": "Summary", "kind": "kv", "rows": summary})
    return sections


def accuracy_section(validation: dict | None, names: dict[str, str]) -> dict:
    """The tagger's measured accuracy per theme, and whether its shares were corrected.

    ``measured``: a validation was given; ``corrected``: at least one theme was corrected.

    ``validation`` is a validation record (:func:`topics.evaluate.validation.validation_record`)
    or ``None`` (the shares are then uncorrected, and the section says so).
    """
    from topics.trends.correct import MIN_YOUDEN
    from topics.trends.corrected import rates_of

    if validation is None:
        return {"measured": False, "corrected": False, "rows": [], "min_youden": MIN_YOUDEN}
    rows = []
    for theme, r in rates_of(validation).items():
        sens, spec = r.sensitivity, r.specificity
        tagged = r.tp + r.fp
        if r.correctable:
            reason = "corrected"
        elif not (r.tp + r.fn) or not (r.tn + r.fp):
            reason = "not corrected: no coded " + ("positives" if not r.tp + r.fn else "negatives")
        else:
            reason = f"not corrected: sensitivity + specificity - 1 below {MIN_YOUDEN}"
        rows.append(
            {
                "theme": theme,
                "name": names.get(theme, theme),
                "positives": clean(r.tp + r.fn),
                "negatives": clean(r.tn + r.fp),
                "sensitivity": clean(sens),
                "specificity": clean(spec),
                "precision": clean(r.tp / tagged) if tagged else None,
                "youden": clean(r.youden),
                "corrected": r.correctable,
                "status": reason,
            }
        )
    info = {k: v for k, v in validation.items() if k != "error_rates"}
    corrected = any(r["corrected"] for r in rows)
    return {
        "measured": True,
        "corrected": corrected,
        "rows": rows,
        "min_youden": MIN_YOUDEN,
        **info,
    }


#: Largest confusion matrix drawn in the report (a larger one: the per-class table only).
MAX_CONFUSION_CLASSES = 40


def classifier_sections(metrics: dict) -> list[dict]:
    """One display block per label classifier (the ``label:<column>`` entries of the metrics).

    Returns
    -------
    list of dict
        ``column``, ``anchor``, ``task_text``, ``method``, ``n_scored``, ``level``, ``config``
        (one line), ``summary`` (``[name, value]`` rows), ``per_class`` (``name``, ``support``,
        ``precision``/``recall``/``f1`` and their ``_ci`` bounds, ``cells``: the three scores
        with their bounds as text), ``confusion`` (``kind``, ``columns``, ``rows`` of ``name``,
        ``counts``, ``diagonal``; ``shown``) or None, ``left_out`` (``[class, reason]`` pairs).
    """
    labelled = [(str(k), v) for k, v in (metrics or {}).items() if str(k).startswith("label:")]
    return [_block(i, k, m) for i, (k, m) in enumerate(labelled) if isinstance(m, dict)]


_SCORES = ("precision", "recall", "f1")


def _block(i: int, key: str, m: dict) -> dict:
    intervals = m.get("intervals") or {}
    bounds = intervals.get("per_class") or {}
    per_class = []
    for name, row in (m.get("per_class") or {}).items():
        ci = bounds.get(str(name), {})
        per_class.append(
            {
                "name": str(name),
                "support": row.get("support"),
                **{k: clean(row.get(k)) for k in _SCORES},
                **{f"{k}_ci": ci.get(k) for k in _SCORES},
                "cells": [_with_bounds(row.get(k), ci.get(k)) for k in _SCORES],
            }
        )
    single = m.get("task") == "single_label"
    averages = [("macro_f1", "macro F1"), ("micro_f1", "micro F1")]
    summary = [
        [label, _with_bounds(m[k], intervals.get(k))]
        for k, label in [("accuracy", "accuracy")] * single + averages
        if m.get(k) is not None
    ]
    config = ", ".join(
        f"{k.replace('_', ' ')} {'none' if v is None else f'{v:g}' if isinstance(v, float) else v}"
        for k, v in (m.get("config") or {}).items()
    )
    return {
        "column": key[len("label:") :],
        "anchor": f"label-{i}",
        "task_text": "one label per document" if single else "several labels per document",
        "method": m.get("method"),
        "n_scored": m.get("n_scored", m.get("n_documents")),
        "level": intervals.get("level", 0.95),
        "config": config,
        "summary": summary,
        "per_class": per_class,
        "confusion": _confusion(m.get("confusion")),
        "left_out": [[str(c), str(r)] for c, r in (m.get("left_out") or {}).items()],
    }


def _with_bounds(value: Any, bounds: Any) -> str:
    if value is None:
        return "–"
    text = f"{value:.3f}"
    return text + (f" [{bounds[0]:.3f}–{bounds[1]:.3f}]" if bounds else "")


def _confusion(confusion: dict | None) -> dict | None:
    if not confusion or not confusion.get("classes"):
        return None
    kind = confusion.get("kind", "multiclass")
    classes = [str(c) for c in confusion["classes"]]
    rows = [
        {"name": name, "counts": list(counts), "diagonal": i if kind == "multiclass" else -1}
        for i, (name, counts) in enumerate(zip(classes, confusion["matrix"], strict=True))
    ]
    return {
        "kind": kind,
        "columns": [str(c) for c in confusion.get("columns") or classes],
        "rows": rows,
        "shown": len(classes) <= MAX_CONFUSION_CLASSES,
    }
