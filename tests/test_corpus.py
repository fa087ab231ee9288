"""load_corpus on every input format: mapping, encodings, cleaning, duplicates, Parquet."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from topics.corpus import Corpus, load_corpus, schema
from topics.corpus.clean import clean_text, content_id
from topics.corpus.dates import infer_date
from topics.errors import CorpusError

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
LONG = (
    "The Ministry of Trade held the fifth policy forum on Tuesday in Seoul with fifty experts. "
    "Deputy Minister Park said the partnership on critical minerals and energy would deepen. "
    "Three researchers received ministerial commendations for their work on trade cooperation."
)
KOREAN = "산업통상자원부는 2025년 4월 17일 반도체 공급망 협력을 강화한다고 밝혔다."


def test_csv_with_auto_detected_columns_labels_and_extras(tmp_path):
    path = tmp_path / "releases.csv"
    pd.DataFrame(
        {
            "id": ["a1", "a2"],
            "headline": ["Exports rise", "Imports fall"],
            "body": ["Exports rose  5 percent\u00a0in March.", "Imports fell 2 percent."],
            "date": ["2024-03-01", "2024-04-01"],
            "category": ["Trade", ""],
            "labels": ["trade|exports", '["imports"]'],
            "split": ["train", "test"],
            "source": ["web", "web"],
        }
    ).to_csv(path, index=False)
    corpus = load_corpus(path)
    frame = corpus.frame
    assert list(frame.columns[: len(schema.COLUMNS)]) == schema.COLUMNS
    assert list(frame.columns[len(schema.COLUMNS) :]) == ["split", "input_source", "source_id"]
    assert list(frame[schema.TITLE]) == ["Exports rise", "Imports fall"]
    assert frame[schema.TEXT][0] == "Exports rose 5 percent in March."
    assert list(frame[schema.LABELS]) == [["trade", "exports"], ["imports"]]
    assert frame[schema.CATEGORY][0] == "Trade" and pd.isna(frame[schema.CATEGORY][1])
    assert list(frame[schema.DATE_PROVENANCE]) == ["explicit", "explicit"]
    assert list(frame["source_id"]) == ["a1", "a2"]
    assert list(frame[schema.POSITION]) == [1, 2]


def test_mapping_options_choose_the_columns(tmp_path):
    path = tmp_path / "x.tsv"
    path.write_text("when\tsubject\tstory\tkind\nMarch 5, 2024\tA\tFirst story.\tK\n", "utf-8")
    frame = load_corpus(
        path,
        text_column="story",
        title_column="subject",
        date_column="when",
        category_column="kind",
    ).frame
    assert frame[schema.TEXT][0] == "First story."
    assert frame[schema.DATE][0] == pd.Timestamp("2024-03-05")
    assert frame[schema.CATEGORY][0] == "K"


def test_headerless_tsv_like_octis_loads_with_column_names(tmp_path):
    path = tmp_path / "corpus.tsv"
    path.write_text("broadband ahead join internet\ttrain\ttech\nplan share sale\ttest\tbusiness\n")
    with pytest.raises(CorpusError, match="--columns"):
        load_corpus(path)
    frame = load_corpus(path, columns=["text", "split", "labels"]).frame
    assert list(frame[schema.TEXT]) == ["broadband ahead join internet", "plan share sale"]
    assert list(frame[schema.LABELS]) == [["tech"], ["business"]]
    assert list(frame["split"]) == ["train", "test"]


def test_jsonl_gz_with_empty_text_uses_the_title_and_rejects_bad_lines(tmp_path):
    path = tmp_path / "r.jsonl.gz"
    rows = [
        {"id": 1, "date": "1987-02-26T15:01:01", "title": "BAHIA COCOA REVIEW", "text": "Showers."},
        {"id": 2, "date": "1987-02-26T15:02:20", "title": "BRIEF ITEM SAYS SOMETHING", "text": ""},
        {"id": 3, "date": "1987-02-26", "title": "", "text": ""},
    ]
    lines = [json.dumps(r) for r in rows] + ["{not json"]
    path.write_bytes(gzip.compress("\n".join(lines).encode("utf-8")))
    corpus = load_corpus(path)
    assert list(corpus.frame[schema.TITLE]) == ["BAHIA COCOA REVIEW", "BRIEF ITEM SAYS SOMETHING"]
    assert corpus.texts()[1] == "BRIEF ITEM SAYS SOMETHING"
    assert corpus.frame[schema.DATE][0] == pd.Timestamp("1987-02-26 15:01:01")
    rejected = corpus.report.rejected
    assert [(p, f) for _, p, f, _ in rejected] == [(3, "text"), (4, "json")]
    assert "empty" in rejected[0][3] and "JSON" in rejected[1][3]
    report = corpus.report
    assert report.records_read == 4 == report.kept + report.merged + len(report.rejected)


def test_folder_of_txt_and_md_files(tmp_path):
    (tmp_path / "a.txt").write_text("Trade talks\n\nOn 3 May 2024, the two sides met.\n", "utf-8")
    (tmp_path / "b.md").write_text("# Energy plan\n\nThe plan covers gas and power.\n", "utf-8")
    (tmp_path / "notes.bin").write_bytes(b"\x00\x01")  # unknown extension: not read
    frame = load_corpus(tmp_path).frame
    assert list(frame[schema.TITLE]) == ["Trade talks", "Energy plan"]
    assert list(frame[schema.DATE_PROVENANCE]) == ["inferred", "missing"]
    assert frame[schema.DATE][0] == pd.Timestamp("2024-05-03")


def test_utf8_bom_and_cp949_korean_survive(tmp_path):
    bom = tmp_path / "bom.csv"
    bom.write_bytes("title,text\n제목,".encode("utf-8-sig") + KOREAN.encode("utf-8") + b"\n")
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes(f"보도자료 제목\n\n{KOREAN}\n".encode("cp949"))
    corpus = load_corpus([bom, legacy])
    assert list(corpus.frame[schema.TITLE]) == ["제목", "보도자료 제목"]
    assert list(corpus.frame[schema.TEXT]) == [KOREAN, KOREAN]
    assert corpus.frame[schema.DATE][1] == pd.Timestamp("2025-04-17")
    forced = load_corpus(legacy, encoding="cp949")
    assert forced.frame[schema.TEXT][0] == KOREAN
    euc = tmp_path / "euc.txt"
    euc.write_bytes(f"제목\n\n{KOREAN}\n".encode("euc-kr"))
    assert load_corpus(euc, encoding="euc-kr").frame[schema.TEXT][0] == KOREAN


def test_cleaning_nfc_controls_and_whitespace():
    decomposed = "Cafe\u0301\u200b  report\x07\r\n\n\n\nline\u00a0two\t"
    assert clean_text(decomposed) == "Café report\n\nline two"
    assert content_id("T", "x") == content_id("T", "x") != content_id("T", "y")


def test_cleaning_decodes_html_character_references_once(tmp_path):
    assert clean_text("&lt;택시운전사&gt; 1천만") == "<택시운전사> 1천만"
    assert clean_text("Q&amp;A, caf&eacute;, it&#8217;s, &#x2019;") == "Q&A, café, it’s, ’"
    # without a semicolon, unknown, or escaped twice: as a browser shows it
    assert (
        clean_text("R&D at AT&T &notice &nosuch; &amp;lt;") == "R&D at AT&T &notice &nosuch; &lt;"
    )
    assert clean_text("a&#5;b&#x0b;c") == "abc"  # a control character, once decoded, goes too
    path = tmp_path / "feed.jsonl"
    path.write_text(
        '{"title": "Q&amp;A", "text": "&lt;Korea&gt; &amp; the EU", "date": "2024-01-02"}\n'
    )
    frame = load_corpus(path).frame
    assert (frame[schema.TITLE][0], frame[schema.TEXT][0]) == ("Q&A", "<Korea> & the EU")


def test_dates_in_text_need_a_year():
    assert infer_date("On 20 October, the minister met") is None
    assert infer_date("On 17 April 2025, the ministry") == pd.Timestamp("2025-04-17")
    assert infer_date("held on December 4, 2025 in Seoul") == pd.Timestamp("2025-12-04")
    assert infer_date("in 2024 and on 1 June 2023 and 2022-01-05") == pd.Timestamp("2023-06-01")


def test_unparseable_date_keeps_the_record_undated_with_a_warning(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("title,text,date\nA,Some text.,next Tuesday\nB,Other text.,2024-02-30\n")
    corpus = load_corpus(path)
    assert len(corpus.frame) == 2
    assert list(corpus.frame[schema.DATE_PROVENANCE]) == ["missing", "missing"]
    warnings = corpus.report.warnings
    assert [(p, f) for _, p, f, _ in warnings] == [(1, "date"), (2, "date")]
    assert "next Tuesday" in warnings[0][3] and "undated" in warnings[0][3]
    assert corpus.report.undated == 2


def test_exact_and_near_duplicates(tmp_path):
    short = (
        "Deputy Minister Park said the partnership on critical minerals and energy would deepen."
    )
    rows = [
        {"title": "Forum", "text": LONG, "date": "2025-12-02"},
        {"title": "Forum", "text": LONG, "date": "2025-12-02"},  # exact copy
        {"title": "Forum held", "text": short, "date": "2025-12-03"},  # short version
        {
            "title": "Other",
            "text": "A different release about steel quotas and tariffs in Canada.",
            "date": "2025-12-03",
        },
    ]
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), "utf-8")
    corpus = load_corpus(path)
    frame = corpus.frame
    rep = frame[schema.ID][0]
    assert list(frame[schema.DUP_GROUP]) == [rep, rep, rep, frame[schema.ID][3]]
    assert list(frame[schema.IS_DUPLICATE]) == [False, True, True, False]
    assert list(frame[schema.DUP_KIND].fillna("-")) == ["-", "exact", "near", "-"]
    assert frame[schema.ID][1] == rep  # identical content, identical id
    assert (corpus.report.merged_exact, corpus.report.merged_near) == (1, 1)
    assert len(corpus.documents()) == 2
    undeduped = load_corpus(path, dedup=False)
    assert not undeduped.frame[schema.IS_DUPLICATE].any()
    far = tmp_path / "far.jsonl"
    rows[2]["date"] = "2026-06-01"  # same words, months later: a different release
    far.write_text("\n".join(json.dumps(r) for r in rows), "utf-8")
    assert load_corpus(far).frame[schema.DUP_KIND].fillna("-").tolist()[2] == "-"


def test_templated_series_with_different_figures_are_not_merged(tmp_path):
    template = (
        "The Bank of England said it provided the money market with {} mln stg late help. "
        "This brings the total assistance today to {} mln stg and compares with the revised "
        "shortage forecast of around one billion stg."
    )
    rows = [
        {"title": "MONEY MARKET HELP", "text": template.format(a, b), "date": "1987-04-07"}
        for a, b in ((550, 890), (25, 915), (181, 400))
    ]
    path = tmp_path / "t.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), "utf-8")
    assert not load_corpus(path).frame[schema.IS_DUPLICATE].any()


def test_parquet_round_trip_is_exact(tmp_path):
    corpus = load_corpus(SEEDS)
    corpus.frame["labels"] = [["a", "b"]] + [[]] * (len(corpus.frame) - 1)
    out = tmp_path / "c.parquet"
    corpus.to_parquet(out)
    again = Corpus.read_parquet(out)
    assert_frame_equal(again.frame, corpus.frame)
    assert again.frame[schema.LABELS][0] == ["a", "b"]
    assert isinstance(again.frame[schema.LABELS][1], list)
    assert again.report == corpus.report
    # load_corpus on a written corpus reads it back as it is
    assert_frame_equal(load_corpus(out).frame, corpus.frame)


def test_plain_parquet_input_and_extra_list_columns(tmp_path):
    path = tmp_path / "in.parquet"
    pd.DataFrame(
        {"content": ["Body one.", "Body two."], "topics": [["x"], ["y", "z"]], "n": [1, 2]}
    ).to_parquet(path)
    frame = load_corpus(path).frame
    assert list(frame[schema.LABELS]) == [["x"], ["y", "z"]]
    assert list(frame["n"]) == [1, 2]
    with pytest.raises(CorpusError, match="not a corpus written by"):
        Corpus.read_parquet(path)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", "A", "Trade", "Forum"]),
            st.sampled_from(["", "x", LONG, LONG[:90], "Body text here."]),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_every_record_is_accounted_for(tmp_path, rows):
    path = tmp_path / "h.jsonl"
    path.write_text("\n".join(json.dumps({"title": t, "text": b}) for t, b in rows), "utf-8")
    try:
        corpus = load_corpus(path)
    except CorpusError:
        assert all(not t and not b for t, b in rows)  # nothing left to keep
        return
    report = corpus.report
    assert report.records_read == len(rows)
    assert report.records_read == report.kept + report.merged_exact + report.merged_near + len(
        report.rejected
    )
    assert len(corpus.frame) == report.kept + report.merged
    assert len(corpus.documents()) == report.kept


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda d: d / "missing.txt", "no such file"),
        (lambda d: _write(d / "empty.txt", b""), "empty"),
        (lambda d: _write(d / "blob.txt", b"\x89PNG\x00\x00\x01\x02" * 50), "binary"),
        (
            lambda d: _write(d / "nocol.csv", b"name,when\nx,2024-01-01\n"),
            "columns found: 'name', 'when'",
        ),
        (lambda d: _write(d / "only_empty.csv", b"title,text\n,\n"), "no release found"),
    ],
)
def test_fatal_problems_raise_corpus_error(tmp_path, make, match):
    with pytest.raises(CorpusError, match=match) as info:
        load_corpus(make(tmp_path))
    assert info.value.hint


def test_undecodable_bytes_with_a_forced_encoding(tmp_path):
    path = _write(tmp_path / "k.txt", f"제목\n\n{KOREAN}\n".encode("cp949"))
    with pytest.raises(CorpusError, match=r"line 1, byte \d+: not valid utf-8") as info:
        load_corpus(path, encoding="utf-8")
    assert "--encoding" in info.value.hint


def test_missing_text_column_names_the_option(tmp_path):
    path = _write(tmp_path / "x.csv", b"title,text\nA,B\n")
    with pytest.raises(CorpusError, match="no column 'story'") as info:
        load_corpus(path, text_column="story")
    assert "--text-column" in info.value.hint


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_multi_release_format_rules(tmp_path):
    text = (
        "-\r\n"
        "Trade\r\n"  # category: short, followed by a title and a body
        "Korea and Chile review their FTA\r\n"
        "Officials met in Santiago to review the agreement. date2024-05-02\r\n"
        "-\r\n"
        "Exports rise\r\n"  # no category: title, then a two-paragraph body
        "Exports rose again in April, the ministry said on May 1, 2024.\r\n"
        "Chips led the rise.\r\n"
        "-\r\n"
        "Energy talks\r\n"
        "The minister met his counterpart. date2024-13-45\r\n"
    )
    path = tmp_path / "multi.txt"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    corpus = load_corpus(path)
    frame = corpus.frame
    assert list(frame[schema.TITLE]) == [
        "Korea and Chile review their FTA",
        "Exports rise",
        "Energy talks",
    ]
    assert frame[schema.CATEGORY].fillna("-").tolist() == ["Trade", "-", "-"]
    assert frame[schema.DATE_PROVENANCE].tolist() == ["explicit", "inferred", "missing"]
    assert frame[schema.DATE][1] == pd.Timestamp("2024-05-01")
    assert frame[schema.TEXT][1] == (
        "Exports rose again in April, the ministry said on May 1, 2024.\n\nChips led the rise."
    )
    assert frame[schema.TEXT][2] == "The minister met his counterpart."
    assert [(p, f) for _, p, f, _ in corpus.report.warnings] == [(3, "date")]


def test_a_reply_quoting_a_post_is_not_its_duplicate(tmp_path):
    post = (
        "Is there an ftp site where I can get the speaker sound driver? There is a sound.exe "
        "file that claims to be the driver but I am suspicious since it is not a drv file."
    )
    reply = "\n".join(f"> {line}" for line in post.split(". ")) + (
        "\n\nThe sound.exe is a self extracting archive that holds the driver and a readme; run "
        "it in an empty folder and install the driver from the control panel."
    )
    path = tmp_path / "news.jsonl"
    rows = [
        {"title": "Speaker driver", "text": post},
        {"title": "Re: Speaker driver", "text": reply},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows), "utf-8")
    assert not load_corpus(path).frame[schema.IS_DUPLICATE].any()
    unquoted = tmp_path / "copy.jsonl"
    rows[1]["text"] = post + " Thanks."
    unquoted.write_text("\n".join(json.dumps(r) for r in rows), "utf-8")
    assert load_corpus(unquoted).frame[schema.DUP_KIND].tolist()[0] == "near"


def test_a_seed_record_without_text_is_rejected(tmp_path):
    path = tmp_path / "m.txt"
    path.write_text("-\nTitle one\nBody one. date2024-01-02\n-\n\n-\nTitle three\nBody three.\n")
    corpus = load_corpus(path)
    assert list(corpus.frame[schema.TITLE]) == ["Title one", "Title three"]
    assert corpus.report.rejected == []  # an empty block between separators is no record
    blank = tmp_path / "blank.md"
    blank.write_text("Share\n\nTweet\n")  # nothing but share buttons
    with pytest.raises(CorpusError, match="1 records rejected"):
        load_corpus(blank)
    mixed = load_corpus([path, blank])
    assert mixed.report.rejected == [
        (str(blank), 1, "text", "no text: the title and the text are empty")
    ]


def test_explicit_dates_across_centuries_and_formats():
    from topics.corpus.dates import parse_date

    assert parse_date("1790-01-08") == pd.Timestamp("1790-01-08")
    assert parse_date("26-FEB-1987 15:01:01.79") == pd.Timestamp("1987-02-26 15:01:01.790")
    assert parse_date("2024.03.05") == pd.Timestamp("2024-03-05")
    assert parse_date("2024-03-05T10:00:00+09:00") == pd.Timestamp("2024-03-05 10:00")
    assert parse_date("") is None and parse_date(None) is None
    with pytest.raises(ValueError, match="out of range"):
        parse_date("1500-01-01")
    with pytest.raises(ValueError, match="cannot read 'soon'"):
        parse_date("soon")


def test_only_the_lead_of_a_release_dates_it():
    import datetime as dt

    from topics.corpus.dates import LEAD_CHARS, resolve_date

    lead = "On 17 April 2025, the ministry announced an agreement. "
    history = "x " * LEAD_CHARS + "The treaty was first signed on 5 March 1999."
    assert resolve_date(None, lead + history, infer=True)[:2] == (
        dt.datetime(2025, 4, 17),
        "inferred",
    )
    assert resolve_date(None, "No date up front. " + history, infer=True)[:2] == (None, "missing")
