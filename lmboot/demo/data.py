"""Seeded, offline demo data: Spanish/English assistant utterances plus general bitext.

`generate(out_dir)` writes
  in_domain.jsonl  MASSIVE-like utterance pairs (lower-case, no punctuation) with slot markup
                   `<a>value<a>`, `<b>value<b>`, ... (same letter = same slot on both sides);
  general.tsv      `origin<TAB>eng<TAB>spa` Tatoeba-like bitext: ~assistant_share of it
                   assistant-style sentences sharing the slot lexicons (but worded differently
                   from every in-domain template), the rest longer sentences on other topics.

Everything comes from the templates (demo_templates.py), the lexicons (demo_lexicon.py) and
`random.Random(seed)`.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
from collections import Counter
from pathlib import Path

from lmboot.data.corpus import atomic_write
from lmboot.demo.lexicon import ACRONYMS, EN_CASE, LEXICONS, MARKS, MINOR_WORDS, PLACEHOLDER, SLOT_LETTERS, slot_keys
from lmboot.demo.templates import ASSISTANT, SCENARIOS, TOPIC_TEMPLATES
from lmboot.schema import default


# --- sampling and rendering -------------------------------------------------------------------
def _lexicon_of(key: str) -> str:
    return key.rstrip("0123456789")


def _draw(rng: random.Random, template: str) -> dict:
    """Slot key -> lexicon entry; keys of one lexicon get distinct entries."""
    keys = slot_keys(template)
    need = Counter(_lexicon_of(k) for k in keys)
    drawn = {lex: rng.sample(LEXICONS[lex], n) for lex, n in need.items()}
    return {k: drawn[_lexicon_of(k)].pop() for k in keys}


def _space(template: str) -> int:
    need = Counter(_lexicon_of(k) for k in slot_keys(template))
    return math.prod(math.perm(len(LEXICONS[lex]), n) for lex, n in need.items())


def _title(text: str) -> str:
    words = text.split()
    return " ".join(
        ACRONYMS.get(w) or (w if i and w in MINOR_WORDS else w[:1].upper() + w[1:]) for i, w in enumerate(words)
    )


def _render(template: str, values: dict, lang: str, tags: dict | None = None, cased: bool = False) -> str:
    def fill(m: re.Match) -> str:
        mark, key = m[1], m[2]
        en, es, gender, proper = values[key]
        if mark == "a":
            return "an" if en[0] in "aeiou" else "a"
        if mark:
            return MARKS[mark][gender]
        text = en if lang == "en" else es
        if cased and proper:
            text = _title(text)
        elif cased and lang == "en":
            text = re.sub(r"\b[a-z]+\b", lambda w: EN_CASE.get(w[0], w[0]), text)
        return f"<{tags[key]}>{text}<{tags[key]}>" if tags else text

    return PLACEHOLDER.sub(fill, template)


def _bio(xml: str, tags: dict) -> str:
    """BIO slot tags, one per word, of a rendering with <x>...<x> spans (MASSIVE's *_bio fields); the
    slot type is the lexicon's name (person, artist, city, ...)."""
    kinds = {letter: _lexicon_of(key) for key, letter in tags.items()}
    out, inside = [], None
    for word in xml.split():
        opened = re.match(r"<([a-z])>", word) if inside is None else None
        if opened:
            inside = opened[1]
        out.append("o" if inside is None else f"{'b' if opened else 'i'}-{kinds[inside]}")
        if inside and word.count(f"<{inside}>") == (2 if opened else 1):
            inside = None
    return " ".join(out)


def _cap_first(text: str) -> str:
    i = next((i for i, ch in enumerate(text) if ch.isalpha()), 0)
    return text[:i] + text[i : i + 1].upper() + text[i + 1 :]


def _norm(text: str) -> str:
    """Lower case, punctuation (but apostrophes) removed: the in-domain form of a sentence."""
    return " ".join(re.sub(r"[^\w\s']", " ", text.lower()).split())


def template_space() -> dict:
    """Upper bounds on distinct sentences: in-domain, general assistant, general topics."""
    return {
        "in_domain": sum(_space(en) for pairs in SCENARIOS.values() for en, _ in pairs),
        "general_assistant": sum(_space(en) for en, _ in ASSISTANT),
        "general_topics": sum(_space(en) for pairs in TOPIC_TEMPLATES.values() for en, _ in pairs),
    }


def _sample_distinct(rng: random.Random, n: int, what: str, draw) -> list:
    """Call draw() until n rows with new keys (draw returns (key, row) or None to skip)."""
    rows, seen, budget = [], set(), 50 * n + 10_000
    while len(rows) < n:
        budget -= 1
        if budget < 0:
            raise ValueError(
                f"could not draw {n} distinct {what}: the template space is too small for the requested size"
            )
        drawn = draw()
        if drawn and drawn[0] not in seen:
            seen.add(drawn[0])
            rows.append(drawn[1])
    return rows


def _in_domain(rng: random.Random, n: int) -> list[dict]:
    names = list(SCENARIOS)

    def draw():
        scenario = rng.choice(names)
        en_t, es_t = rng.choice(SCENARIOS[scenario])
        values = _draw(rng, en_t)
        en = _render(en_t, values, "en")
        if not 3 <= len(en.split()) <= 14:
            return None
        tags = dict(zip(slot_keys(en_t), SLOT_LETTERS))
        en_xml, es_xml = _render(en_t, values, "en", tags), _render(es_t, values, "es", tags)
        return en, {
            "scenario": scenario,
            "en": en,
            "es": _render(es_t, values, "es"),
            "en_xml": en_xml,
            "es_xml": es_xml,
            "en_bio": _bio(en_xml, tags),
            "es_bio": _bio(es_xml, tags),
        }

    rows = _sample_distinct(rng, n, "in-domain utterances", draw)
    return [{"id": str(i), **row} for i, row in enumerate(rows)]


def _general(rng: random.Random, n: int, n_assistant: int, in_domain_en: set[str]) -> list[tuple]:
    topics = list(TOPIC_TEMPLATES)
    seen_eng: set[str] = set()

    def draw_from(origin: str, pairs: list) -> tuple | None:
        en_t, es_t = rng.choice(pairs)
        values = _draw(rng, en_t)
        eng = _cap_first(_render(en_t, values, "en", cased=True))
        if eng in seen_eng or _norm(eng) in in_domain_en:
            return None
        return eng, (origin, eng, _cap_first(_render(es_t, values, "es", cased=True)))

    def draw_topic():
        topic = rng.choice(topics)
        return draw_from(f"demo-{topic}", TOPIC_TEMPLATES[topic])

    assistant = _sample_distinct(
        rng, n_assistant, "assistant sentences", lambda: draw_from("demo-assistant", ASSISTANT)
    )
    seen_eng.update(eng for _, eng, _ in assistant)
    rows = assistant + _sample_distinct(rng, n - n_assistant, "general sentences", draw_topic)
    rng.shuffle(rows)
    return rows


def _write_atomic(path: Path, text: str) -> None:
    with atomic_write(path, "wb") as f:
        f.write(text.encode("utf-8"))


def generate(
    out_dir,
    seed: int = default("demo_data.seed"),
    n_in_domain: int = default("demo_data.n_in_domain"),
    n_general: int = default("demo_data.n_general"),
    assistant_share: float = default("demo_data.assistant_share"),
) -> dict:
    """Write out_dir/in_domain.jsonl and out_dir/general.tsv; return counts/stats dict."""
    if n_in_domain < 0 or n_general < 0 or not 0.0 <= assistant_share <= 1.0:
        raise ValueError("sizes must be >= 0 and assistant_share within [0, 1]")
    n_assistant = round(n_general * assistant_share)
    space = template_space()
    for what, wanted in (
        ("in_domain", n_in_domain),
        ("general_assistant", n_assistant),
        ("general_topics", n_general - n_assistant),
    ):
        if wanted > space[what]:
            raise ValueError(
                f"requested {wanted} distinct {what} sentences, but the template space holds at most {space[what]}"
            )
    rng = random.Random(seed)
    in_domain = _in_domain(rng, n_in_domain)
    general = _general(rng, n_general, n_assistant, {row["en"] for row in in_domain})

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _write_atomic(out / "in_domain.jsonl", "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in in_domain))
    _write_atomic(out / "general.tsv", "origin\teng\tspa\n" + "".join("\t".join(row) + "\n" for row in general))
    counts = Counter(row["scenario"] for row in in_domain)
    return {
        "in_domain": len(in_domain),
        "general": len(general),
        "general_assistant": n_assistant,
        "scenarios": {name: counts[name] for name in sorted(SCENARIOS)},
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lmboot.demo.data", description="Write seeded offline demo data (in_domain.jsonl, general.tsv)."
    )
    parser.add_argument("--out", required=True, help="output directory (created if missing)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--n-in-domain", type=int, default=3000)
    parser.add_argument("--n-general", type=int, default=8000)
    parser.add_argument("--assistant-share", type=float, default=0.15)
    args = parser.parse_args(argv)
    try:
        stats = generate(args.out, args.seed, args.n_in_domain, args.n_general, args.assistant_share)
    except ValueError as err:
        parser.exit(2, f"error: {err}\n")
    print(json.dumps(stats, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
