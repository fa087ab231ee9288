"""Themes: the taxonomy (package data ``default.toml``), weak labels and gold labels files."""

from __future__ import annotations

from topics.themes.labels import GoldLabels, gold_from_column, read_labels, read_labels_file
from topics.themes.mapping import topic_themes
from topics.themes.match import ThemeMatcher, phrase_key, stems, theme_hits, weak_labels
from topics.themes.suggest import Suggestion, suggest_phrases
from topics.themes.taxonomy import Taxonomy, Theme, default_taxonomy

__all__ = [
    "GoldLabels",
    "Suggestion",
    "Taxonomy",
    "Theme",
    "ThemeMatcher",
    "default_taxonomy",
    "gold_from_column",
    "phrase_key",
    "read_labels",
    "read_labels_file",
    "stems",
    "suggest_phrases",
    "theme_hits",
    "topic_themes",
    "weak_labels",
]
