"""Entities: keep names intact through translation (the paper's problem (i): entity names get translated
and garbled). Slot markup of the in-domain source side (BIO tags, one per word: MASSIVE's *_bio fields)
marks entity spans; spans of the protected types are replaced by placeholder words the translator copies
reliably (frequent names of its training data), and put back into every n-best hypothesis that kept all
of them. A record whose hypotheses all lost a placeholder keeps its unprotected translation."""

from __future__ import annotations

import json
from pathlib import Path

from lmboot.corpus import atomic_write, normalize, read_lines, read_pairs, write_json, write_lines
from lmboot.errors import InputError
from lmboot.prepare import clean_pairs, split_in_domain


def normalized_tags(text: str, tags: str, norm: dict, where: str) -> list[str]:
    """One tag per word of the normalized text: each raw word's tag repeated over what it normalizes to
    (a word that normalizes to nothing drops its tag; an i- tag after such a gap stays inside the span)."""
    words, labels = text.split(), tags.split()
    if len(words) != len(labels):
        raise InputError(f"{where}: {len(labels)} slot tags for {len(words)} words")
    out = []
    for word, label in zip(words, labels):
        pieces = normalize(word, norm.get("lowercase", True), norm.get("strip_punctuation", True)).split()
        out += [label] + [label.replace("b-", "i-", 1)] * (len(pieces) - 1) if pieces else []
    return out


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


def extract(config: dict, pool_src: str | Path, dev_src: str | Path, out_dir: str | Path) -> dict:
    """Protected pool and dev sources (out_dir/{pool,dev}.src) and their placeholder maps ({pool,dev}.map.jsonl).
    Re-reads the in-domain corpus with its source_tags_field and re-makes prepare's split, which must give
    exactly the prepared pool/dev source lines."""
    spec, norm = config["in_domain"], config.get("normalize", {})
    field, ent = spec.get("source_tags_field"), config["entities"]
    if not field:
        raise InputError("in_domain.source_tags_field: entity protection needs the source side's slot tags")
    records = []
    for n, r in enumerate(read_pairs({**spec, "extra_fields": {"tags": field}})):
        records.append({**r, "tags": normalized_tags(r["src"], r["tags"], norm, f"in_domain record {n + 1} ({field})")})
    kept, _ = clean_pairs(records, norm)
    split_values = spec.get("split_values") if spec.get("split_field") else None
    splits = split_in_domain(kept, config["split"], split_values)
    out, stats = Path(out_dir), {}
    for part, prepared in (("pool", pool_src), ("dev", dev_src)):
        rows = splits[part]
        if [r["src"] for r in rows] != read_lines(prepared):
            raise InputError(f"{prepared}: differs from the in-domain split re-made for entity protection "
                             "(was it prepared with another config?)")
        texts, maps = [], []
        for r in rows:
            text, mapping = protect(r["src"], spans(r["tags"], set(ent["types"])), ent["placeholders"])
            texts.append(text)
            maps.append(mapping)
        write_lines(out / f"{part}.src", texts)
        write_lines(out / f"{part}.map.jsonl", (json.dumps(m, ensure_ascii=False) for m in maps))
        stats[part] = {"sentences": len(rows), "with_entities": sum(bool(m) for m in maps),
                       "entities": sum(len(m) for m in maps)}
    write_json(out / "entities.json", stats)
    return stats


def restore_nbest(protected_nbest: str | Path, plain_nbest: str | Path, maps: str | Path, out_jsonl: str | Path) -> dict:
    """n-best lists of the protected source with entities put back; hypotheses that lost a placeholder are
    dropped, and a record left with none takes the plain (unprotected) record's hypotheses."""
    protected, plain, mappings = read_lines(protected_nbest), read_lines(plain_nbest), read_lines(maps)
    if not len(protected) == len(plain) == len(mappings):
        raise InputError(f"{protected_nbest}, {plain_nbest}, {maps}: record counts differ "
                         f"({len(protected)}, {len(plain)}, {len(mappings)})")
    counts = {"records": len(protected), "with_entities": 0, "restored": 0, "fell_back": 0}
    with atomic_write(out_jsonl) as f:
        for line, plain_line, map_line in zip(protected, plain, mappings):
            record, mapping = json.loads(line), json.loads(map_line)
            if mapping:
                counts["with_entities"] += 1
                hyps = [{**h, "text": text} for h in record["hyps"] if (text := restore(h["text"], mapping)) is not None]
                if hyps:
                    counts["restored"] += 1
                    record = {**record, "hyps": hyps}
                else:
                    counts["fell_back"] += 1
                    record = {**json.loads(plain_line), "id": record["id"]}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    write_json(Path(out_jsonl).with_suffix(".json"), counts)
    return counts
