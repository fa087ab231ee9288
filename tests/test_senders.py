"""Senders are not subjects: names and furniture of the senders stay out of topic labels."""

from __future__ import annotations

import random

import numpy as np
import scipy.sparse as sp

from topics.topic_model import TopicModel
from topics.topic_model._senders import sender_lift, sender_weights, topic_senders

SUBJECTS = {
    "farm": "wheat harvest drought grain farmers crop prices rural acres",
    "health": "hospital patients medicare doctors clinic nurses insurance care",
    "roads": "highway bridge transit construction traffic repair lanes interstate",
}
OFFICES = {
    "Akers": "Senator Akers, contact Quentin Voss 555-0101",
    "Brill": "Senator Brill, contact Yolanda Mertz 555-0102",
    "Corbin": "Senator Corbin, contact Fabian Oakes 555-0103",
    "Dunmore": "Senator Dunmore, contact Ingrid Pollack 555-0104",
}


def _corpus(seed: int = 3) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    texts, senders = [], []
    for i in range(120):
        office = list(OFFICES)[i % 4]
        # Dunmore writes about one subject only: a one-office topic.
        subject = "roads" if office == "Dunmore" else list(SUBJECTS)[(i // 4) % 2]
        words = SUBJECTS[subject].split()
        body = " ".join(rng.choice(words) for _ in range(30))
        texts.append(f"{OFFICES[office]}. {body}. {OFFICES[office]}.")
        senders.append(office)
    return texts, senders


def _office_words() -> set[str]:
    return {w.lower().strip(",.") for line in OFFICES.values() for w in line.split()} - {
        "senator",
        "contact",
    }


def test_lift_is_one_for_a_term_every_release_of_a_sender_holds():
    # 4 releases, 2 senders; term 0 is sender 0's signature, term 1 a subject of topic 0
    doc_terms = sp.csr_matrix(np.array([[1, 1], [1, 0], [0, 1], [0, 0]]))
    labels = np.array([0, 1, 0, 1])
    codes = np.array([0, 0, 1, 1])
    lift = sender_lift(doc_terms, labels, codes, 2)
    # topic 0 holds one release of each sender: term 0 expected 1 * 1 + 1 * 0 = 1, seen 1
    assert lift[0, 0] == 1.0
    # term 1: expected 0.5 + 0.5 = 1, seen 2 → (2 + 1) / (1 + 1)
    assert lift[0, 1] == 1.5


def test_weights_unchanged_with_too_few_senders():
    weights = np.ones((2, 3))
    out, explained = sender_weights(
        weights, sp.csr_matrix(np.eye(3)), np.array([0, 1, 1]), np.array([0, 0, 1])
    )
    assert out is weights and not explained.any()


def test_single_source_topics_are_flagged():
    labels = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    codes = np.array([2, 2, 2, 2, 2, 0, 1, 0, 1, 2])
    out = topic_senders(labels, codes, ["a", "b", "c"], 2)
    assert out[0] == {"sender": "c", "sender_share": 1.0, "single_source": True}
    assert out[1]["single_source"] is False and out[1]["sender_share"] == 0.4


def test_sender_names_and_staff_leave_the_topic_terms(tmp_path):
    texts, senders = _corpus()
    office = _office_words()
    plain = TopicModel(n_topics=3, random_state=0).fit(texts)
    plain_terms = {w for terms in plain.topic_terms_ for t in terms for w in t.split()}
    assert plain_terms & office  # without senders, the offices are topic terms
    model = TopicModel(n_topics=3, random_state=0).fit(texts, senders=senders)
    info = model.topic_info()
    assert {"sender", "sender_share", "single_source"} <= set(info.columns)
    roads = info[info["single_source"]]
    assert len(roads) == 1 and roads["sender"].iloc[0] == "Dunmore"
    assert roads["label"].iloc[0].endswith("(one sender: Dunmore)")
    mixed = info[~info["single_source"]]
    terms = {w for ts in mixed["terms"] for t in ts for w in t.split()}
    assert not terms & office
    assert terms & {"wheat", "hospital", "harvest", "patients", "drought", "medicare"}
    (tmp_path / "m").mkdir()
    model.save(tmp_path / "m")
    again = TopicModel.load(tmp_path / "m")
    assert again.topic_info()["label"].tolist() == info["label"].tolist()
