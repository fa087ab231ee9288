"""The default taxonomy tags the seed releases as a careful reader would (issue 3, item 5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from topics.themes import default_taxonomy, weak_labels

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
#: Category lines some seed files put between the "-" separator and the title.
CATEGORIES = {"FTA/Economic Cooperation"}


def seed_releases() -> list[tuple[str, str]]:
    """(title, title + body) of every seed release; files hold releases separated by "-" lines."""
    releases = []
    for path in sorted(SEEDS.glob("*.txt")):
        block: list[str] = []
        blocks = []
        for line in path.read_text("utf-8").splitlines():
            if line.strip() == "-":
                blocks.append(block)
                block = []
            else:
                block.append(line)
        blocks.append(block)
        for lines in blocks:
            lines = [ln.strip() for ln in lines if ln.strip() and ln.strip() not in CATEGORIES]
            if lines:
                releases.append((lines[0], "\n\n".join(lines)))
    return releases


def find(releases: list[tuple[str, str]], fragment: str) -> list[str]:
    """Full texts of the releases whose title contains ``fragment`` (at least one)."""
    found = [text for title, text in releases if fragment.lower() in title.lower()]
    assert found, f"no seed release titled like {fragment!r}"
    return found


PINNED = [
    ("Canada’s Steel TRQ Measures", "protectionism"),
    ("Korea and France Discuss Trade Issues", "protectionism"),  # EU FSR, steel import measures
    ("Korea–EU to Deepen Cooperation", "protectionism"),  # FSR investigation, steel restriction
    ("12th FTA Trade Committee", "protectionism"),  # steel safeguard, EV subsidies
    ("critical minerals cooperation with MSP partners", "critical_minerals"),
    ("MSP meeting", "critical_minerals"),
    ("Mongolia", "critical_minerals"),
    ("31 national core technologies", "economic_security"),
    ("Korea and U.S. discuss chip cooperation", "semiconductors"),
    ("DEPA membership", "trade_agreements"),
    ("CEPA Negotiations", "trade_agreements"),
    ("Korea's exports advance 4.8%", "export_performance"),
    ("35th Energy Commission", "energy"),
    ("Foreign-invested companies", "investment"),
]

NOT = [
    ("35th Energy Commission", "protectionism"),
    ("35th Energy Commission", "critical_minerals"),
    ("Foreign-invested companies", "protectionism"),
    ("DEPA membership", "energy"),
    ("Korea and U.S. discuss chip cooperation", "export_performance"),
]


@pytest.fixture(scope="module")
def labelled() -> tuple[list[tuple[str, str]], object]:
    releases = seed_releases()
    return releases, weak_labels([text for _, text in releases], default_taxonomy())


def test_seed_splitter_finds_every_release(labelled):
    releases, _ = labelled
    assert len(releases) == 28


@pytest.mark.parametrize(("fragment", "theme"), PINNED)
def test_pinned_seed_releases_get_their_theme(labelled, fragment, theme):
    releases, labels = labelled
    titles = [title for title, _ in releases]
    for text in find(releases, fragment):
        row = [text for _, text in releases].index(text)
        assert labels.loc[row, theme], f"{titles[row]!r} should be tagged {theme}"


@pytest.mark.parametrize(("fragment", "theme"), NOT)
def test_seed_releases_are_not_over_tagged(labelled, fragment, theme):
    releases, labels = labelled
    for text in find(releases, fragment):
        row = [text for _, text in releases].index(text)
        assert not labels.loc[row, theme]


def test_every_default_theme_tags_some_seed_release(labelled):
    _, labels = labelled
    assert labels.any(axis=0).all()
    assert not labels.all(axis=0).any()
