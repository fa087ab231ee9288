"""The 28 seed documents, pinned one by one (worked out by reading the files, not the parser)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from topics.corpus import load_corpus, schema

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FTA = "FTA/Economic Cooperation"

# (file prefix, position, title, date or None, provenance, category or None)
EXPECTED = [
    (
        "000",
        1,
        "South Korea and Netherlands strengthen trade relations during ministerial talks",
        None,
        "missing",
        None,
    ),  # "On 20 October" states no year
    (
        "001",
        1,
        "New Technology Axis: South Korea-Dutch Cooperation",
        "2025-04-17",
        "inferred",
        "Analysis",
    ),  # "On 17 April 2025, ..."
    (
        "002",
        1,
        "Korea–U.S. to Strengthen Supply Chain Cooperation Through Standardization",
        "2025-12-04",
        "explicit",
        FTA,
    ),
    (
        "002",
        2,
        "Korea and France Discuss Trade Issues and Industrial Cooperation in Critical "
        "Minerals and EVs",
        "2025-12-03",
        "explicit",
        FTA,
    ),
    ("002", 3, "5th Central Asia Policy Forum", "2025-12-03", "explicit", FTA),
    (
        "002",
        4,
        "MOTIR Explores Ways to Expand Korea–Central Asia Economic Cooperation",
        "2025-12-02",
        "explicit",
        FTA,
    ),
    (
        "002",
        5,
        "Meeting with Senior Assistant Deputy Minister of ISED Canada",
        "2025-12-02",
        "explicit",
        FTA,
    ),
    ("002", 6, "Korea–Serbia Hold First Official CEPA Negotiations", "2025-12-01", "explicit", FTA),
    (
        "002",
        7,
        "Korea and Canada Discuss Economic and Trade Issues, Including Canada’s Steel TRQ Measures",
        "2025-12-01",
        "explicit",
        FTA,
    ),
    (
        "002",
        8,
        "Korea Diversifies Markets Through Latin America Amid Shifting Global Trade Environment",
        "2025-11-28",
        "explicit",
        FTA,
    ),
    (
        "002",
        9,
        "Korea–EU to Deepen Cooperation on Semiconductors, AI, Future Mobility, Batteries, "
        "and Economic Security",
        "2025-11-28",
        "explicit",
        FTA,
    ),
    (
        "002",
        10,
        "Meeting with the Executive Vice-President of the European Commission",
        "2025-11-28",
        "explicit",
        FTA,
    ),
    ("003", 1, "Korea and U.S. discuss chip cooperation", "2024-03-05", "explicit", None),
    (
        "003",
        2,
        "Korea discusses measures to bolster critical minerals cooperation with MSP partners",
        "2024-03-05",
        "explicit",
        None,
    ),
    (
        "003",
        3,
        "Korea and Indonesia to push forward cooperation in future new industries",
        "2024-03-05",
        "explicit",
        None,
    ),
    ("003", 4, "Korea completes final step for DEPA membership", "2024-03-04", "explicit", None),
    (
        "003",
        5,
        "Korea engages in MSP meeting to further global collaboration in critical minerals "
        "supply chain",
        "2024-03-04",
        "explicit",
        None,
    ),
    (
        "003",
        6,
        "Trade Minister furthers bilateral economic cooperation with trade leaders on "
        "margins of WTO's MC13",
        "2024-03-04",
        "explicit",
        None,
    ),
    ("003", 7, "Korea's exports advance 4.8% in February", "2024-03-04", "explicit", None),
    (
        "003",
        8,
        "Korea to make amendments concerning 31 national core technologies to incorporate "
        "changing technological landscape",
        "2024-02-29",
        "explicit",
        None,
    ),
    ("004", 1, "Korea’s ICT exports rebound in February", "2025-03-17", "explicit", None),
    (
        "004",
        2,
        "Korean government holds 35th Energy Commission meeting",
        "2025-03-14",
        "explicit",
        None,
    ),
    (
        "004",
        3,
        "Korea and Mongolia bolster full life cycle cooperation for rare metals",
        "2025-03-12",
        "explicit",
        None,
    ),
    ("004", 4, "Korea and Australia discuss trade cooperation", "2025-03-11", "explicit", None),
    (
        "004",
        5,
        "Korea’s Ambassador for International Investment Cooperation to carry out various "
        "outreach with major U.S. think tanks",
        "2025-03-11",
        "explicit",
        None,
    ),
    (
        "004",
        6,
        "Korea and EU launch 12th FTA Trade Committee meeting",
        "2025-03-11",
        "explicit",
        None,
    ),
    (
        "004",
        7,
        "ASEAN-ROK Think Tank Dialogue (AKTD) officially launched as platform to "
        "strengthen Korea-ASEAN economic and trade cooperation",
        "2025-03-07",
        "explicit",
        None,
    ),
    (
        "004",
        8,
        "Foreign-invested companies to gain greater R&D support",
        "2025-03-06",
        "explicit",
        None,
    ),
]

# The ministry's short/long pairs about one event: (short title, long title = representative).
PAIRS = [
    (
        "5th Central Asia Policy Forum",
        "MOTIR Explores Ways to Expand Korea–Central Asia Economic Cooperation",
    ),
    (
        "Meeting with Senior Assistant Deputy Minister of ISED Canada",
        "Korea and Canada Discuss Economic and Trade Issues, Including Canada’s Steel TRQ Measures",
    ),
    (
        "Meeting with the Executive Vice-President of the European Commission",
        "Korea–EU to Deepen Cooperation on Semiconductors, AI, Future Mobility, Batteries, and "
        "Economic Security",
    ),
]


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(SEEDS)


def test_every_seed_document_is_pinned(corpus):
    frame = corpus.frame
    assert len(frame) == 28
    got = [
        (
            Path(row[schema.SOURCE]).name[:3],
            row[schema.POSITION],
            row[schema.TITLE],
            None if pd.isna(row[schema.DATE]) else row[schema.DATE].date().isoformat(),
            row[schema.DATE_PROVENANCE],
            None if pd.isna(row[schema.CATEGORY]) else row[schema.CATEGORY],
        )
        for row in frame.to_dict("records")
    ]
    assert got == EXPECTED


def test_seed_report_accounts_for_every_record(corpus):
    report = corpus.report
    assert report.files_read == 5
    assert report.records_read == 28
    assert report.kept == 25 and report.merged_near == 3 and report.merged_exact == 0
    assert report.rejected == [] and report.warnings == []
    assert report.records_read == report.kept + report.merged + len(report.rejected)
    # over the 25 kept documents (the 3 merged short releases are explicit too)
    assert report.provenance == {"explicit": 23, "inferred": 1, "missing": 1}
    assert report.undated == 1
    assert (report.date_min, report.date_max) == ("2024-02-29", "2025-12-04")


def test_short_and_long_releases_are_grouped_under_the_long_one(corpus):
    frame = corpus.frame.set_index(schema.TITLE)
    for short, long in PAIRS:
        assert frame.loc[short, schema.IS_DUPLICATE]
        assert frame.loc[short, schema.DUP_KIND] == "near"
        assert frame.loc[short, schema.DUP_GROUP] == frame.loc[long, schema.ID]
        assert not frame.loc[long, schema.IS_DUPLICATE]
        assert frame.loc[long, schema.DUP_GROUP] == frame.loc[long, schema.ID]
    groups = {
        g["representative"]["title"]: [m["title"] for m in g["members"]]
        for g in corpus.report.duplicate_groups
    }
    assert groups == {long: [short] for short, long in PAIRS}


def test_distinct_releases_on_one_theme_stay_apart(corpus):
    """Two releases about the MSP meeting in Toronto, and two about Korea and the Netherlands."""
    frame = corpus.frame.set_index(schema.TITLE)
    for title in (
        "Korea discusses measures to bolster critical minerals cooperation with MSP partners",
        "Korea engages in MSP meeting to further global collaboration in critical minerals "
        "supply chain",
        "South Korea and Netherlands strengthen trade relations during ministerial talks",
        "New Technology Axis: South Korea-Dutch Cooperation",
    ):
        assert not frame.loc[title, schema.IS_DUPLICATE]
        assert frame.loc[title, schema.DUP_GROUP] == frame.loc[title, schema.ID]


def test_web_boilerplate_is_kept_out_of_the_article(corpus):
    text = corpus.frame.set_index(schema.TITLE).loc[
        "New Technology Axis: South Korea-Dutch Cooperation", schema.TEXT
    ]
    assert text.startswith("This agreement between the two countries")
    assert text.endswith("without being stuck in their geopolitical positions.")
    for junk in (
        "Paylaş",
        "also available in",
        "Similar Posts",
        "KIZILYAZI",
        "[1]",
        "[2]",
        "Yonhap News Agency",
        "Analysis",
        "\u00a0",
    ):
        assert junk not in text
    assert "On 17 April 2025, the South Korean Ministry of Foreign Affairs" in text


def test_multi_release_bodies_lose_the_date_mark_and_keep_their_text(corpus):
    frame = corpus.frame
    assert not frame[schema.TEXT].str.contains(r"date\d{4}-\d{2}-\d{2}", regex=True).any()
    first = frame.iloc[2][schema.TEXT]
    assert first.startswith("The Korean Agency for Technology and Standards (KATS")
    assert first.endswith("bolster the global competitiveness of Korean industries.”")
    assert frame.iloc[0][schema.TEXT].startswith("On 20 October, South Korea's Minister")


def test_ids_are_stable_hex_and_survive_renaming(corpus, tmp_path):
    ids = corpus.frame[schema.ID]
    assert ids.str.fullmatch(r"[0-9a-f]{16}").all()
    assert ids.is_unique
    renamed = tmp_path / "renamed.txt"
    renamed.write_bytes((SEEDS / "004_e0d90db096248179.txt").read_bytes())
    again = load_corpus(renamed)
    original = corpus.frame[corpus.frame[schema.SOURCE].str.contains("004_")]
    assert list(again.frame[schema.ID]) == list(original[schema.ID])


def test_documents_and_texts_leave_merged_duplicates_out(corpus):
    docs = corpus.documents()
    assert len(docs) == 25 and not docs[schema.IS_DUPLICATE].any()
    texts = corpus.texts()
    assert len(texts) == 25
    assert texts[0].startswith("South Korea and Netherlands strengthen trade relations\u0020during")
