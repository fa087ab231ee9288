"""Typed exceptions raised by the library; the CLI maps them to one-line messages."""

from __future__ import annotations


class TopicsError(Exception):
    """Base class for every error the toolkit raises on purpose.

    Parameters
    ----------
    message : str
        What is wrong, naming the file, record and field where there is one.
    hint : str, optional
        What the user can do about it.
    """

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} — {self.hint}" if self.hint else self.message


class CorpusError(TopicsError):
    """Input that cannot be read as a corpus (missing path, bad encoding, missing column...)."""


class ThemeError(TopicsError):
    """A malformed taxonomy file or label file."""


class ModelFormatError(TopicsError):
    """A model directory that is missing, tampered with, truncated or of an unknown version."""


class TrainingError(TopicsError):
    """Data that cannot train the requested model (too few documents, a single class...)."""
