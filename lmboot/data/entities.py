"""Entities: keep names intact through translation (the paper's problem (i): entity names get translated
and garbled). Slot markup of the in-domain source side (BIO tags, one per word: MASSIVE's *_bio fields,
written by prepare as pool.tags / dev.tags) marks entity spans; spans of the protected types are replaced
by placeholder words the translator copies reliably (frequent names of its training data), and put back
into every n-best hypothesis that kept all of them. A record whose hypotheses all lost a placeholder keeps
its unprotected translation.

Code-switching (the paper's problem (ii)) goes the same way: source words the new language uses as they
are (entities.code_switch: a given list, and source words of the seed that dev references keep) become
spans of type "copy"."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from lmboot.data.corpus import atomic_write, read_lines, write_json, write_lines
from lmboot.errors import InputError


def spans(tags: list[str], types: set[str]) -> list[list]:
    """[start, end, type] word spans (end exclusive) of the protected types in a BIO tag sequence."""
    found, i = [], 0
    while i < len(tags):
        kind = tags[i][2:] if tags[i].startswith("b-") else None
        j = i + 1
        while kind and j < len(tags) and tags[j] == f"i-{kind}":
            j += 1
        if kind in types:
            found.append([i, j, kind])
        i = j
    return found


def protect(text: str, entity_spans: list[list], placeholders: list[str]) -> tuple[str, dict[str, str]]:
    """Replace each span by a placeholder not already in the sentence; returns (text, {placeholder: span})."""
    words, free = text.split(), [p for p in placeholders if p not in text.split()]
    mapping, out, at = {}, [], 0
    for (start, end, _), placeholder in zip(entity_spans, free):
        out += words[at:start] + [placeholder]
        mapping[placeholder] = " ".join(words[start:end])
        at = end
    return " ".join(out + words[at:]), mapping


def restore(hypothesis: str, mapping: dict[str, str]) -> str | None:
    """The hypothesis with its placeholders replaced by the entities, or None if one went missing."""
    words = hypothesis.split()
    if any(p not in words for p in mapping):
        return None
    return " ".join(mapping.get(w, w) for w in words)


def copy_words(code_switch: dict, seed_tgt, pool_src, dev_src, dev_tgt) -> list[str]:
    """The source words copied through translation: code_switch["words"], and pool source words seen at least
    min_seed_count times in the seed whose dev copy rate (of the dev sources holding the word, the share
    whose reference holds it too) is at least min_dev_copy_rate, or which fewer than two dev sources hold."""
    seed = Counter(w for line in read_lines(seed_tgt) for w in line.split())
    seen, kept = Counter(), Counter()
    for src, ref in zip(read_lines(dev_src), read_lines(dev_tgt), strict=True):
        ref_words = set(ref.split())
        for word in set(src.split()):
            seen[word] += 1
            kept[word] += word in ref_words
    pool = {w for line in read_lines(pool_src) for w in line.split()}
    chosen = {
        w
        for w in pool
        if seed[w] >= code_switch["min_seed_count"]
        and (seen[w] < 2 or kept[w] / seen[w] >= code_switch["min_dev_copy_rate"])
    }
    return sorted(chosen | set(code_switch["words"]))


def copy_tags(words: list[str], tags: list[str], copied: set[str], span: str) -> list[str]:
    """Tags with the copied words outside other spans tagged as "copy" spans: one per word, or per run."""
    out = []
    for i, (word, tag) in enumerate(zip(words, tags)):
        if tag == "o" and word in copied:
            joins = span == "run" and i > 0 and out[-1] in ("b-copy", "i-copy")
            tag = "i-copy" if joins else "b-copy"
        out.append(tag)
    return out


def extract(entities: dict, sources: dict[str, tuple], out_dir: str | Path, copied: list[str] = ()) -> dict:
    """Protected sources and their placeholder maps (out_dir/<part>.src, <part>.map.jsonl) for each part of
    `sources` ({"pool": (pool.src, pool.tags), "dev": ...}: prepare's source lines and slot tags); the
    `copied` words (copy_words) are protected too."""
    out, stats = Path(out_dir), {}
    types, span = set(entities["types"]) | ({"copy"} if copied else set()), copied and entities["code_switch"]["span"]
    copied_set = set(copied)
    for part, (src, tags) in sources.items():
        texts, tag_lines = read_lines(src), read_lines(tags)
        if len(texts) != len(tag_lines):
            raise InputError(f"{tags}: {len(tag_lines)} lines of tags for the {len(texts)} lines of {src}")
        protected, maps = [], []
        for number, (text, line) in enumerate(zip(texts, tag_lines), 1):
            if len(line.split()) != len(text.split()):
                raise InputError(f"{tags}:{number}: {len(line.split())} tags for {len(text.split())} words")
            line_tags = copy_tags(text.split(), line.split(), copied_set, span) if copied else line.split()
            text, mapping = protect(text, spans(line_tags, types), entities["placeholders"])
            protected.append(text)
            maps.append(mapping)
        write_lines(out / f"{part}.src", protected)
        write_lines(out / f"{part}.map.jsonl", (json.dumps(m, ensure_ascii=False) for m in maps))
        stats[part] = {
            "sentences": len(texts),
            "with_entities": sum(bool(m) for m in maps),
            "entities": sum(len(m) for m in maps),
        }
    if copied:
        write_lines(out / "copied_words.txt", copied)
        stats["copied_words"] = len(copied)
    write_json(out / "entities.json", stats)
    return stats


def restore_nbest(
    protected_nbest: str | Path, plain_nbest: str | Path, maps: str | Path, out_jsonl: str | Path
) -> dict:
    """n-best lists of the protected source with entities put back; hypotheses that lost a placeholder are
    dropped, and a record left with none takes the plain (unprotected) record's hypotheses."""
    protected, plain, mappings = read_lines(protected_nbest), read_lines(plain_nbest), read_lines(maps)
    if not len(protected) == len(plain) == len(mappings):
        raise InputError(
            f"{protected_nbest}, {plain_nbest}, {maps}: record counts differ "
            f"({len(protected)}, {len(plain)}, {len(mappings)})"
        )
    counts = {"records": len(protected), "with_entities": 0, "restored": 0, "fell_back": 0}
    with atomic_write(out_jsonl) as f:
        for line, plain_line, map_line in zip(protected, plain, mappings):
            record, mapping = json.loads(line), json.loads(map_line)
            if mapping:
                counts["with_entities"] += 1
                hyps = [
                    {**h, "text": text} for h in record["hyps"] if (text := restore(h["text"], mapping)) is not None
                ]
                if hyps:
                    counts["restored"] += 1
                    record = {**record, "hyps": hyps}
                else:
                    counts["fell_back"] += 1
                    record = {**json.loads(plain_line), "id": record["id"]}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    write_json(Path(out_jsonl).with_suffix(".json"), counts)
    return counts
