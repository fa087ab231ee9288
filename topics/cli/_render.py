"""Rendering of results on stdout (rich tables): shared by train, info, evaluate and predict."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from topics.model import Model


def _console():
    from rich.console import Console

    # markup off: titles and labels come from untrusted text and may hold [brackets]
    return Console(soft_wrap=True, markup=False)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return "" if value is None else str(value)


SUMMARY_KEYS = (
    "micro_f1",
    "macro_f1",
    "accuracy",
    "micro_precision",
    "micro_recall",
    "n_documents",
    "n_folds",
    "gold_documents",
    "weak_documents",
)
TOPIC_KEYS = ("n_documents", "path", "n_outliers_reassigned", "npmi", "diversity")


def print_classification(title: str, metrics: dict[str, Any]) -> None:
    """A metrics dict as printed tables: averages, then one row per class.

    ``metrics`` holds ``micro_f1``, ``macro_f1`` (and others), ``per_class`` (class → precision,
    recall, f1, support) and ``left_out`` (class → reason), as the classifiers store them.
    """
    from rich.table import Table

    console = _console()
    keys = list(SUMMARY_KEYS)
    if metrics.get("task") != "single_label":
        keys.remove("accuracy")  # subset accuracy of multi-label sets says little
    summary = ", ".join(
        f"{key.replace('_', ' ')} {_fmt(metrics[key])}" for key in keys if key in metrics
    )
    console.print(f"{title}  {summary}", style="bold")
    per_class = metrics.get("per_class") or {}
    intervals = (metrics.get("intervals") or {}).get("per_class", {})
    if per_class:
        table = Table(show_edge=False, pad_edge=False)
        for column in ("class", "precision", "recall", "f1", "support"):
            table.add_column(column, justify="left" if column == "class" else "right")
        for name, row in per_class.items():
            bounds = intervals.get(str(name), {})
            table.add_row(
                str(name),
                *(_with_interval(row.get(k), bounds.get(k)) for k in ("precision", "recall", "f1")),
                _fmt(row.get("support")),
            )
        console.print(table)
        if intervals:
            level = (metrics.get("intervals") or {}).get("level", 0.95)
            console.print(f"  [low–high]: {level:.0%} bootstrap intervals over documents")
    _print_confusion(console, metrics.get("confusion"))
    _print_search(console, metrics)
    for name, reason in (metrics.get("left_out") or {}).items():
        console.print(f"  left out {name}: {reason}")
    for note in metrics.get("notes") or []:
        console.print(f"  note: {note}")


def print_theme_metrics(metrics: dict[str, Any]) -> None:
    """Theme metrics as they are: accuracy on gold labels, or said to be unmeasured; then the
    agreement with the phrase rules, never called accuracy."""
    from rich.table import Table

    console = _console()
    accuracy = metrics.get("accuracy")
    if not isinstance(accuracy, dict):
        console.print(f"Themes: accuracy {accuracy or 'not measured'}", style="bold")
    else:
        ci = accuracy.get("macro_f1_ci")
        macro = accuracy.get("macro_f1")
        console.print(
            f"Themes: accuracy on {accuracy['n_documents']} gold-labelled releases (held out): "
            f"macro F1 {_fmt(macro) if macro is not None else 'n/a'}"
            + (f" [95% CI {ci[0]:.2f}–{ci[1]:.2f}]" if ci else "")
            + f" over themes with ≥ {accuracy['min_support']} gold positives",
            style="bold",
        )
        table = Table(show_edge=False, pad_edge=False)
        for column in ("theme", "precision", "recall", "f1", "95% CI of f1", "positives", "coded"):
            table.add_column(column, justify="left" if column == "theme" else "right")
        for name, row in accuracy["per_class"].items():
            f1_ci = row.get("f1_ci")
            table.add_row(
                name,
                *(_fmt(row[k]) for k in ("precision", "recall", "f1")),
                f"{f1_ci[0]:.2f}–{f1_ci[1]:.2f}" if f1_ci else "—",
                str(row["support"]),
                str(row["coded"]),
            )
        console.print(table)
    agreement = metrics.get("agreement_with_rules")
    if agreement and agreement.get("per_class"):
        print_classification(
            "Agreement with the phrase rules (not accuracy; held out, phrases hidden from the "
            "text model)",
            {k: agreement[k] for k in ("micro_f1", "macro_f1", "per_class") if k in agreement},
        )
    elif agreement:
        console.print(
            "No theme has a text model (too few releases or rule positives): the tags are the "
            "phrase rules alone."
        )
    beyond = {t: n for t, n in (metrics.get("beyond_rules") or {}).items() if n}
    if beyond:
        console.print(
            "Tagged beyond the phrase rules: " + ", ".join(f"{t} {n}" for t, n in beyond.items())
        )


def print_suggestions(
    taxonomy: Any, suggestions: dict[str, list], releases: dict[str, int], source: str
) -> None:
    """``topics themes suggest``: per theme, candidate phrases with counts and example titles."""
    from rich.table import Table

    console = _console()
    by = "the model's tags" if source == "model" else "the taxonomy's phrase rules"
    for theme in taxonomy:
        found = suggestions.get(theme.id, [])
        console.print(
            f"{theme.id} ({theme.name}): {releases.get(theme.id, 0)} releases carry it ({by})",
            style="bold",
        )
        if not found:
            console.print("  no distinguishing phrase (too few releases carry the theme)")
            continue
        table = Table(show_edge=False, pad_edge=False)
        for column in ("phrase", "in theme", "elsewhere", "score", "e.g."):
            table.add_column(
                column,
                justify="right" if column in ("in theme", "elsewhere", "score") else "left",
                overflow="fold",
            )
        for s in found:
            example = s.examples[0] if s.examples else ""
            table.add_row(
                s.phrase, str(s.releases), str(s.elsewhere), f"{s.score:.1f}", example[:70]
            )
        console.print(table)
    console.print(
        "Review these phrases; add the ones that mean the theme to a taxonomy file "
        "(include = [...]) and train with --themes FILE."
    )


def _with_interval(value: Any, bounds: list[float] | None) -> str:
    if bounds is None:
        return _fmt(value)
    return f"{_fmt(value)} [{bounds[0]:.2f}–{bounds[1]:.2f}]"


#: Largest confusion matrix printed as a table (larger ones are in --json only).
MAX_CONFUSION_CLASSES = 12


def _print_confusion(console: Any, confusion: dict[str, Any] | None) -> None:
    if not confusion or len(confusion["classes"]) > MAX_CONFUSION_CLASSES:
        return
    from rich.table import Table

    multiclass = confusion.get("kind", "multiclass") == "multiclass"
    table = Table(
        title="Confusion (rows: true, columns: predicted)"
        if multiclass
        else "Confusion (each class against the rest)",
        show_edge=False,
        pad_edge=False,
        title_justify="left",
    )
    table.add_column("true \\ predicted" if multiclass else "class")
    for name in confusion.get("columns") or confusion["classes"]:
        table.add_column(str(name), justify="right")
    for name, row in zip(confusion["classes"], confusion["matrix"], strict=True):
        table.add_row(str(name), *(str(v) for v in row))
    console.print(table)


def _print_search(console: Any, metrics: dict[str, Any]) -> None:
    config, search = metrics.get("config"), metrics.get("search")
    if not config:
        return
    weight = config.get("class_weight") or "none"
    line = f"  chosen: features {config['features']}, C {config['C']:g}, class weight {weight}"
    if search:
        line += (
            f"; {len(search.get('table', []))} candidate evaluations on up to "
            f"{search.get('searched_documents')} documents (planned {search.get('planned_seconds')}"
            f" s of a {search.get('budget_seconds')} s budget)"
        )
    console.print(line)
    table = (search or {}).get("table") or []
    if table:
        last = max(row["round"] for row in table)
        best = sorted((r for r in table if r["round"] == last), key=lambda r: -r["mean_score"])
        for row in best[:5]:
            console.print(
                f"    {row['features']:<12} C {row['C']:<5g} weight "
                f"{row['class_weight'] or 'none':<9} {search.get('scoring', 'score')} "
                f"{row['mean_score']:.3f} ± {row['std_score']:.3f} on {row['n_documents']} docs"
            )
    for note in (search or {}).get("notes") or []:
        console.print(f"  search: {note}")
    if metrics.get("method"):
        console.print(f"  scored by: {metrics['method']}")


def print_topics(info: pd.DataFrame, limit: int = 30) -> None:
    """Topic table: id, size, label, and the themes a topic carries ("—": none)."""
    from rich.table import Table

    console = _console()
    table = Table(
        title="Topics (themes carried by a share of their releases; — none)",
        show_edge=False,
        pad_edge=False,
        title_justify="left",
    )
    for column in ("topic", "size", "label", "themes"):
        table.add_column(column, justify="right" if column in ("topic", "size") else "left")
    for row in info.head(limit).itertuples(index=False):
        themes = ", ".join(f"{t} {share:.0%}" for t, share in (row.themes or [])[:3]) or "—"
        table.add_row(str(row.topic), str(row.size), str(row.label), themes)
    console.print(table)
    if len(info) > limit:
        console.print(f"  … and {len(info) - limit} more topics")


def _ingest_counts(counts: dict | None) -> str:
    if not counts:
        return ""
    return (
        f"; {counts['records_read']} read, {counts['merged_exact'] + counts['merged_near']} "
        f"merged, {counts['rejected']} rejected, {counts['warnings']} warnings"
    )


def print_model_summary(model: Model) -> None:
    """What a model is: provenance, themes, metrics, topics."""
    console = _console()
    manifest = model.manifest
    corpus = manifest.get("corpus", {})
    dates = corpus.get("date_range") or ["?", "?"]
    console.print(
        f"Model {model.path or ''}  created {manifest.get('created', '?')}  "
        f"topics {manifest.get('versions', {}).get('topics', '?')}  seed {manifest.get('seed')}",
    )
    console.print(
        f"Trained on {corpus.get('documents', '?')} documents "
        f"({corpus.get('records', '?')} records{_ingest_counts(corpus.get('ingest'))})"
        f", dated {dates[0]} … {dates[1]}, fingerprint {str(corpus.get('fingerprint', ''))[:12]}",
    )
    console.print(f"Themes ({len(model.theme_ids)}): {', '.join(model.theme_ids)}")
    metrics = model.metrics
    if "themes" in metrics:
        print_theme_metrics(metrics["themes"])
    validation = model.validation
    if validation:
        console.print(
            f"Validation: error rates measured on {validation['n_coded']} hand-coded releases "
            f"({validation['source']}; {validation['method']}); reports correct their shares."
        )
    else:
        console.print("Validation: none (reports show uncorrected shares).")
    for key, value in metrics.items():
        if key.startswith("label:"):
            print_classification(f"Label {key[6:]!r} (cross-validated)", value)
    if model.topic_model is not None:
        topic_metrics = metrics.get("topics", {})
        if topic_metrics:
            console.print(
                "Topic model: "
                + ", ".join(
                    f"{key.replace('_', ' ')} {_fmt(topic_metrics[key])}"
                    for key in TOPIC_KEYS
                    if key in topic_metrics
                ),
            )
        print_topics(model.topic_model.topic_info())


def print_predictions(frame: pd.DataFrame, texts: list[str]) -> None:
    """One block per text: its themes with probabilities, topic and labels."""
    from rich.table import Table

    console = _console()
    table = Table(show_edge=False, pad_edge=False, show_lines=False)
    for column in ("#", "text", "themes", "topic"):
        table.add_column(column, overflow="fold")
    extra = [
        c
        for c in frame.columns
        if not c.startswith("p_") and c not in ("themes", "topic", "topic_label")
    ]
    for column in extra:
        table.add_column(column, overflow="fold")
    for i, row in frame.iterrows():
        themes = ", ".join(f"{t} {row[f'p_{t}']:.2f}" for t in row["themes"]) or "—"
        topic = f"{row['topic']} {row['topic_label']}" if "topic" in frame else ""
        snippet = texts[i][:60] + ("…" if len(texts[i]) > 60 else "")
        table.add_row(str(i), snippet, themes, topic, *(_fmt(row[c]) for c in extra))
    console.print(table)


def _with_ci(value: Any, ci: Any) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" + (f" [{ci[0]:.2f}–{ci[1]:.2f}]" if ci else "")


def print_validation(title: str, metrics: dict[str, Any]) -> None:
    """Scores on hand-coded releases: P/R/F1 with bootstrap intervals, confusions, the misses."""
    from rich.table import Table

    console = _console()
    console.print(
        f"{title}  {metrics['n_documents']} coded releases"
        + (", weighted by their sampling weights" if metrics.get("weighted") else "")
        + f"; micro F1 {_with_ci(metrics['micro_f1'], metrics['micro_f1_ci'])}"
        + f", macro F1 {_with_ci(metrics['macro_f1'], metrics['macro_f1_ci'])}"
        + " (95% bootstrap intervals)",
        style="bold",
    )
    if metrics.get("unsure") or metrics.get("uncoded"):
        console.print(
            f"  {metrics.get('unsure', 0)} release(s) with unsure codes (left out of those "
            f"themes), {metrics.get('uncoded', 0)} row(s) not coded yet (skipped)"
        )
    table = Table(show_edge=False, pad_edge=False)
    for column in ("theme", "precision", "recall", "f1", "coded +", "tagged", "specificity"):
        table.add_column(column, justify="left" if column == "theme" else "right")
    rates = metrics.get("error_rates", {})
    for name, row in metrics["per_class"].items():
        spec = rates.get(name, {}).get("specificity")
        table.add_row(
            name,
            *(_with_ci(row[k], row[f"{k}_ci"]) for k in ("precision", "recall", "f1")),
            str(row["support"]),
            str(row["predicted"]),
            "–" if spec is None or spec != spec else f"{spec:.3f}",
        )
    console.print(table)
    for pair in metrics.get("confusions", []):
        console.print(
            f"  confused: tagged {pair['tagged']} instead of {pair['missed']} "
            f"on {pair['releases']} release(s)"
        )
    wrong = metrics.get("wrong", [])
    if wrong:
        console.print(f"Releases it got wrong ({len(wrong)} shown):", style="bold")
    for r in wrong:
        parts = []
        for kind, themes in (("tagged wrongly", r["tagged_wrongly"]), ("missed", r["missed"])):
            for t in themes:
                why = ", ".join(r["evidence"].get(t, [])) or "no phrase"
                parts.append(f"{kind} {t} (p={r['probability'][t]:.2f}; evidence: {why})")
        console.print(f"  {r['id']}  {r['title']}")
        console.print("    " + "; ".join(parts))
