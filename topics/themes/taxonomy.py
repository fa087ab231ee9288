"""The theme taxonomy: a declarative list of themes with include and exclude phrases.

A taxonomy file is TOML::

    schema_version = 1          # optional

    [[themes]]
    id = "critical_minerals"    # stable id: lower-case letters, digits, "_" and "-"
    name = "Critical minerals"
    description = "Critical and rare minerals, rare earths, battery metals..."
    include = ["critical mineral", "rare earth", "lithium"]
    exclude = ["data mining"]   # optional: contexts in which include phrases do not count
    min_hits = 1                # optional: include matches needed to tag a document
    min_salience = 3.0          # optional: salience needed (3 = a title mention, or a lead
                                # and a body mention; see topics.themes.match)

    [[themes.near]]             # optional proximity rules ("A NEAR/10 B" of news archives):
    any = ["takeover", "acquire"]   # a phrase of `any` counts as a match of the theme when
    with = ["Swedish", "French"]    # a phrase of `with` is at most `within` words away
    within = 10                     # (same section; default 10)

Saved with a model as ``taxonomy.json`` holding the same fields.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from topics.errors import ThemeError

SCHEMA_VERSION = 1
FILENAME = "taxonomy.json"
#: ``"format"`` of the ``taxonomy.json`` a model directory holds (header of every component).
SAVED_FORMAT = "topics.taxonomy"

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_THEME_KEYS = {
    "id",
    "name",
    "description",
    "include",
    "exclude",
    "min_hits",
    "min_salience",
    "near",
}
_NEAR_KEYS = {"any", "with", "within"}
#: Words between the two phrases of a proximity rule unless it says otherwise.
DEFAULT_WITHIN = 10


@dataclass(frozen=True)
class Near:
    """A phrase of ``any`` within ``within`` words of a phrase of ``with_`` (an analyst's
    ``A NEAR/n B``), counted as an include match of the theme (:mod:`topics.themes.near`)."""

    any: tuple[str, ...]
    with_: tuple[str, ...]
    within: int = DEFAULT_WITHIN

    def to_dict(self) -> dict[str, Any]:
        return {"any": list(self.any), "with": list(self.with_), "within": self.within}


_TOP_KEYS = {"schema_version", "themes"}


@dataclass(frozen=True)
class Theme:
    """One theme of a taxonomy.

    Attributes
    ----------
    id : str
        Stable identifier used in models, labels files and reports.
    name : str
        Human-readable name.
    description : str
        What the theme covers.
    include : tuple of str
        Phrases that signal the theme (matched on word stems, case-insensitive).
    exclude : tuple of str
        Phrases marking contexts in which an overlapping include match does not count.
    min_hits : int
        Include matches needed for a weak label.
    min_salience : float
        Salience (where and how densely the phrases occur, :mod:`topics.themes.match`) needed
        for a weak label.
    near : tuple of Near
        Proximity rules whose matches count as include matches.
    """

    id: str
    name: str
    description: str = ""
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    min_hits: int = 1
    min_salience: float = 3.0
    near: tuple[Near, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-able fields, in file order (``near`` only when the theme has such rules)."""
        near = {"near": [rule.to_dict() for rule in self.near]} if self.near else {}
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "include": list(self.include),
            "exclude": list(self.exclude),
            "min_hits": self.min_hits,
            "min_salience": self.min_salience,
            **near,
        }


@dataclass(frozen=True, repr=False)
class Taxonomy:
    """An ordered collection of themes with unique ids.

    Build one with :meth:`from_file`, :meth:`from_dict` or :func:`default_taxonomy`.
    """

    themes: tuple[Theme, ...]
    source: str = field(default="<memory>", compare=False)

    def __repr__(self) -> str:
        return f"Taxonomy({len(self.themes)} themes from {self.source}: {', '.join(self.ids)})"

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def from_file(cls, path: str | Path) -> Taxonomy:
        """Read a TOML taxonomy file (or a ``taxonomy.json`` written by :meth:`save`).

        Raises
        ------
        ThemeError
            Missing or unreadable file, invalid TOML, or a malformed entry; the message names
            the file and the entry, e.g. ``themes.toml: theme 3 ("foo"): missing "name"``.
        """
        path = Path(path)
        try:
            raw = path.read_bytes()
        except FileNotFoundError as exc:
            raise ThemeError(f"{path}: file not found", "check the --themes path") from exc
        except OSError as exc:
            raise ThemeError(f"{path}: cannot read ({exc})") from exc
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ThemeError(f"{path}: not UTF-8 text ({exc})", "save the file as UTF-8") from exc
        if path.suffix.lower() == ".json":
            import json

            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ThemeError(f"{path}: invalid JSON ({exc})") from exc
        else:
            try:
                data = tomllib.loads(text)
            except tomllib.TOMLDecodeError as exc:
                raise ThemeError(
                    f"{path}: invalid TOML ({exc})", "see topics/themes/default.toml for the format"
                ) from exc
        return cls.from_dict(data, source=str(path))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "<dict>") -> Taxonomy:
        """Validate a parsed taxonomy (``{"themes": [{...}, ...]}``).

        Raises
        ------
        ThemeError
            Naming ``source`` and the offending entry.
        """
        if not isinstance(data, Mapping):
            raise ThemeError(f"{source}: expected a table with a `themes` list")
        unknown = sorted(set(data) - _TOP_KEYS)
        if unknown:
            raise ThemeError(
                f"{source}: unknown top-level key(s) {', '.join(map(repr, unknown))}",
                'expected "schema_version" and [[themes]] entries',
            )
        version = data.get("schema_version", SCHEMA_VERSION)
        if version != SCHEMA_VERSION:
            raise ThemeError(
                f"{source}: schema_version {version!r} is not supported (expected {SCHEMA_VERSION})"
            )
        entries = data.get("themes")
        if not isinstance(entries, list) or not entries:
            raise ThemeError(
                f"{source}: no themes", "add at least one [[themes]] entry with id, name, include"
            )
        themes: list[Theme] = []
        seen: dict[str, int] = {}
        for number, entry in enumerate(entries, start=1):
            theme = _parse_theme(entry, f"{source}: theme {number}")
            if theme.id in seen:
                raise ThemeError(
                    f'{source}: theme {number} ("{theme.id}"): duplicate id, '
                    f"already used by theme {seen[theme.id]}",
                    "give every theme its own id",
                )
            seen[theme.id] = number
            themes.append(theme)
        return cls(tuple(themes), source=source)

    # -- access ---------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.themes)

    def __iter__(self) -> Iterator[Theme]:
        return iter(self.themes)

    def __contains__(self, theme_id: object) -> bool:
        return any(t.id == theme_id for t in self.themes)

    def __getitem__(self, theme_id: str) -> Theme:
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise KeyError(theme_id)

    @property
    def ids(self) -> list[str]:
        """Theme ids in taxonomy order."""
        return [t.id for t in self.themes]

    def names(self) -> dict[str, str]:
        """Theme id → display name."""
        return {t.id: t.name for t in self.themes}

    def phrases(self) -> list[list[str]]:
        """Include phrases per theme (taxonomy order), e.g. as seed topics for a topic model."""
        return [list(t.include) for t in self.themes]

    # -- combination and persistence --------------------------------------------------------

    def merge(self, other: Taxonomy, mode: str = "extend") -> Taxonomy:
        """Combine with another taxonomy (e.g. a user's ``--themes`` file).

        Parameters
        ----------
        other : Taxonomy
        mode : {"extend", "replace"}
            ``"extend"``: keep these themes, replace those whose id ``other`` redefines (in
            place) and append ``other``'s new themes. ``"replace"``: use ``other`` alone.

        Returns
        -------
        Taxonomy
        """
        if mode == "replace":
            return other
        if mode != "extend":
            raise ThemeError(f"unknown merge mode {mode!r}", 'use "extend" or "replace"')
        theirs = {t.id: t for t in other.themes}
        merged = [theirs.pop(t.id, t) for t in self.themes]
        merged.extend(t for t in other.themes if t.id in theirs)
        return Taxonomy(tuple(merged), source=f"{self.source} + {other.source}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form accepted by :meth:`from_dict`."""
        return {"schema_version": SCHEMA_VERSION, "themes": [t.to_dict() for t in self.themes]}

    def save(self, directory: Path) -> None:
        """Write ``taxonomy.json`` into an existing directory (the common component header)."""
        from topics._io import write_versioned

        data = self.to_dict()
        version = data.pop("schema_version")
        write_versioned(Path(directory) / FILENAME, SAVED_FORMAT, version, data)

    @classmethod
    def load(cls, directory: Path) -> Taxonomy:
        """Read a taxonomy written by :meth:`save`.

        Raises
        ------
        ModelFormatError
            Missing or corrupt file.
        ThemeError
            A file that is valid JSON but not a valid taxonomy.
        """
        from topics._io import read_versioned

        path = Path(directory) / FILENAME
        data = read_versioned(path, SAVED_FORMAT, SCHEMA_VERSION, "saved taxonomy")
        data.pop("format")
        return cls.from_dict(data, source=str(path))


def default_taxonomy() -> Taxonomy:
    """The taxonomy shipped with the package (``topics/themes/default.toml``)."""
    text = resources.files("topics.themes").joinpath("default.toml").read_text("utf-8")
    return Taxonomy.from_dict(tomllib.loads(text), source="default.toml")


def _parse_theme(entry: Any, where: str) -> Theme:
    if not isinstance(entry, Mapping):
        raise ThemeError(f"{where}: expected a table with id, name and include")
    label = f'{where} ("{entry["id"]}")' if isinstance(entry.get("id"), str) else where
    unknown = sorted(set(entry) - _THEME_KEYS)
    if unknown:
        raise ThemeError(
            f"{label}: unknown key(s) {', '.join(map(repr, unknown))}",
            f"allowed keys: {', '.join(sorted(_THEME_KEYS))}",
        )
    for key in ("id", "name", "include"):
        if key not in entry:
            raise ThemeError(f'{label}: missing "{key}"')
    theme_id = entry["id"]
    if not isinstance(theme_id, str) or not _ID.match(theme_id):
        raise ThemeError(
            f'{label}: invalid "id" {theme_id!r}',
            'use lower-case letters, digits, "_" or "-", starting with a letter or digit',
        )
    name = entry["name"]
    if not isinstance(name, str) or not name.strip():
        raise ThemeError(f'{label}: "name" must be a non-empty string')
    description = entry.get("description", "")
    if not isinstance(description, str):
        raise ThemeError(f'{label}: "description" must be a string')
    include = _phrases(entry["include"], f'{label}: "include"', required=True)
    exclude = _phrases(entry.get("exclude", []), f'{label}: "exclude"', required=False)
    min_hits = entry.get("min_hits", 1)
    if isinstance(min_hits, bool) or not isinstance(min_hits, int) or min_hits < 1:
        raise ThemeError(f'{label}: "min_hits" must be a whole number ≥ 1, got {min_hits!r}')
    min_salience = entry.get("min_salience", 3.0)
    if isinstance(min_salience, bool) or not isinstance(min_salience, int | float):
        raise ThemeError(f'{label}: "min_salience" must be a number, got {min_salience!r}')
    if not min_salience > 0:
        raise ThemeError(f'{label}: "min_salience" must be positive, got {min_salience!r}')
    near = entry.get("near", [])
    if not isinstance(near, list):
        raise ThemeError(f'{label}: "near" must be a list of tables ([[themes.near]])')
    return Theme(
        theme_id,
        name.strip(),
        description.strip(),
        include,
        exclude,
        min_hits,
        float(min_salience),
        tuple(_parse_near(rule, f"{label}: near rule {k}") for k, rule in enumerate(near, 1)),
    )


def _parse_near(entry: Any, where: str) -> Near:
    if not isinstance(entry, Mapping):
        raise ThemeError(f'{where}: expected a table with "any", "with" and optional "within"')
    unknown = sorted(set(entry) - _NEAR_KEYS)
    if unknown:
        raise ThemeError(
            f"{where}: unknown key(s) {', '.join(map(repr, unknown))}",
            f"allowed keys: {', '.join(sorted(_NEAR_KEYS))}",
        )
    for key in ("any", "with"):
        if key not in entry:
            raise ThemeError(f'{where}: missing "{key}"')
    phrases = {
        key: _phrases(entry[key], f'{where}: "{key}"', required=True) for key in ("any", "with")
    }
    from topics.themes.match import is_literal

    for phrase in phrases["any"] + phrases["with"]:
        if is_literal(phrase):
            raise ThemeError(
                f"{where}: phrase {phrase!r} holds a symbol",
                "proximity rules match words only; put literal phrases in include",
            )
    within = entry.get("within", DEFAULT_WITHIN)
    if isinstance(within, bool) or not isinstance(within, int) or within < 1:
        raise ThemeError(f'{where}: "within" must be a whole number of words ≥ 1, got {within!r}')
    return Near(phrases["any"], phrases["with"], within)


def _phrases(value: Any, where: str, *, required: bool) -> tuple[str, ...]:
    from topics.themes.match import has_words

    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise ThemeError(f"{where} must be a list of strings")
    phrases = tuple(p.strip() for p in value)
    if required and not phrases:
        raise ThemeError(f"{where} is empty", "give at least one phrase")
    for phrase in phrases:
        if not has_words(phrase):
            raise ThemeError(f"{where}: phrase {phrase!r} has no words to match")
    return phrases
