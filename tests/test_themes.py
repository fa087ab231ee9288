"""Taxonomy schema and loader, weak labels, gold labels files."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from topics.errors import ModelFormatError, ThemeError
from topics.themes import (
    Taxonomy,
    ThemeMatcher,
    default_taxonomy,
    gold_from_column,
    read_labels_file,
    stems,
    theme_hits,
    weak_labels,
)

REQUIRED = {
    "economic_security",
    "critical_minerals",
    "protectionism",
    "semiconductors",
    "supply_chains",
    "trade_agreements",
    "energy",
    "batteries_evs",
    "digital_ai",
    "investment",
    "export_performance",
}

SMALL = """
[[themes]]
id = "tariffs"
name = "Tariffs"
include = ["tariff", "export control", "TRQ", "subsidy"]
exclude = ["tariff concession"]

[[themes]]
id = "energy"
name = "Energy"
description = "Energy policy"
include = ["energy"]
exclude = ["Ministry of Trade, Industry and Energy"]
min_hits = 2
"""


@pytest.fixture
def small(tmp_path) -> Taxonomy:
    path = tmp_path / "themes.toml"
    path.write_text(SMALL, "utf-8")
    return Taxonomy.from_file(path)


# -- taxonomy ------------------------------------------------------------------------------------


def test_default_taxonomy_covers_the_required_themes():
    taxonomy = default_taxonomy()
    assert set(taxonomy.ids) >= REQUIRED
    assert len(taxonomy.ids) == len(set(taxonomy.ids)) == len(taxonomy)
    for theme in taxonomy:
        assert theme.name and theme.description and theme.include
    assert taxonomy.phrases()[taxonomy.ids.index("critical_minerals")][0] == "critical mineral"


def test_round_trip_through_dict_and_directory(tmp_path):
    taxonomy = default_taxonomy()
    assert Taxonomy.from_dict(json.loads(json.dumps(taxonomy.to_dict()))) == taxonomy
    taxonomy.save(tmp_path)
    assert (tmp_path / "taxonomy.json").is_file()
    assert Taxonomy.load(tmp_path) == taxonomy
    with pytest.raises(ModelFormatError, match="missing"):
        Taxonomy.load(tmp_path / "nowhere")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            '[[themes]]\nid="a"\nname="A"\ninclude=["x"]\n[[themes]]\nid="b"\nname="B"\n'
            'include=["y"]\n[[themes]]\nid = "foo"\ninclude = ["x"]\n',
            'themes.toml: theme 3 ("foo"): missing "name"',
        ),
        ('[[themes]]\nname = "No id"\ninclude = ["x"]\n', 'themes.toml: theme 1: missing "id"'),
        ('[[themes]]\nid="a"\nname="A"\ninclude=[]\n', 'theme 1 ("a"): "include" is empty'),
        ('[[themes]]\nid="a"\nname="A"\ninclude="x"\n', '"include" must be a list of strings'),
        ('[[themes]]\nid="A b"\nname="A"\ninclude=["x"]\n', 'invalid "id"'),
        ('[[themes]]\nid="a"\nname="A"\ninclude=["x"]\nincludes=["y"]\n', "unknown key"),
        ('[[themes]]\nid="a"\nname="A"\ninclude=["x"]\nmin_hits=0\n', '"min_hits"'),
        ('[[themes]]\nid="a"\nname="A"\ninclude=["--"]\n', "has no words"),
        (
            '[[themes]]\nid="a"\nname="A"\ninclude=["x"]\n[[themes]]\nid="a"\nname="B"\n'
            'include=["y"]\n',
            'theme 2 ("a"): duplicate id, already used by theme 1',
        ),
        ("[[themes]\nid=", "invalid TOML"),
        ("title = 'x'\n", "unknown top-level key"),
        ("", "no themes"),
    ],
)
def test_malformed_files_name_the_file_and_entry(tmp_path, body, message):
    path = tmp_path / "themes.toml"
    path.write_text(body, "utf-8")
    with pytest.raises(ThemeError) as info:
        Taxonomy.from_file(path)
    assert message in str(info.value)
    assert "themes.toml" in str(info.value)


def test_missing_file_is_a_theme_error(tmp_path):
    with pytest.raises(ThemeError, match="file not found"):
        Taxonomy.from_file(tmp_path / "absent.toml")


def test_merge_extends_or_replaces(small):
    base = default_taxonomy()
    merged = base.merge(small, mode="extend")
    assert merged.ids == [*base.ids, "tariffs"]
    assert merged["energy"] == small["energy"]  # redefined in place
    assert base.merge(small, mode="replace").ids == ["tariffs", "energy"]
    with pytest.raises(ThemeError, match="merge mode"):
        base.merge(small, mode="union")


# -- weak labels -----------------------------------------------------------------------------------


def test_stems_handle_plurals_inflections_acronyms_and_possessives():
    assert stems("Tariffs, TRQs and EVs") == stems("tariff, TRQ and EV")
    assert stems("controlled exports") == stems("control export")
    assert stems("Canada's rare-earth subsidies") == stems("Canada rare earth subsidy")


def test_weak_labels_match_inflected_phrases(small):
    texts = [
        "Korea raises tariffs and tightens export controls on TRQs.",
        "The tariff concessions of the FTA were welcomed.",  # excluded context
        "New subsidies announced.",
        "The Ministry of Trade, Industry and Energy held a meeting on energy.",  # 1 real hit
        "Energy demand and energy prices.",  # 2 hits
        None,
    ]
    labels = weak_labels(texts, small)
    assert list(labels.columns) == ["tariffs", "energy"]
    assert labels.dtypes.eq(bool).all()
    assert labels["tariffs"].tolist() == [True, False, True, False, False, False]
    assert labels["energy"].tolist() == [False, False, False, False, True, False]
    hits = theme_hits(texts, small)
    assert hits.loc[0, "tariffs"] == 3
    assert hits.loc[3, "energy"] == 1
    assert ThemeMatcher(small).evidence(texts[0]) == {
        "tariffs": ["tariff", "export control", "TRQ"]
    }


def test_longest_phrase_wins_and_counts_once():
    taxonomy = Taxonomy.from_dict(
        {"themes": [{"id": "p", "name": "P", "include": ["tariff", "tariff rate quota"]}]}
    )
    assert theme_hits(["a tariff-rate quota and a tariff"], taxonomy).loc[0, "p"] == 2


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=200), max_size=5))
def test_weak_labels_never_fail_on_arbitrary_text(texts):
    labels = weak_labels(texts, default_taxonomy())
    assert labels.shape == (len(texts), len(default_taxonomy()))
    assert labels.dtypes.eq(bool).all()


# -- gold labels files -------------------------------------------------------------------------


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["a1", "b2", "c3", "d4"],
            "title": ["Steel TRQ talks", "Rare metals", "Rare metals", "Exports rise"],
        }
    )


def test_labels_csv_by_id_and_title(tmp_path, frame):
    path = tmp_path / "labels.csv"
    path.write_text(
        "id,title,themes\na1,,protectionism;trade_agreements\n,  rare   METALS ,critical_minerals\n"
        "d4,,\n",
        "utf-8",
    )
    gold = read_labels_file(path, frame, ["protectionism", "critical_minerals", "trade_agreements"])
    assert list(gold.index) == ["a1", "b2", "c3", "d4"]
    assert list(gold.columns) == ["protectionism", "critical_minerals", "trade_agreements"]
    assert gold.loc["a1"].tolist() == [True, False, True]
    assert gold.loc["b2"].tolist() == gold.loc["c3"].tolist() == [False, True, False]
    assert not gold.loc["d4"].any()  # an empty cell is a gold "none"


def test_labels_json_object_and_list(tmp_path, frame):
    as_object = tmp_path / "labels.json"
    as_object.write_text(json.dumps({"a1": ["protectionism"], "Exports rise": "x|y"}), "utf-8")
    gold = read_labels_file(as_object, frame)
    assert list(gold.index) == ["a1", "d4"]
    assert list(gold.columns) == ["protectionism", "x", "y"]
    assert gold.to_numpy().tolist() == [[True, False, False], [False, True, True]]
    as_list = tmp_path / "list.json"
    as_list.write_text(json.dumps([{"title": "Steel TRQ talks", "themes": ["p"]}]), "utf-8")
    assert read_labels_file(as_list, frame).loc["a1", "p"]


def test_labels_file_errors_name_the_line(tmp_path, frame):
    path = tmp_path / "labels.csv"
    path.write_text("id,themes\nzz,protectionism\na1,nonsense\n", "utf-8")
    with pytest.raises(ThemeError) as info:
        read_labels_file(path, frame, ["protectionism"])
    text = str(info.value)
    assert "labels.csv" in text
    assert "line 2: no document id 'zz'" in text
    assert "line 3: unknown theme id(s) 'nonsense'" in text
    assert "known themes: protectionism" in text
    bad = tmp_path / "bad.csv"
    bad.write_text("doc,labels\na1,x\n", "utf-8")
    with pytest.raises(ThemeError, match="expected a header"):
        read_labels_file(bad, frame)
    with pytest.raises(ThemeError, match="file not found"):
        read_labels_file(tmp_path / "none.csv", frame)
    title = tmp_path / "t.json"
    title.write_text(json.dumps([{"title": "Unknown", "themes": []}]), "utf-8")
    with pytest.raises(ThemeError, match="no document titled 'Unknown'"):
        read_labels_file(title, frame)


def test_gold_frame_is_bool_and_aligned(tmp_path, frame):
    path = tmp_path / "labels.tsv"
    path.write_text("title\tthemes\nExports rise\texport_performance\n", "utf-8")
    gold = read_labels_file(path, frame, ["export_performance", "energy"])
    assert gold.dtypes.eq(bool).all()
    assert np.array_equal(gold.to_numpy(), [[True, False]])


def test_gold_labels_from_a_corpus_column(frame):
    frame = frame.assign(labels=[["energy"], [], None, "energy;investment"])
    gold = gold_from_column(frame, "labels", ["energy", "investment"])
    assert list(gold.index) == ["a1", "d4"]
    assert gold.to_numpy().tolist() == [[True, False], [True, True]]
    with pytest.raises(ThemeError, match=r"document a1: unknown theme id\(s\) 'energy'"):
        gold_from_column(frame, "labels", ["investment"])
    with pytest.raises(ThemeError, match="no column"):
        gold_from_column(frame, "topic", ["energy"])


# -- salience and literal phrases ------------------------------------------------------------------


def _one_theme(**fields) -> Taxonomy:
    return Taxonomy.from_dict({"themes": [{"id": "t", "name": "T", **fields}]})


FILLER = " ".join(["The committee met to discuss the budget of the coming year."] * 12)


def test_a_passing_mention_in_the_body_does_not_tag_but_the_title_does():
    taxonomy = _one_theme(include=["tariff"])
    passing = f"Budget talks\n\n{FILLER} One speaker mentioned a tariff."
    titled = f"Tariff on steel raised\n\n{FILLER}"
    lead_and_body = f"Budget talks\n\nThe tariff was raised. {FILLER} The tariff stays."
    labels = weak_labels([passing, titled, lead_and_body], taxonomy)["t"].tolist()
    assert labels == [False, True, True]
    explained = ThemeMatcher(taxonomy).explain(passing)["t"]
    assert explained == {
        "salience": 1.0,
        "rule": False,
        "hits": [{"phrase": "tariff", "where": "body", "count": 1}],
    }


def test_sections_split_title_lead_and_body():
    from topics.themes.match import LEAD_WORDS, sections

    body = " ".join(f"w{i}" for i in range(LEAD_WORDS + 10))
    parts = sections(f"A short title\n\n{body}")
    assert parts["title"] == "A short title"
    assert parts["lead"].split()[-1] == f"w{LEAD_WORDS - 1}"
    assert parts["body"].split() == [f"w{i}" for i in range(LEAD_WORDS, LEAD_WORDS + 10)]
    assert sections("Steel safeguard quotas extended")["title"] == "Steel safeguard quotas extended"
    assert sections(None) == {"title": "", "lead": "", "body": ""}


def test_density_discounts_long_bodies_and_repeats():
    from topics.themes.match import ThemeMatcher as Matcher

    taxonomy = _one_theme(include=["tariff"])
    short = "Budget\n\n" + " ".join(["word"] * 100) + " tariff tariff tariff"
    long = "Budget\n\n" + " ".join(["word"] * 1677) + " tariff tariff tariff"  # body: 1,600
    (s_short, s_long), _ = Matcher(taxonomy).scores([short, long])
    assert s_short[0] == pytest.approx(1 + 0.5 + 0.5)
    assert s_long[0] == pytest.approx(2.0 / 2)


def test_min_salience_is_read_and_validated(tmp_path):
    taxonomy = _one_theme(include=["tariff"], min_salience=1.0)
    assert taxonomy["t"].min_salience == 1.0
    assert weak_labels([f"Budget\n\n{FILLER} a tariff"], taxonomy)["t"].tolist() == [True]
    with pytest.raises(ThemeError, match="min_salience"):
        _one_theme(include=["x"], min_salience=0)
    with pytest.raises(ThemeError, match="min_salience"):
        _one_theme(include=["x"], min_salience="high")


def test_phrases_with_symbols_match_literally():
    from topics.themes.match import is_literal

    taxonomy = _one_theme(include=["c++", "C#", "R&D"])
    assert is_literal("c++") and is_literal("R&D") and not is_literal("rare-earth")
    texts = [
        "C is a language",  # a lone C is not c++
        "Code in C++ and c#",
        "c+++ is not c++ either",
        "More R&D for chips",
        "R and D",
        "cc++",
    ]
    hits = theme_hits(texts, taxonomy)["t"].tolist()
    assert hits == [0, 2, 1, 1, 0, 0]
    assert ThemeMatcher(taxonomy).evidence("Code in C++ and c#") == {"t": ["c++", "C#"]}


def test_literal_excludes_block_literal_includes():
    taxonomy = _one_theme(include=["S&P"], exclude=["S&P 500"])
    assert theme_hits(["The S&P 500 fell", "S&P cut the rating"], taxonomy)["t"].tolist() == [0, 1]


def test_default_phrases_do_not_match_words_that_only_stem_alike():
    # Porter stems "renewable" to "renew": the energy theme names renewable energy, not a bid
    texts = ["Maxwell would not renew its bid\n\nMaxwell would not renew its bid for the firm."]
    assert not weak_labels(texts, default_taxonomy())["energy"].any()
    renewable = (
        "Renewable energy targets raised\n\nThe ministry raised its renewable energy targets."
    )
    assert weak_labels([renewable], default_taxonomy())["energy"].all()
