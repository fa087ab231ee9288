"""Topic quality and topic-model fitting cost, each beside a baseline measured in the same run.

- BBC News, OCTIS-preprocessed (the corpus the BERTopic paper scored): NPMI coherence and topic
  diversity of ``TopicModel(n_topics=K)``, mean over K = 10, 20, 30, 40, 50, against scikit-learn
  NMF on TF-IDF (the same K, the same scoring) and the paper's figures;
- 20 Newsgroups, preprocessed here the way OCTIS describes (see :func:`octis_like_preprocess`):
  the same protocol;
- Reuters-21578 (the 10,789 ModApte-90 stories): time and peak memory of fitting the default
  ``TopicModel()`` against BERTopic's own defaults (UMAP + HDBSCAN) given the same embeddings,
  each in a fresh process.

No pretrained model anywhere: every embedding is :class:`topics.embed.LocalEmbedder`.
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
from collections import Counter
from pathlib import Path
from typing import Any

from bench.harness import in_child, log, make_row, measure, require_file

SUITE = "topics"
BBC = Path("bbc_news") / "octis" / "corpus.tsv"
NEWSGROUPS = Path("20newsgroups") / "20newsgroups_bydate.jsonl.gz"
REUTERS = Path("reuters21578") / "reuters21578.jsonl.gz"
PAPER = Path("baselines") / "bertopic_paper_results.json"
KS = (10, 20, 30, 40, 50)
#: What the toolkit is configured with for the quality figures (a documented option set, not a
#: benchmark special case): fixed K, unigram terms (NPMI scores unigrams), English stop words
#: (the MOTIE domain list is meant for press releases, not BBC or Usenet).
QUALITY_OPTIONS = {"term_ngram_range": (1, 1), "stop_words": "english"}


def run(corpora: Path, *, quick: bool = False, repeats: int = 3) -> list[dict[str, Any]]:
    """Measure every figure of the suite.

    Parameters
    ----------
    corpora : Path
        Folder holding ``bbc_news/``, ``20newsgroups/`` and ``reuters21578/``.
    quick : bool
        Small samples: one seed, K = 10 and 20, 3,000 newsgroup posts, 2,000 Reuters stories.
    repeats : int
        Seeds per quality figure on BBC (20 Newsgroups and Reuters run once: they are slower).

    Returns
    -------
    list of dict
        Rows as described in :mod:`bench.harness`.

    Raises
    ------
    FileNotFoundError
        A corpus is missing (the error names its path).
    """
    corpora = Path(corpora)
    bbc = require_file(corpora / BBC)
    newsgroups = require_file(corpora / NEWSGROUPS)
    reuters = require_file(corpora / REUTERS)
    paper = _paper(corpora / PAPER)
    ks = (10, 20) if quick else KS
    seeds = [0] if quick else list(range(max(1, repeats)))
    rows: list[dict[str, Any]] = []

    texts = [line.split("\t")[0] for line in bbc.read_text("utf-8").splitlines() if line]
    rows += _quality_rows(
        "BBC News (OCTIS)",
        texts,
        ks,
        seeds,
        paper.get("BBC News"),
        note=(
            f"{len(texts):,} documents as OCTIS preprocessed them; NPMI on the same tokenised "
            "corpus (gensim c_npmi, 10-token sliding window), diversity = unique top-10 words "
            "/ (10·K)."
        ),
    )

    posts = _newsgroups(newsgroups, 3_000 if quick else None)
    texts = octis_like_preprocess(posts)
    rows += _quality_rows(
        "20 Newsgroups",
        texts,
        ks,
        [0],
        paper.get("20NewsGroup"),
        note=(
            f"{len(posts):,} posts → {len(texts):,} documents after OCTIS-like preprocessing "
            "(subject + body, lower-cased, letters-only tokens of ≥ 3 characters, English stop "
            "words removed, words kept in 0.5 %–35 % of documents, documents with < 5 words "
            "dropped; no lemmatisation, as no offline lemmatiser is installed, so plural and "
            "singular forms stay apart); one seed. The paper's corpus has 16,309 documents."
        ),
    )

    rows += _reuters_rows(reuters, 2_000 if quick else None)
    return rows


# --- quality --------------------------------------------------------------------------------------


def _quality_rows(
    name: str,
    texts: list[str],
    ks: tuple[int, ...],
    seeds: list[int],
    paper: dict[str, Any] | None,
    note: str,
) -> list[dict[str, Any]]:
    tokenized = [t.split() for t in texts]
    ours: dict[str, list[float]] = {"npmi": [], "diversity": []}
    nmf: dict[str, list[float]] = {"npmi": [], "diversity": []}
    for seed in seeds:
        embedder = _embedder(texts, seed)
        per_k = [_score(_topic_model_topics(texts, k, seed, embedder), tokenized) for k in ks]
        base = [_score(_nmf_topics(texts, k, seed), tokenized) for k in ks]
        for key, i in (("npmi", 0), ("diversity", 1)):
            ours[key].append(statistics.fmean(s[i] for s in per_k))
            nmf[key].append(statistics.fmean(s[i] for s in base))
        log(
            f"{name} seed {seed}: TopicModel NPMI {ours['npmi'][-1]:.4f} / diversity "
            f"{ours['diversity'][-1]:.3f}; NMF {nmf['npmi'][-1]:.4f} / {nmf['diversity'][-1]:.3f}"
        )
    models = (paper or {}).get("models", {})
    method = (
        "TopicModel(n_topics=K, term_ngram_range=(1, 1), stop_words='english'): TF-IDF→SVD "
        "embeddings fitted on the corpus, k-means with K clusters plugged into BERTopic, c-TF-IDF "
        "top terms re-ranked for document co-occurrence with each word allowed in at most two "
        "topics (the default representation='coherent'). The embedding is fitted once per seed "
        "and passed to every K (identical to what each fit would compute). The co-occurrence is "
        "counted on the training documents, which here are also the NPMI reference corpus, as in "
        "the paper's protocol for every model."
    )
    ks_text = ", ".join(str(k) for k in ks)
    common = f"K = {ks_text}; {len(seeds)} seed(s). {note} {method}"
    return [
        make_row(
            SUITE,
            f"{name}: NPMI coherence, mean over K",
            ours["npmi"],
            "",
            baseline="scikit-learn NMF on TF-IDF, same K and scoring",
            baseline_values=nmf["npmi"],
            published=_published(models, "npmi_mean"),
            note=common,
        ),
        make_row(
            SUITE,
            f"{name}: topic diversity, mean over K",
            ours["diversity"],
            "",
            baseline="scikit-learn NMF on TF-IDF, same K and scoring",
            baseline_values=nmf["diversity"],
            published=_published(models, "diversity_mean"),
            note=common,
        ),
    ]


def _embedder(texts: list[str], seed: int) -> Any:
    """The embedding ``TopicModel`` would fit with these options, fitted once for every K."""
    from topics.embed import LocalEmbedder
    from topics.topic_model._text import stop_word_list

    stops = stop_word_list(QUALITY_OPTIONS["stop_words"])
    return LocalEmbedder(stop_words=stops, random_state=seed).fit(texts)


def _topic_model_topics(texts: list[str], k: int, seed: int, embedder: Any) -> list[list[str]]:
    from topics.topic_model import TopicModel

    options = {**QUALITY_OPTIONS, "embedder": embedder}
    return TopicModel(n_topics=k, random_state=seed, **options).fit(texts).topic_terms_


def _nmf_topics(texts: list[str], k: int, seed: int) -> list[list[str]]:
    import numpy as np
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(token_pattern=r"\S+")
    matrix = vec.fit_transform(texts)
    nmf = NMF(k, init="nndsvd", random_state=seed, max_iter=400).fit(matrix)
    vocab = vec.get_feature_names_out()
    return [[str(vocab[j]) for j in np.argsort(-row)[:10]] for row in nmf.components_]


def _score(topics: list[list[str]], tokenized: list[list[str]]) -> tuple[float, float]:
    from topics.evaluate import npmi_coherence, topic_diversity

    return npmi_coherence(topics, tokenized), topic_diversity(topics)


def _published(models: dict[str, Any], key: str) -> str | None:
    """The paper's BERTopic-MPNET figure and its best row for ``key`` (Table 1)."""
    values = {name: m[key] for name, m in models.items() if m.get(key) is not None}
    if not values:
        return None
    best = max(values, key=values.get)
    text = f"best {values[best]:.3f} ({best})"
    if "BERTopic-MPNET" in values:
        text = f"BERTopic-MPNET {values['BERTopic-MPNET']:.3f}; " + text
    return text + ", Grootendorst 2022 Table 1"


def _paper(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    return json.loads(path.read_text("utf-8")).get("basic", {})


# --- 20 Newsgroups -------------------------------------------------------------------------------


def _newsgroups(path: Path, limit: int | None) -> list[str]:
    posts = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            posts.append(f"{record.get('title') or ''}\n{record.get('text') or ''}")
    if limit is not None and limit < len(posts):
        step = len(posts) / limit
        posts = [posts[int(i * step)] for i in range(limit)]
    return posts


def octis_like_preprocess(
    posts: list[str], min_df: float = 0.005, max_df: float = 0.35, min_words: int = 5
) -> list[str]:
    """OCTIS's preprocessing steps as its BBC metadata lists them, minus lemmatisation.

    Lower-case; keep tokens of letters only, at least 3 characters (punctuation and numbers
    removed); drop English stop words; keep words found in ``min_df``–``max_df`` of the
    documents; drop documents left with fewer than ``min_words`` words.
    """
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    token = re.compile(r"[a-z]{3,}")
    docs = [[w for w in token.findall(p.lower()) if w not in ENGLISH_STOP_WORDS] for p in posts]
    df = Counter(w for d in docs for w in set(d))
    n = len(docs)
    keep = {w for w, c in df.items() if min_df * n <= c <= max_df * n}
    out = [" ".join(w for w in d if w in keep) for d in docs]
    return [d for d in out if len(d.split()) >= min_words]


# --- Reuters: fitting cost -----------------------------------------------------------------------


def _reuters_texts(path: Path, limit: int | None) -> list[str]:
    texts = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if str(record.get("modapte90")) == "True":
                texts.append(f"{record.get('title') or ''}\n\n{record.get('text') or ''}".strip())
    if limit is not None:
        texts = texts[:limit]
    return texts


def fit_topic_model(path: str, limit: int | None) -> dict[str, Any]:
    """Child step: fit the default ``TopicModel()`` (embedding included); time and peak memory."""
    from topics.topic_model import TopicModel

    texts = _reuters_texts(Path(path), limit)
    with measure() as m:
        model = TopicModel(random_state=0).fit(texts)
    info = model.fit_info_
    return {
        "seconds": m.seconds,
        "peak_mb": m.peak_mb,
        "documents": len(texts),
        "topics": model.n_topics_,
        "outliers": info["n_outliers_reassigned"],
        "path": info["path"],
        "settings": info["settings"],
    }


def fit_bertopic_defaults(path: str, limit: int | None) -> dict[str, Any]:
    """Child step: the same local embedding, then ``BERTopic()`` with its default UMAP + HDBSCAN."""
    from bertopic import BERTopic

    from topics.embed import LocalEmbedder
    from topics.topic_model._text import stop_word_list

    texts = _reuters_texts(Path(path), limit)
    with measure() as m:
        embeddings = (
            LocalEmbedder(stop_words=stop_word_list("english+domain"), random_state=0)
            .fit(texts)
            .transform(texts)
        )
        topics, _ = BERTopic(embedding_model=None).fit_transform(texts, embeddings=embeddings)
    return {
        "seconds": m.seconds,
        "peak_mb": m.peak_mb,
        "documents": len(texts),
        "topics": len(set(topics) - {-1}),
        "outliers": sum(t == -1 for t in topics),
    }


def _reuters_rows(path: Path, limit: int | None) -> list[dict[str, Any]]:
    log("Reuters: fitting TopicModel() in a child process")
    ours = in_child(fit_topic_model, str(path), limit)
    log(f"Reuters: TopicModel {ours['seconds']:.1f} s; BERTopic defaults in a child process")
    base = in_child(fit_bertopic_defaults, str(path), limit)
    log(f"Reuters: BERTopic defaults {base['seconds']:.1f} s")
    name = f"Reuters-21578 ModApte-90 ({ours['documents']:,} stories)"
    baseline = "BERTopic() defaults (UMAP + HDBSCAN min_cluster_size=10) on the same embeddings"
    note = (
        f"TopicModel() default path {ours['path']} ({json.dumps(ours['settings'])}): "
        f"{ours['topics']} topics, {ours['outliers']:,} HDBSCAN outliers reassigned to the nearest "
        f"centroid. BERTopic defaults: {base['topics']} topics, {base['outliers']:,} outliers left "
        "as -1. Both times include the TF-IDF→SVD embedding; one run each, in fresh processes. "
        f"Ratio TopicModel / BERTopic: time {ours['seconds'] / base['seconds']:.2f}, peak memory "
        f"{ours['peak_mb'] / base['peak_mb']:.2f}."
    )
    return [
        make_row(
            SUITE,
            f"fit TopicModel() on {name}: time",
            ours["seconds"],
            "s",
            baseline=baseline,
            baseline_values=base["seconds"],
            note=note,
        ),
        make_row(
            SUITE,
            f"fit TopicModel() on {name}: peak memory",
            ours["peak_mb"],
            "MiB",
            baseline=baseline,
            baseline_values=base["peak_mb"],
            note=note,
        ),
    ]
