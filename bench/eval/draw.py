"""Draw the theme evaluation sample from the shared corpora (reproduces sample.jsonl's releases).

Five rounds, each seeded. Round 1 (n 0–335): Reuters-21578 stories by their Reuters topic, US Senate
press releases of 2006 at random and with broad trade/energy words, State of the Union paragraphs
since 1945 at random and with those words. Round 2 (n 1000–1207) adds strata for the rarer themes:
Reuters strategic-metal, bop, iron-steel, trade, acq and a few others, Senate releases and SOTU
paragraphs with technology/trade words. Round 3 (n 2000–2215) adds Reuters acq, trade,
strategic-metal, bop, iron-steel, crude and chip stories, Senate releases with words of the thin
themes (chips, broadband, vehicles, export controls, ports, sanctions, acquisitions) and at random,
SOTU paragraphs with such words. Round 4 (n 3000–3179) adds Reuters acq, trade, crude and
money-fx stories and stories at random, Senate releases with words of the thin themes and at
random, SOTU paragraphs with such words and at random. Round 5 (n 4000–4189) adds Senate
releases, Reuters stories and SOTU paragraphs with words of the digital economy, vehicles and
minerals, Reuters acq and trade stories, and releases at random. Words only choose which releases
are read; every code in labels.jsonl comes from reading (see README.md). ``split`` is a hash of
corpus and id: the "test" half is held out.

    python bench/eval/draw.py ../shared/corpora /tmp/sample.jsonl
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import re
import sys
from pathlib import Path

BROAD = re.compile(
    r"\b(trade|export|import|tariff|china|chinese|energy|oil|gasoline|fuel|manufactur\w*|"
    r"invest\w*|technolog\w*|currency|jobs|mineral|supply)\b",
    re.I,
)
TECH = re.compile(
    r"\b(broadband|internet|computer\w*|technolog\w*|hybrid|vehicle\w*|automak\w*|port|ports|"
    r"foreign|invest\w*|manufactur\w*|china|chinese|japan\w*|export\w*|imports?)\b",
    re.I,
)
ROUND_1 = [
    ("trade", 45), ("crude", 30), ("nat-gas", 12), ("acq", 25), ("money-fx", 12),
    ("ship", 5), ("earn", 5), ("grain", 5),
]  # fmt: skip
#: Round 3: chips, technology, vehicles, security of trade (the themes the first rounds left thin).
RARE = re.compile(
    r"\b(semiconductor\w*|chips?|microchips?|broadband|internet|telecom\w*|software|hybrids?|"
    r"batter(?:y|ies)|electric vehicles?|export controls?|cfius|dubai|ports?|sanctions?|"
    r"rare earths?|cobalt|lithium|acquisitions?|takeovers?|free trade|wto|gatt|invest\w*)\b",
    re.I,
)
ROUND_3 = [
    ("acq", 30), ("trade", 25), ("strategic-metal", 15), ("bop", 10), ("iron-steel", 10),
    ("crude", 10),
]  # fmt: skip
#: Round 4: more of everything the thin themes live in, and releases at random.
ROUND_4 = [("acq", 25), ("trade", 20), ("crude", 10), ("money-fx", 5)]
#: Round 5: the digital economy, vehicles and minerals (digital_ai was too thin to score on dev).
DIGITAL = re.compile(
    r"\b(broadband|internet|telecom\w*|wireless|spectrum|cyber\w*|computer\w*|software|"
    r"digital|online|data|information technology|satellite\w*|hybrids?|plug-in|batter(?:y|ies)|"
    r"lithium|rare earths?|minerals?)\b",
    re.I,
)
ROUND_5 = [("acq", 15), ("trade", 10)]
ROUND_2 = [
    ("strategic-metal", 20), ("bop", 20), ("iron-steel", 15), ("trade", 25), ("acq", 25),
    ("copper", 5), ("tin", 5), ("ship", 8), ("gas", 5), ("interest", 5),
]  # fmt: skip


def read(path: Path):
    """Records of a gzipped JSON Lines corpus."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def split_of(corpus: str, doc_id: str) -> str:
    """The split of a release, "dev" or "test", by a hash of its corpus and id."""
    digest = int(hashlib.sha256(f"{corpus}:{doc_id}".encode()).hexdigest(), 16)
    return "dev" if digest % 2 == 0 else "test"


class Sampler:
    """Seeded draws without replacement across strata and rounds."""

    def __init__(self, seed: int, seen: set) -> None:
        self.rng = random.Random(seed)
        self.seen = seen
        self.rows: list[dict] = []

    def take(self, pool: list[dict], n: int, corpus: str, stratum: str) -> None:
        pool = [r for r in pool if (corpus, str(r["id"])) not in self.seen]
        for r in self.rng.sample(pool, min(n, len(pool))):
            self.seen.add((corpus, str(r["id"])))
            self.rows.append(
                {
                    "corpus": corpus,
                    "id": str(r["id"]),
                    "stratum": stratum,
                    "date": (r.get("date") or "")[:10] or None,
                    "title": r.get("title") or "",
                    "text": r.get("text") or "",
                }
            )

    def finish(self, first_n: int) -> list[dict]:
        self.rng.shuffle(self.rows)
        for i, r in enumerate(self.rows):
            r["n"] = first_n + i
            r["split"] = split_of(r["corpus"], r["id"])
        return self.rows


def draw(corpora: Path) -> list[dict]:
    """Every round of the sample, in ``n`` order."""
    reuters = [
        r for r in read(corpora / "reuters21578/reuters21578.jsonl.gz")
        if len(r.get("text") or "") >= 300
    ]  # fmt: skip
    senate = [
        r for r in read(corpora / "grimmer_senate_2006/grimmer_senate_2006.jsonl.gz")
        if 400 <= len(r.get("text") or "") <= 12000
    ]  # fmt: skip
    sotu = [
        r for r in read(corpora / "sotu/sotu_paragraphs.jsonl.gz")
        if (r.get("date") or "") >= "1945" and len(r.get("text") or "") >= 200
    ]  # fmt: skip

    def labelled(label: str) -> list[dict]:
        return [r for r in reuters if label in (r.get("labels") or [])]

    seen: set = set()
    one = Sampler(20261201, seen)
    for label, n in ROUND_1:
        one.take(labelled(label), n, "reuters21578", f"label:{label}")
    one.take(reuters, 5, "reuters21578", "random")
    one.take(senate, 72, "grimmer_senate_2006", "random")
    broad = [r for r in senate if len(BROAD.findall(r["text"])) >= 3]
    one.take(broad, 60, "grimmer_senate_2006", "broad-words")
    one.take(sotu, 30, "sotu", "random")
    one.take([r for r in sotu if len(BROAD.findall(r["text"])) >= 2], 30, "sotu", "broad-words")
    rows = one.finish(0)

    two = Sampler(20261202, seen)
    for label, n in ROUND_2:
        two.take(labelled(label), n, "reuters21578", f"label:{label}")
    tech = [r for r in senate if len(TECH.findall(r["text"])) >= 4]
    two.take(tech, 55, "grimmer_senate_2006", "tech-trade-words")
    two.take([r for r in sotu if len(TECH.findall(r["text"])) >= 2], 20, "sotu", "tech-trade-words")
    rows += two.finish(1000)

    three = Sampler(20261203, seen)
    for label, n in ROUND_3:
        three.take(labelled(label), n, "reuters21578", f"label:{label}")
    short = [r for r in reuters if len(r["text"]) <= 8000]
    chips = [
        r
        for r in short
        if re.search(r"\b(semiconductor\w*|microchips?|chipmakers?)\b", r["text"], re.I)
    ]
    three.take(chips, 20, "reuters21578", "chip-words")
    senate_short = [r for r in senate if len(r["text"]) <= 8000]
    rare = [r for r in senate_short if len(set(m.lower() for m in RARE.findall(r["text"]))) >= 2]
    three.take(rare, 60, "grimmer_senate_2006", "rare-theme-words")
    three.take(senate_short, 20, "grimmer_senate_2006", "random")
    three.take(
        [r for r in sotu if len(RARE.findall(r["text"])) >= 1], 20, "sotu", "rare-theme-words"
    )
    rows += three.finish(2000)

    def by_label(sampler: Sampler, sizes: list[tuple[str, int]]) -> None:
        for label, n in sizes:
            pool = [r for r in labelled(label) if len(r["text"]) <= 8000]
            sampler.take(pool, n, "reuters21578", f"label:{label}")

    four = Sampler(20261204, seen)
    by_label(four, ROUND_4)
    four.take(short, 15, "reuters21578", "random")
    four.take(senate_short, 30, "grimmer_senate_2006", "random")
    four.take(rare, 40, "grimmer_senate_2006", "rare-theme-words")
    four.take(sotu, 15, "sotu", "random")
    four.take(
        [r for r in sotu if len(RARE.findall(r["text"])) >= 1], 20, "sotu", "rare-theme-words"
    )
    rows += four.finish(3000)

    five = Sampler(20261205, seen)

    def digital(pool: list[dict], at_least: int) -> list[dict]:
        return [r for r in pool if len({m.lower() for m in DIGITAL.findall(r["text"])}) >= at_least]

    five.take(digital(senate_short, 3), 70, "grimmer_senate_2006", "digital-words")
    five.take(digital(short, 2), 30, "reuters21578", "digital-words")
    by_label(five, ROUND_5)
    five.take(short, 10, "reuters21578", "random")
    five.take(senate_short, 30, "grimmer_senate_2006", "random")
    five.take(digital(sotu, 1), 15, "sotu", "digital-words")
    five.take(sotu, 10, "sotu", "random")
    return rows + five.finish(4000)


if __name__ == "__main__":
    corpora, out = Path(sys.argv[1]), Path(sys.argv[2])
    keys = ["n", "corpus", "id", "split", "stratum", "date", "title", "text"]
    lines = (json.dumps({k: r[k] for k in keys}, ensure_ascii=False) + "\n" for r in draw(corpora))
    out.write_text("".join(lines))
