"""Proximity rules of a taxonomy (``[[themes.near]]``): a phrase near another one."""

from __future__ import annotations

import pytest

from topics.errors import ThemeError
from topics.themes import Taxonomy, ThemeMatcher, default_taxonomy, theme_hits, weak_labels


def _taxonomy(within=5, exclude=(), include=("foreign direct investment",)) -> Taxonomy:
    return Taxonomy.from_dict(
        {
            "themes": [
                {
                    "id": "t",
                    "name": "T",
                    "include": list(include),
                    "exclude": list(exclude),
                    "min_salience": 1.0,
                    "near": [
                        {"any": ["takeover", "acquire"], "with": ["Swedish", "French group"]}
                        | ({"within": within} if within is not None else {})
                    ],
                }
            ]
        },
        source="test",
    )


def test_a_phrase_near_another_counts_as_a_match_named_after_both():
    matcher = ThemeMatcher(_taxonomy())
    assert matcher.evidence("The takeover bid by the Swedish group") == {
        "t": ["takeover ~ Swedish"]
    }
    # the nearest partner names the match, before or after the phrase; inflections match
    assert matcher.evidence("A French group said it acquired the shares") == {
        "t": ["acquire ~ French group"]
    }
    # farther than `within` words, or no partner: no match
    far = "The takeover of the firm was approved by its board on Monday, Swedish sources said"
    assert theme_hits([far, "A takeover bid", "Swedish meatballs"], _taxonomy())["t"].tolist() == [
        0,
        0,
        0,
    ]
    assert theme_hits([far], _taxonomy(within=20))["t"].tolist() == [1]


def test_every_anchor_counts_once_and_excludes_block_it():
    text = "Swedish takeover, another takeover and a third takeover nearby"
    assert theme_hits([text], _taxonomy(within=8))["t"].tolist() == [3]
    blocked = _taxonomy(within=8, exclude=["another takeover"])
    assert theme_hits([text], blocked)["t"].tolist() == [2]


def test_near_matches_add_to_salience_by_section():
    taxonomy = _taxonomy()
    found = ThemeMatcher(taxonomy).explain("Swedish takeover\n\nThe board agreed.")
    assert found["t"]["hits"] == [{"phrase": "takeover ~ Swedish", "where": "title", "count": 1}]
    assert weak_labels(["Swedish takeover\n\nThe board agreed."], taxonomy)["t"].tolist() == [True]


def test_rules_round_trip_and_default_within(tmp_path):
    taxonomy = _taxonomy(within=None)
    assert taxonomy["t"].near[0].within == 10
    again = Taxonomy.from_dict(taxonomy.to_dict())
    assert again == taxonomy
    taxonomy.save(tmp_path)
    assert Taxonomy.load(tmp_path) == taxonomy
    # a theme without proximity rules saves as before (no "near" key)
    assert "near" not in default_taxonomy()["energy"].to_dict()


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"any": ["takeover"]}, 'missing "with"'),
        ({"any": ["takeover"], "with": []}, '"with" is empty'),
        ({"any": ["takeover"], "with": ["x"], "within": 0}, '"within" must be a whole number'),
        ({"any": ["takeover"], "with": ["x"], "within": True}, '"within" must be a whole number'),
        ({"any": ["R&D"], "with": ["x"]}, "holds a symbol"),
        ({"any": ["takeover"], "with": ["x"], "near": 3}, "unknown key"),
        ("takeover", "expected a table"),
    ],
)
def test_malformed_rules_name_the_theme_and_rule(rule, message):
    data = {"themes": [{"id": "t", "name": "T", "include": ["x"], "near": [rule]}]}
    with pytest.raises(ThemeError) as info:
        Taxonomy.from_dict(data, source="themes.toml")
    assert message in str(info.value)
    assert 'themes.toml: theme 1 ("t"): near rule 1' in str(info.value)


def test_near_must_be_a_list_of_tables():
    data = {"themes": [{"id": "t", "name": "T", "include": ["x"], "near": {"any": ["a"]}}]}
    with pytest.raises(ThemeError, match=r'"near" must be a list of tables'):
        Taxonomy.from_dict(data)


def test_default_taxonomy_finds_a_cross_border_acquisition_not_public_investment():
    labels = weak_labels(
        [
            "AGA WINS DUFFOUR BACKING\n\nDuffour et Igon backed the takeover bid by Swedish "
            "industrial gases group Aga, its chairman said.",
            "SENATOR PRAISES BILL\n\nThe bill makes a historic investment in American families "
            "and invests in our schools.",
        ],
        default_taxonomy(),
    )
    assert labels["investment"].tolist() == [True, False]
