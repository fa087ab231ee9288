"""Language detection and the shared tokenization (topics.language, issue 13 items 1, 2 and 6)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from topics.language import (
    PHRASE_BREAK,
    analysed_text,
    analysed_texts,
    carries_particles,
    detect_language,
    strip_contacts,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def words(text: str) -> list[str]:
    return analysed_text(text).split()


def test_language_by_script_share():
    assert detect_language("산업통상자원부는 17일 수출입 동향을 발표했다.") == "ko"
    # Latin acronyms inside a Korean release do not make it English
    assert detect_language("한-미 FTA 개정 협상과 IRA, CBAM, USMCA 대응 방안을 논의했다") == "ko"
    assert detect_language("Minister Ahn met the USTR in Washington on 3 March.") == "en"
    # a Korean name quoted in an English release does not make it Korean
    assert detect_language("The Ministry (산업부) announced export figures for March 2025.") == "en"
    assert detect_language("") == "en"
    assert detect_language(None) == "en"


def test_particles_and_endings_are_dropped():
    assert words("반도체는") == words("반도체를") == words("반도체의") == ["반도체"]
    assert words("핵심광물을 확보했습니다") == ["핵심", "광물", "확보"]
    # derivational affixes stay on their noun; "2차전지" is the same word as 이차전지
    assert words("반덤핑 관세와 희토류") == ["반덤핑", "관세", "희토류"]
    assert words("2차전지와 이차전지") == ["이차전지", "이차전지"]
    # function words and verbs never become words of the models
    for dropped in ("함께", "합니다", "했다", "것"):
        assert dropped not in words("정부는 업계와 함께 대응합니다. 그렇게 했다는 것이다.")


def test_phrases_are_broken_where_something_was_dropped():
    text = analysed_text("양측은 합의하였다. 통상교섭본부장은 핵심 광물을 확보한다")
    assert "합의 통상" not in text.replace(PHRASE_BREAK, " | ")
    assert "핵심 광물" in text


def test_particle_bearing_word_forms_are_recognised():
    for inflected in ("반도체는", "반도체를", "합니다", "수출이"):
        assert carries_particles(inflected), inflected
    for plain in ("반도체", "수출", "국가", "수도", "정의", "흐름", "export"):
        assert not carries_particles(plain), plain
    # a stem that is no word of the corpus is no particle-bearing form: 고부가 is "high value"
    assert not carries_particles("고부가", vocabulary={"고부가", "반도체"})


def test_english_text_is_returned_unchanged():
    english = ["Exports rose 5% in March, the ministry said.", "Tariffs on steel."]
    out = analysed_texts(english)
    assert out == english
    assert all(a is b for a, b in zip(out, english, strict=True))


def test_an_analysis_is_its_own_analysis():
    texts = ["반도체 수출이 증가했다", "Steel tariffs", "핵심광물 비축을 늘린다"]
    once = analysed_texts(texts)
    assert analysed_texts(once) == once
    assert analysed_texts([None, 3]) == ["", ""]


def test_urls_emails_and_phone_numbers_are_not_words():
    korean = "자세한 내용은 https://goo.gl/AbCd 참조. 문의 044-203-4000, kim@korea.kr"
    assert set(words(korean)) <= {"내용", "참조", "문의"}
    english = strip_contacts("See https://t.co/xYz, www.motie.go.kr/en or mail kim@korea.kr today")
    for fragment in ("https", "t.co", "xYz", "www", "motie", "korea.kr", "kim@"):
        assert fragment not in english
    assert "See" in english and "today" in english
    assert "+82" not in strip_contacts("call +82-44-203-4000 or write to kim@korea.kr")


def test_kiwipiepy_is_not_imported_for_help_or_english_runs():
    code = (
        "import sys; from topics.cli import app; "
        "assert 'kiwipiepy' not in sys.modules, 'help'; "
        "import topics; from topics.themes import default_taxonomy, weak_labels; "
        f"corpus = topics.load_corpus({str(SEEDS)!r}); "
        "weak_labels(corpus.texts(), default_taxonomy()); "
        "from topics.embed import LocalEmbedder; LocalEmbedder().fit(corpus.texts()); "
        "print('kiwipiepy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_kiwipiepy_model_ships_with_the_package():
    """The model comes from the kiwipiepy_model package: nothing is downloaded at run time."""
    import kiwipiepy_model

    model_dir = Path(kiwipiepy_model.get_model_path())
    assert model_dir.is_dir() and any(model_dir.iterdir())
