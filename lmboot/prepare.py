"""Prepare: read the corpora, normalize, and split in-domain data into seed / pool / dev / test.

Seed = new-language (target) side only; pool = source side only (its real target side is kept apart as
the oracle, for reporting); dev has both sides; test = target side. Splits are disjoint by row. The pool's
and dev's source-side slot tags ({pool,dev}.tags, one per word; "o" without in_domain.source_tags_field)
are what entity protection reads. The general bitext's new-language side can be put into the seed's
script first (general.target_script, lmboot/script.py).
"""

from __future__ import annotations

import random
from pathlib import Path

from lmboot.corpus import normalize, read_pairs, split_values, write_json, write_lines
from lmboot.errors import InputError


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


def read_in_domain(spec: dict, norm: dict, test_first: bool = False) -> tuple[list[dict], dict]:
    """The cleaned in-domain records (clean_pairs); each has "tags", one per word of its normalized source:
    the source_tags_field's, or all "o" without one. test_first: a pair found in the test split and in
    another keeps its test row (the duplicate dropped is the other)."""
    field = spec.get("source_tags_field")
    if field and spec["format"] not in ("jsonl", "massive"):
        raise InputError(f"in_domain.source_tags_field: slot tags are read from jsonl and massive corpora, "
                         f"not {spec['format']}")
    records = read_pairs({**spec, "extra_fields": {"tags": field}} if field else spec)
    for n, r in enumerate(records):
        raw = r["tags"] if field else " ".join(["o"] * len(r["src"].split()))
        r["tags"] = " ".join(normalized_tags(r["src"], raw, norm, f"in_domain record {n + 1} ({field})"))
    test_values = (split_values(spec) or {}).get("test")
    if test_first and test_values:
        records.sort(key=lambda r: r["split"] not in test_values)  # stable: order kept otherwise
    return clean_pairs(records, norm)


def clean_pairs(records: list[dict], norm: dict) -> tuple[list[dict], dict]:
    """Normalize both sides; drop empty, over-long and duplicate pairs. Returns (kept, counts)."""
    seen, kept = set(), []
    counts = {"read": len(records), "empty": 0, "too_long": 0, "duplicate": 0}
    max_words = norm.get("max_words", 50)
    for r in records:
        src = normalize(r["src"], norm.get("lowercase", True), norm.get("strip_punctuation", True))
        tgt = normalize(r["tgt"], norm.get("lowercase", True), norm.get("strip_punctuation", True))
        if not src or not tgt:
            counts["empty"] += 1
        elif len(src.split()) > max_words or len(tgt.split()) > max_words:
            counts["too_long"] += 1
        elif (src, tgt) in seen:
            counts["duplicate"] += 1
        else:
            seen.add((src, tgt))
            kept.append({**r, "src": src, "tgt": tgt})
    counts["kept"] = len(kept)
    return kept, counts


def without_test_repeats(train: list[dict], dev: list[dict], test: list[dict]) -> tuple[list, list, dict]:
    """train and dev without the rows that repeat a test row on either side, and how many each lost."""
    seen = {r["src"] for r in test} | {r["tgt"] for r in test}
    kept_train, kept_dev = ([r for r in rows if r["src"] not in seen and r["tgt"] not in seen] for rows in (train, dev))
    return kept_train, kept_dev, {"train": len(train) - len(kept_train), "dev": len(dev) - len(kept_dev)}


def split_in_domain(records: list[dict], split_cfg: dict, split_values: dict | None) -> tuple[dict, dict | None]:
    """Seed/pool from the training rows, dev/test from the given split values or by shuffling; and, with
    split.drop_test_repeats, the rows dropped as repeats of a test row (else None)."""
    rng = random.Random(split_cfg.get("random_seed", 13))
    if split_values:
        groups = {name: [r for r in records if r["split"] in values] for name, values in split_values.items()}
        train, dev, test = groups["train"], groups["dev"], groups["test"]
        rng.shuffle(train)
        rng.shuffle(dev)
        rng.shuffle(test)
    else:
        for key in ("test_size", "dev_size"):
            if not split_cfg.get(key):
                raise InputError(f"split.{key}: needed to split in_domain when it has no split_field")
        rows = list(records)
        rng.shuffle(rows)
        n_test, n_dev = split_cfg["test_size"], split_cfg["dev_size"]
        test, dev, train = rows[:n_test], rows[n_test:n_test + n_dev], rows[n_test + n_dev:]
    if split_cfg.get("test_size"):
        test = test[:split_cfg["test_size"]]
    dropped = None
    if split_cfg.get("drop_test_repeats"):
        train, dev, dropped = without_test_repeats(train, dev, test)
    if split_cfg.get("dev_size"):
        dev = dev[:split_cfg["dev_size"]]
    seed, pool = train[:split_cfg["seed_size"]], train[split_cfg["seed_size"]:]
    if split_cfg.get("pool_size"):
        pool = pool[:split_cfg["pool_size"]]
    return {"seed": seed, "pool": pool, "dev": dev, "test": test}, dropped


def prepare(config: dict, out_dir: str | Path) -> dict:
    """Write seed.tgt, pool.src, pool.oracle.tgt, dev.{src,tgt}, test.tgt, general.{src,tgt}, prepare.json."""
    out = Path(out_dir)
    norm, split_cfg = config.get("normalize", {}), config["split"]
    in_domain, in_counts = read_in_domain(config["in_domain"], norm, split_cfg.get("drop_test_repeats", False))
    splits, dropped = split_in_domain(in_domain, split_cfg, split_values(config["in_domain"]))

    min_seed = split_cfg.get("min_seed_size", 50)
    if len(splits["seed"]) < min_seed:
        raise InputError(f"split.seed_size: the seed has {len(splits['seed'])} utterances, "
                         f"fewer than split.min_seed_size={min_seed}")
    for name in ("pool", "dev", "test"):
        if not splits[name]:
            raise InputError(f"in_domain: the {name} split is empty (check split sizes and split_values)")
    ids = {name: {id(r) for r in rows} for name, rows in splits.items()}
    names = list(ids)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert not ids[a] & ids[b], f"splits {a} and {b} share rows"

    general_records, script = read_pairs(config["general"]), None
    if config["general"].get("target_script"):
        from lmboot.script import to_seed_script
        script = to_seed_script(general_records, config["general"]["target_script"], [r["tgt"] for r in splits["dev"]])
    general, gen_counts = clean_pairs(general_records, norm)
    test_texts = {r["tgt"] for r in splits["test"]}
    gen_counts["equal_to_test"] = sum(r["tgt"] in test_texts for r in general)
    if config["general"].get("drop_test_overlap", True):
        general = [r for r in general if r["tgt"] not in test_texts]
    if not general:
        raise InputError(f"general: no usable pairs in {config['general'].get('path')}")

    write_lines(out / "seed.tgt", (r["tgt"] for r in splits["seed"]))
    write_lines(out / "pool.src", (r["src"] for r in splits["pool"]))
    write_lines(out / "pool.oracle.tgt", (r["tgt"] for r in splits["pool"]))
    write_lines(out / "dev.src", (r["src"] for r in splits["dev"]))
    write_lines(out / "pool.tags", (r["tags"] for r in splits["pool"]))
    write_lines(out / "dev.tags", (r["tags"] for r in splits["dev"]))
    write_lines(out / "dev.tgt", (r["tgt"] for r in splits["dev"]))
    write_lines(out / "test.tgt", (r["tgt"] for r in splits["test"]))
    write_lines(out / "general.src", (r["src"] for r in general))
    write_lines(out / "general.tgt", (r["tgt"] for r in general))
    stats = {"in_domain": in_counts, "general": {**gen_counts, "kept": len(general)},
             "sizes": {name: len(rows) for name, rows in splits.items()},
             "test_in_seed": sum(r["tgt"] in test_texts for r in splits["seed"])}
    if dropped is not None:
        stats["test_repeats_dropped"] = dropped
    if script:
        stats["general"]["target_script"] = script
    write_json(out / "prepare.json", stats)
    return stats
