"""Themes: the taxonomy (package data ``default.toml``), weak labels and gold labels files."""

from __future__ import annotations

from topics.themes.labels import gold_from_column, read_labels_file
from topics.themes.match import ThemeMatcher, phrase_key, stems, theme_hits, weak_labels
from topics.themes.taxonomy import Taxonomy, Theme, default_taxonomy

__all__ = [
    "Taxonomy",
    "Theme",
    "ThemeMatcher",
    "default_taxonomy",
    "gold_from_column",
    "phrase_key",
    "read_labels_file",
    "stems",
    "theme_hits",
    "weak_labels",
]
