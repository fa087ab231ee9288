"""The annotation page (one offline HTML file) and the spreadsheet of a :class:`Sample`.

The page is rendered from a Jinja2 template (package data, autoescape on); the releases go in
one ``<script type="application/json">`` block and a small inline script draws them with
``textContent`` only, so no release text can become markup. It requests nothing from the
network. Answers are kept in the browser's ``localStorage`` under a key unique to the sample;
the export button downloads a CSV that ``--theme-labels`` reads
(:func:`topics.themes.read_labels`): ``id, title, themes, unsure, weight, inclusion``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from topics._safe import spreadsheet_cell

if TYPE_CHECKING:
    import jinja2

    from topics.annotate.sample import Sample

#: Keys of the theme toggles, in theme order (a, u, n and p are taken by other shortcuts).
THEME_KEYS = "1234567890qwertyiosdfghjklzxcvbm"
CSV_COLUMNS = [
    "id", "title", "date", "suggested", "themes", "unsure", "weight", "inclusion", "stratum",
    "text",
]  # fmt: skip
#: Most characters of a release's text put on the page.
TEXT_CHARS = 12_000


def evidence_spans(text: str, evidence: Mapping[str, Sequence[str]], themes: Sequence[str]):
    """Character spans of each theme's evidence phrases in ``text``, for highlighting.

    A phrase matches its words in order, case-insensitively, each word allowed an inflection
    (``critical mineral`` marks "Critical Minerals"), as the phrase matcher stems them.

    Returns
    -------
    list of [start, end, theme position]
        Sorted and non-overlapping (the earlier, then longer, span wins).
    """
    spans = []
    for theme, phrases in evidence.items():
        if theme not in themes:
            continue
        j = list(themes).index(theme)
        for phrase in dict.fromkeys(phrases):
            words = re.findall(r"\w+", phrase)
            if not words:
                continue
            pattern = r"[\s\-]+".join(rf"{re.escape(w)}\w*" for w in words)
            for m in re.finditer(rf"(?<!\w){pattern}", text, flags=re.IGNORECASE):
                spans.append([m.start(), m.end(), j])
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    kept: list[list[int]] = []
    for span in spans:
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


def page_data(
    sample: Sample,
    theme_names: Mapping[str, str],
    evidence: Callable[[str], Mapping[str, Sequence[str]]] | None = None,
    *,
    title: str = "Code a sample of releases",
    model: str | None = None,
) -> dict[str, Any]:
    """The page's content as plain data (what the template puts in its JSON block)."""
    themes = list(theme_names)
    releases = []
    for r, probs in zip(
        sample.frame.to_dict("records"), sample.probs.to_dict("records"), strict=True
    ):
        text = r["text"][:TEXT_CHARS]
        found = dict(evidence(f"{r['title']}\n{r['text']}")) if evidence else {}
        releases.append(
            {
                "id": r["id"],
                "title": r["title"],
                "date": r["date"],
                "text": text,
                "truncated": len(r["text"]) > TEXT_CHARS,
                "suggested": list(r["suggested"]),
                "probs": {t: round(float(probs[t]), 3) for t in themes},
                "evidence": {t: sorted(set(p)) for t, p in found.items() if t in themes},
                "title_spans": evidence_spans(r["title"], found, themes),
                "spans": evidence_spans(text, found, themes),
                "weight": float(r["weight"]),
                "inclusion": float(r["inclusion"]),
            }
        )
    digest = hashlib.sha256()
    for r in releases:
        digest.update(f"{r['id']}\n".encode())
    digest.update(repr(sample.design.get("seed")).encode())
    return {
        "title": title,
        "model": model,
        "key": f"topics-labels-{digest.hexdigest()[:16]}",
        "filename": "labels.csv",
        "themes": [
            {"id": t, "name": str(theme_names[t]), "key": THEME_KEYS[j : j + 1]}
            for j, t in enumerate(themes)
        ],
        "releases": releases,
        "design": sample.design,
    }


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("topics.annotate", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def render_page(data: dict[str, Any]) -> str:
    """The whole annotation page as HTML text (see the module docstring)."""
    return _environment().get_template("annotate.html.j2").render(data=data, **data)


def sample_csv(sample: Sample) -> str:
    """The sample as a spreadsheet to code: fill ``themes`` (ids separated by ``;``, empty for
    none of them) in place of ``?``; ``unsure`` takes ``yes`` or theme ids."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in sample.frame.to_dict("records"):
        writer.writerow(
            {
                "id": r["id"],
                "title": spreadsheet_cell(r["title"]),
                "date": r["date"] or "",
                "suggested": ";".join(r["suggested"]),
                "themes": "?",
                "unsure": "",
                "weight": f"{r['weight']:.6g}",
                "inclusion": f"{r['inclusion']:.6g}",
                "stratum": r["stratum"],
                "text": spreadsheet_cell(r["text"]),
            }
        )
    return buffer.getvalue()
