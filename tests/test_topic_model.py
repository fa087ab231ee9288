"""TopicModel on the 28 seed releases: topics, persistence, guided use, themes, reproducibility."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from topics.errors import ModelFormatError, TrainingError
from topics.topic_model import DOMAIN_STOP_WORDS, TopicModel
from topics.topic_model._text import (
    GENERIC_WORDS,
    PRESS_STOP_WORDS,
    fit_term_vectorizer,
    generic_terms,
    person_names,
    term_stop_words,
)

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

THEMES = {
    "semiconductors": ["semiconductors", "chips", "semiconductor supply chain"],
    "critical_minerals": ["critical minerals", "rare metals", "lithium", "graphite"],
    "exports": ["exports", "trade balance", "export growth"],
    "trade_negotiations": ["free trade agreement", "FTA negotiations", "CEPA"],
}


def seed_corpus() -> tuple[list[str], list]:
    """The seed releases (duplicates merged by the corpus reader), as texts and dates."""
    from topics.corpus import load_corpus
    from topics.corpus import schema as S

    frame = load_corpus(SEEDS).frame
    frame = frame[~frame[S.IS_DUPLICATE]]
    texts = [S.document_text(t, b) for t, b in zip(frame[S.TITLE], frame[S.TEXT], strict=True)]
    return texts, list(frame[S.DATE])


@pytest.fixture(scope="module")
def seeds():
    return seed_corpus()


@pytest.fixture(scope="module")
def model(seeds):
    texts, _ = seeds
    return TopicModel(random_state=0, themes=THEMES).fit(texts)


def _topic_of(model, term: str) -> int:
    hits = [k for k, terms in enumerate(model.topic_terms_) if term in terms]
    assert hits, f"no topic has the term {term!r}: {model.topic_terms_}"
    return hits[0]


def test_seeds_give_several_coherent_topics(model, seeds):
    texts, _ = seeds
    assert len(texts) == 25
    info = model.fit_info_
    assert info["path"] == "silhouette-agglomerative"
    assert model.n_topics_ == 5
    assert model.sizes_.sum() == len(texts)
    assert model.sizes_.min() >= 2
    # what we get, pinned: exports, critical minerals, semiconductors/technology, negotiations
    exports = _topic_of(model, "exports")
    minerals = _topic_of(model, "critical minerals")
    semis = _topic_of(model, "semiconductors")
    fta = _topic_of(model, "negotiations")
    assert len({exports, minerals, semis, fta}) == 4
    titles = [t.split("\n")[0] for t in texts]
    export_titles = [titles[i] for i in np.flatnonzero(model.labels_ == exports)]
    assert all("export" in t.lower() for t in export_titles)
    assert any("Serbia" in titles[i] for i in np.flatnonzero(model.labels_ == fta))
    # the labels, pinned: what the topic's documents share, in an analyst's words
    assert model.topic_info()["label"].tolist() == [
        "eu, fta, steel",
        "technology, semiconductors, standards",
        "critical minerals, supply chain, msp",
        "asean, think tanks, research institutions",
        "exports, surplus, devices",
    ]


def test_domain_words_never_define_topics(model):
    banned = DOMAIN_STOP_WORDS | PRESS_STOP_WORDS
    for terms in model.topic_terms_:
        assert len(terms) == 10
        for term in terms:
            words = term.split()
            assert not set(words) & banned, term
            assert not set(words) <= GENERIC_WORDS, term  # "trade" only inside a bigram
            assert not set(words) & {"park", "jung", "sung"}, term  # personal names
    assert any(" " in t for terms in model.topic_terms_ for t in terms)  # bigrams are used


def test_labels_hold_no_stop_word_and_no_bigram_beside_its_own_word(model):
    labels = model.topic_info()["label"].tolist()
    for label, terms in zip(labels, model.topic_terms_, strict=True):
        words = [w for term in label.split(", ") for w in term.split()]
        assert not set(words) & (DOMAIN_STOP_WORDS | PRESS_STOP_WORDS), label
        assert len(words) == len(set(words)), label  # never "msp, msp partners"
        # the same holds for all ten terms: no two share a word
        all_words = [w for term in terms for w in term.split()]
        assert len(all_words) == len(set(all_words)), terms


def test_person_names_spare_countries_and_ordinary_words():
    texts = [
        "Trade Minister Yeo Han-koo met Minister Joly of Canada in Ottawa.",
        "Canada and Korea reviewed Canada's steel measures. Deputy Minister Park spoke.",
        "Canada exports steel. Minister Steel said little.",
        "A steel park, a chip park; steel demand; Minister Lithium visited.",
    ]
    names = person_names(texts, protected=["lithium supply"])
    assert {"yeo", "han", "koo", "joly"} <= names
    assert "canada" not in names and "ottawa" not in names
    assert "steel" not in names  # mostly lower-case: an ordinary word
    assert "lithium" not in names  # a theme word
    assert "park" not in names  # "steel park", "chip park": more often lower-case
    assert person_names(["minister park said", ""]) == set()


def test_titles_are_found_in_any_case_and_names_in_a_spread_sample(monkeypatch):
    from topics.topic_model import _text

    texts = ["MINISTER Joly spoke.", "minister Beljaarts met Secretary Raimondo.", "Mr. Smith"]
    assert {"joly", "beljaarts", "raimondo", "smith"} <= person_names(texts)
    # Above TERM_SAMPLE texts, names come from evenly spaced ones: first, middle and last here
    monkeypatch.setattr(_text, "TERM_SAMPLE", 3)
    corpus = ["Minister Alpha said."] + ["Minister Beta said."] * 3 + ["Minister Gamma said."]
    corpus[2] = "Minister Delta said."
    stops = set(term_stop_words("english", corpus))
    assert {"alpha", "delta", "gamma"} <= stops and "beta" not in stops


def test_a_fixed_term_vocabulary_counts_as_the_fitted_one():
    texts = ["the balance stood at a surplus", "trade balance and trade remedies", "exports rose"]
    texts = texts * 4
    vectorizer, doc_terms = fit_term_vectorizer(texts, ["the", "at", "a", "and"], (1, 2), True)
    terms = list(vectorizer.get_feature_names_out())
    assert "balance surplus" not in terms and "trade balance" in terms and "trade" not in terms
    assert (vectorizer.transform(texts) != doc_terms).nnz == 0


def test_above_term_sample_terms_come_from_spread_texts_and_every_text_is_counted(monkeypatch):
    from topics import _tfidf
    from topics.topic_model import _text

    texts = [f"steel tariffs rose {w}" for w in ("alpha", "beta", "gamma", "delta")] * 3
    texts += ["lithium quotas lithium quotas"] * 2  # the last two: one of them in the sample
    monkeypatch.setattr(_text, "TERM_SAMPLE", 4)
    assert _tfidf.spread(texts, 4) == [texts[0], texts[4], texts[8], texts[13]]  # alpha x3
    vectorizer, doc_terms = fit_term_vectorizer(texts, None, (1, 2), False)
    assert doc_terms.shape[0] == len(texts)
    assert (vectorizer.transform(texts) != doc_terms).nnz == 0
    terms = set(vectorizer.get_feature_names_out())
    assert {"lithium quotas", "alpha"} <= terms and not {"beta", "gamma"} & terms


def test_generic_words_only_inside_bigrams(model):
    terms = set(model.vectorizer_.get_feature_names_out())
    assert "trade balance" in terms and "economic security" in terms
    assert not {"trade", "economic", "global trade"} & terms
    assert "balance surplus" not in terms  # "balance stood at a surplus": words never adjacent
    vocab = ["trade", "global trade", "trade remedies", "exports", "economic security"]
    np.testing.assert_array_equal(generic_terms(vocab), [True, True, False, False, False])
    stops = term_stop_words("english+domain", ["Minister Kim Min-ho said."])
    assert {"kim", "min", "ho", "issues", "korea"} <= set(stops)
    assert "trade" not in stops  # removed as a term alone, kept for bigrams
    assert term_stop_words(None, ["Minister Kim said"]) is None
    english = set(term_stop_words("english", ["Minister Kim said"]))
    assert "kim" in english and "issues" not in english  # names go, the domain lists stay out


def test_topic_info_columns(model):
    info = model.topic_info()
    assert list(info.columns) == [
        "topic",
        "size",
        "label",
        "terms",
        "weights",
        "representative_docs",
        "themes",
    ]
    assert info["topic"].tolist() == list(range(model.n_topics_))
    assert info["size"].tolist() == sorted(info["size"], reverse=True)
    for row in info.itertuples():
        assert row.label == ", ".join(row.terms[:3])
        assert len(row.weights) == len(row.terms)
        assert all(w > 0 for w in row.weights)
        assert 1 <= len(row.representative_docs) <= 3
        assert len(row.themes) == 3


def test_themes_map_to_matching_topics(model):
    table = model.map_topics_to_themes(THEMES, top_n=1)
    best = dict(zip(table.topic, table.theme, strict=True))
    assert best[_topic_of(model, "exports")] == "exports"
    assert best[_topic_of(model, "critical minerals")] == "critical_minerals"
    assert best[_topic_of(model, "semiconductors")] == "semiconductors"
    assert set(table.columns) == {"topic", "theme", "score", "rank"}


def test_training_assignments_equal_transform(model, seeds):
    texts, _ = seeds
    ids, probs = model.transform(texts)
    np.testing.assert_array_equal(ids, model.labels_)
    assert model.fit_info_["train_transform_agreement"] == 1.0
    assert probs.shape == (len(texts), model.n_topics_)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)
    np.testing.assert_array_equal(probs.argmax(axis=1), ids)


def test_save_load_identical_predictions(model, seeds, tmp_path):
    texts, dates = seeds
    new = ["Korea and Chile discuss lithium supply", "Chip exports rose in March", ""]
    model.save(tmp_path)
    names = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    assert names == [
        "arrays.npz", "embedder.json", "svd.npz", "tfidf.json", "tfidf.npz", "topic_model.json"
    ]  # fmt: skip
    loaded = TopicModel.load(tmp_path)
    for batch in (texts, new):
        a, pa = model.transform(batch)
        b, pb = loaded.transform(batch)
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(pa, pb)
    pd.testing.assert_frame_equal(loaded.topic_info(), model.topic_info())
    pd.testing.assert_frame_equal(
        loaded.topics_over_time(texts, dates, "quarter"),
        model.topics_over_time(texts, dates, "quarter"),
    )
    pd.testing.assert_frame_equal(
        loaded.map_topics_to_themes(THEMES), model.map_topics_to_themes(THEMES)
    )


def test_load_refuses_other_formats(tmp_path):
    (tmp_path / "topic_model.json").write_text(json.dumps({"format": "x"}), "utf-8")
    with pytest.raises(ModelFormatError, match="not a version"):
        TopicModel.load(tmp_path)
    with pytest.raises(ModelFormatError, match="missing"):
        TopicModel.load(tmp_path / "nowhere")


def test_guided_use_does_not_mutate_caller_data(seeds):
    texts, _ = seeds
    seed_list = [["critical minerals", "lithium"], ["semiconductors", "chips"]]
    themes = copy.deepcopy(THEMES)
    texts_before = list(texts)
    seed_before = copy.deepcopy(seed_list)
    themes_before = copy.deepcopy(themes)
    guided = TopicModel(n_topics=4, seed_topic_list=seed_list, themes=themes).fit(texts)
    assert seed_list == seed_before
    assert themes == themes_before
    assert texts == texts_before
    assert guided.n_topics_ == 4
    assert guided.sizes_.sum() == len(texts)


def test_caller_embedder_is_not_fitted(seeds):
    from topics.embed import LocalEmbedder

    texts, _ = seeds
    mine = LocalEmbedder(n_components=5)
    TopicModel(embedder=mine, n_topics=3).fit(texts)
    assert not hasattr(mine, "pipeline_")


def test_fixed_number_of_topics_and_errors(seeds):
    texts, _ = seeds
    fixed = TopicModel(n_topics=3, representation="ctfidf").fit(texts)
    assert fixed.n_topics_ == 3
    assert fixed.fit_info_["path"] == "kmeans"
    with pytest.raises(TrainingError, match="n_topics"):
        TopicModel(n_topics=len(texts)).fit(texts)
    with pytest.raises(TrainingError, match="too few"):
        TopicModel().fit(texts[:2])
    with pytest.raises(TrainingError, match="vocabulary"):
        TopicModel().fit(["the and of", "korea ministry said", "a the of"])


def test_topics_over_time_shares_and_zero_fill(model, seeds):
    texts, dates = seeds
    table = model.topics_over_time(texts, dates, "month")
    assert isinstance(table["period"].dtype, pd.PeriodDtype)
    periods = table["period"].unique()
    # 2024-02 … 2025-12, every month present even with no release
    assert periods[0] == pd.Period("2024-02", "M") and periods[-1] == pd.Period("2025-12", "M")
    assert len(periods) == 23
    assert len(table) == 23 * model.n_topics_
    per = table.groupby("period")["share"].sum()
    counts = table.groupby("period")["count"].sum()
    np.testing.assert_allclose(per[counts > 0], 1.0)
    assert (per[counts == 0] == 0).all()
    assert table.attrs["n_undated"] == sum(pd.isna(d) for d in dates)
    yearly = model.topics_over_time(model.labels_, dates, "year")
    assert yearly["terms"].isna().all()
    assert yearly["count"].sum() == len(texts) - yearly.attrs["n_undated"]


def test_topics_over_time_accepts_strings_and_datetimes(model, seeds):
    texts, dates = seeds
    as_text = [None if pd.isna(d) else d.strftime("%Y-%m-%d") for d in dates]
    a = model.topics_over_time(texts, dates, "quarter")
    b = model.topics_over_time(texts, as_text, "quarter")
    pd.testing.assert_frame_equal(a, b)


def test_topics_over_time_has_no_look_ahead(model, seeds):
    texts, dates = seeds
    full = model.topics_over_time(texts, dates, "quarter")
    cut = pd.Timestamp("2024-12-31")
    keep = [i for i, d in enumerate(dates) if pd.isna(d) or d <= cut]
    early = model.topics_over_time([texts[i] for i in keep], [dates[i] for i in keep], "quarter")
    # later documents change nothing about the periods before them
    head = full[full["period"] <= early["period"].max()].reset_index(drop=True)
    assert len(head) == len(early) > 0
    pd.testing.assert_frame_equal(
        head[["period", "topic", "terms"]], early[["period", "topic", "terms"]]
    )
    first = full[full["period"] == full["period"].min()]
    assert any(t for t in first["terms"])


def test_reproducible_across_processes(model, seeds):
    code = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from test_topic_model import seed_corpus, THEMES\n"
        "from topics.topic_model import TopicModel\n"
        "texts, dates = seed_corpus()\n"
        "m = TopicModel(random_state=0, themes=THEMES).fit(texts)\n"
        "print(json.dumps({'labels': m.labels_.tolist(), 'terms': m.topic_terms_,"
        " 'centroids': m.centroids_.tolist()}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    other = json.loads(out.stdout.strip().splitlines()[-1])
    assert other["labels"] == model.labels_.tolist()
    assert other["terms"] == model.topic_terms_
    np.testing.assert_array_equal(np.array(other["centroids"]), model.centroids_)


def test_select_terms_limits_sharing_and_redundancy():
    import scipy.sparse as sp

    from topics.topic_model import select_terms

    vocab = ["trade", "critical", "critical minerals", "minerals", "lithium", "chips", "exports"]
    weights = np.array(
        [
            [0.9, 0.8, 0.7, 0.6, 0.5, 0.0, 0.1],
            [0.8, 0.0, 0.0, 0.0, 0.0, 0.9, 0.2],
            [0.7, 0.0, 0.0, 0.0, 0.0, 0.1, 0.9],
        ]
    )
    presence = sp.csr_matrix(np.ones((4, len(vocab))))
    chosen = select_terms(weights, presence, vocab, top_n=2, max_topics_per_term=2)
    terms = [[vocab[j] for j in idx] for idx in chosen]
    assert terms[0][0] == "trade"
    assert "trade" in terms[1] and "trade" not in terms[2]  # at most two topics per term
    # a term must add a new word stem: never "critical minerals" with both its words
    chosen = select_terms(weights, presence, vocab, top_n=4, max_topics_per_term=2)
    terms = [[vocab[j] for j in idx] for idx in chosen]
    assert sum(t in terms[0] for t in ("critical", "critical minerals", "minerals")) <= 2
    if "critical minerals" in terms[0]:  # nor beside one of its own words
        assert not {"critical", "minerals"} & set(terms[0])
    # too few terms under the sharing rule: topped up in c-TF-IDF order
    assert terms[2] == ["exports", "chips", "trade"]
    plain = select_terms(
        weights, presence, vocab, top_n=3, coherence_weight=0.0, max_topics_per_term=3, candidates=3
    )
    assert [vocab[j] for j in plain[2]] == ["exports", "trade", "chips"]


def test_bigram_stands_in_for_its_word_only_when_it_holds_most_of_it():
    import scipy.sparse as sp

    from topics.topic_model import select_terms
    from topics.topic_model._represent import label_first, stand_in_weights

    vocab = ["think", "think tank", "tank", "msp", "msp partners", "partners", "asean"]
    weights = np.array([[0.9, 0.5, 0.5, 1.0, 0.4, 0.3, 0.8]])
    counts = np.array([[4, 3, 3, 10, 2, 2, 6]])
    presence = sp.csr_matrix(np.ones((3, len(vocab))))
    chosen = select_terms(weights, presence, vocab, top_n=4, counts=counts)
    terms = [vocab[j] for j in chosen[0]]
    # "think tank" holds 3 of the 4 "think": it replaces "think" (and "tank") with its weight;
    # "msp partners" holds 2 of 10 "msp": "msp" stays and the bigram never sits beside it
    assert terms[:2] == ["msp", "think tank"]
    assert not {"think", "tank", "msp partners"} & set(terms)
    without = select_terms(weights, presence, vocab, top_n=4)
    assert [vocab[j] for j in without[0]][:2] == ["msp", "think"]
    # of two bigrams as frequent, the one the word ends stands in for it
    vocab = ["balance", "balance surplus", "trade balance", "exports"]
    raised = stand_in_weights(np.array([[0.5, 0.1, 0.1, 1.0]]), vocab, np.array([[4, 4, 4, 9]]))
    np.testing.assert_array_equal(raised, [[0.5, 0.1, 0.5, 1.0]])
    # the label takes the terms most of the topic's documents share
    docs = sp.csr_matrix(np.array([[1, 0, 1], [0, 1, 1], [0, 1, 1]]))
    order = label_first([np.array([0, 1, 2])], np.array([[1.0, 0.6, 0.5]]), docs, np.zeros(3), 2)
    assert order[0].tolist() == [2, 1, 0]  # scores 1/3, 0.4, 0.5


def test_fitted_embedder_is_reused_not_refit(seeds):
    from topics.embed import LocalEmbedder

    texts, _ = seeds
    fitted = LocalEmbedder(n_components=6).fit([*texts, "an extra document on steel tariffs"])
    before = fitted.transform(texts)
    model = TopicModel(embedder=fitted, n_topics=3).fit(texts)
    assert model.embedder_ is not fitted
    np.testing.assert_array_equal(model.embedder_.transform(texts), before)
    np.testing.assert_array_equal(fitted.transform(texts), before)


def test_score_topic_model_on_the_training_texts(model, seeds):
    from topics.evaluate import score_topic_model, topic_words

    texts, _ = seeds
    scores = score_topic_model(model, texts)
    assert scores["n_topics"] == model.n_topics_
    assert scores["topk"] == 10
    assert -1.0 <= scores["npmi"] <= 1.0
    assert 0.0 < scores["diversity"] <= 1.0
    assert scores["npmi"] == pytest.approx(np.mean(scores["npmi_per_topic"]))
    assert topic_words(["critical minerals", "minerals", "supply chain"]) == [
        "critical",
        "minerals",
        "supply",
        "chain",
    ]


def test_empty_documents_are_outliers_reassigned_not_a_crash(seeds):
    texts, _ = seeds
    model = TopicModel().fit([*texts[:12], "", "   "])
    assert model.fit_info_["path"] == "silhouette-agglomerative"
    assert model.fit_info_["n_outliers_reassigned"] == 2
    assert model.sizes_.sum() == 14
    ids, _ = model.transform([*texts[:12], "", "   "])
    np.testing.assert_array_equal(ids, model.labels_)


def test_fit_info_says_what_was_fitted_on_a_sample():
    from topics.embed import LocalEmbedder
    from topics.topic_model._text import TERM_SAMPLE, sample_rules

    small = sample_rules(LocalEmbedder(fit_sample=50), 40, prefit=False)
    assert small == {"embedding_rule": "every document", "term_rule": "every document"}
    large = sample_rules(LocalEmbedder(fit_sample=50), TERM_SAMPLE + 1, prefit=False)
    assert "seeded sample of 50" in large["embedding_rule"]
    assert f"{TERM_SAMPLE} evenly spaced" in large["term_rule"]
    assert (
        sample_rules(LocalEmbedder(), 10, prefit=True)["embedding_rule"] == "given already fitted"
    )
