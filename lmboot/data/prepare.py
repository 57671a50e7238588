"""Prepare: read the corpora, normalize, and split in-domain data into seed / pool / dev / test.

Seed = new-language (target) side only; pool = source side only (its real target side is kept apart as
the oracle, for reporting); dev has both sides; test = target side. Splits are disjoint by row. The pool's
and dev's source-side slot tags ({pool,dev}.tags, one per word; "o" without in_domain.source_tags_field)
are what entity protection reads. The general bitext's new-language side can be put into the seed's
script first (general.target_script, lmboot/data/script.py).
"""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

from lmboot.data.corpus import atomic_write, iter_pairs, normalize, read_pairs, split_values, write_json, write_lines
from lmboot.errors import InputError


def normalizer(norm: dict, lang: str | None):
    """The normalization of one language's text: lmboot's normalize, after the spoken form of numbers and
    symbols (normalize.spoken_form; lmboot/data/spoken.py) when on."""
    lower, strip = norm["lowercase"], norm["strip_punctuation"]
    if norm["spoken_form"] and lang:
        from lmboot.data.spoken import spoken_form

        return lambda text: spoken_form(text, lang, lower, strip)
    return lambda text: normalize(text, lower, strip)


def normalized_words(text: str, tags: str, norm, where: str) -> tuple[list[str], list[str]]:
    """The normalized text's words and one tag per word: each raw word normalized on its own and its tag
    repeated over what it becomes (a word that normalizes to nothing drops its tag; an i- tag after such a
    gap stays inside the span). norm: a normalizer (normalizer()) or a normalize section."""
    norm = norm if callable(norm) else normalizer(norm, None)
    words, labels = text.split(), tags.split()
    if len(words) != len(labels):
        raise InputError(f"{where}: {len(labels)} slot tags for {len(words)} words")
    out_words, out_tags = [], []
    for word, label in zip(words, labels):
        pieces = norm(word).split()
        out_words += pieces
        out_tags += [label] + [label.replace("b-", "i-", 1)] * (len(pieces) - 1) if pieces else []
    return out_words, out_tags


def normalized_tags(text: str, tags: str, norm, where: str) -> list[str]:
    """One tag per word of the normalized text (normalized_words)."""
    return normalized_words(text, tags, norm, where)[1]


def tagged_words(norm):
    """(line, tags, where) -> (normalized line, its tags): normalized word by word, so the two align."""

    def tag_words(line: str, tags: str, where: str) -> tuple[str, str]:
        words, labels = normalized_words(line, tags, norm, where)
        return " ".join(words), " ".join(labels)

    return tag_words


def read_in_domain(
    spec: dict, norm: dict, test_first: bool = False, langs: dict | None = None
) -> tuple[list[dict], dict]:
    """The cleaned in-domain records (clean_pairs); each has "tags", one per word of its normalized source:
    the source_tags_field's, or all "o" without one. test_first: a pair found in the test split and in
    another keeps its test row (the duplicate dropped is the other)."""
    field = spec.get("source_tags_field")
    if field and spec["format"] not in ("jsonl", "massive"):
        raise InputError(
            f"in_domain.source_tags_field: slot tags are read from jsonl and massive corpora, not {spec['format']}"
        )
    langs = langs or {}
    src_norm = normalizer(norm, langs.get("source"))
    records = read_pairs({**spec, "extra_fields": {"tags": field}} if field else spec)
    for n, r in enumerate(records):
        raw = r["tags"] if field else " ".join(["o"] * len(r["src"].split()))
        r["src"], r["tags"] = tagged_words(src_norm)(r["src"], raw, f"in_domain record {n + 1} ({field})")
    test_values = (split_values(spec) or {}).get("test")
    if test_first and test_values:
        records.sort(key=lambda r: r["split"] not in test_values)  # stable: order kept otherwise
    return clean_pairs(records, norm, langs)


def clean_pairs(records: list[dict], norm: dict, langs: dict | None = None) -> tuple[list[dict], dict]:
    """Normalize both sides (each in its language: languages.source / target); drop empty, over-long and
    duplicate pairs. Returns (kept, counts)."""
    counts: dict = {}
    kept = list(iter_clean_pairs(records, norm, langs, counts))
    return kept, counts


def iter_clean_pairs(records, norm: dict, langs: dict | None, counts: dict):
    """clean_pairs streamed: the kept records in order, `counts` filled as they go (read, empty, too_long,
    duplicate, kept). Duplicates are found by a 16-byte digest of the pair, not the pair's text."""
    seen = set()
    counts.update(read=0, empty=0, too_long=0, duplicate=0, kept=0)
    max_words = norm["max_words"]
    langs = langs or {}
    src_norm, tgt_norm = normalizer(norm, langs.get("source")), normalizer(norm, langs.get("target"))
    for r in records:
        counts["read"] += 1
        src, tgt = src_norm(r["src"]), tgt_norm(r["tgt"])
        if not src or not tgt:
            counts["empty"] += 1
            continue
        if len(src.split()) > max_words or len(tgt.split()) > max_words:
            counts["too_long"] += 1
            continue
        digest = hashlib.blake2b(f"{src}\t{tgt}".encode(), digest_size=16).digest()
        if digest in seen:
            counts["duplicate"] += 1
            continue
        seen.add(digest)
        counts["kept"] += 1
        yield {**r, "src": src, "tgt": tgt}


def write_general(
    spec: dict, norm: dict, langs: dict | None, test_texts: set[str], dev_texts: list[str], out: Path
) -> dict:
    """general.{src,tgt} in out: the general bitext cleaned (iter_clean_pairs), without the pairs whose
    new-language side is a test utterance (general.drop_test_overlap), streamed from the corpus to the files
    (memory holds the duplicate digests, not the text). With general.target_script, the text is read whole
    (the script is chosen on it). Returns the counts; no usable pair stops with nothing written."""
    script = None
    records = iter_pairs(spec)
    if spec.get("target_script"):
        from lmboot.data.script import to_seed_script

        records = list(records)
        script = to_seed_script(records, spec["target_script"], dev_texts)
    counts: dict = {}
    equal_to_test = kept = 0
    with atomic_write(out / "general.src") as fs, atomic_write(out / "general.tgt") as ft:
        for r in iter_clean_pairs(records, norm, langs, counts):
            if r["tgt"] in test_texts:
                equal_to_test += 1
                if spec["drop_test_overlap"]:
                    continue
            fs.write(r["src"] + "\n")
            ft.write(r["tgt"] + "\n")
            kept += 1
        if not kept:
            raise InputError(f"general: no usable pairs in {spec.get('path')}")
    return {**counts, "kept": kept, "equal_to_test": equal_to_test, **({"target_script": script} if script else {})}


def without_test_repeats(train: list[dict], dev: list[dict], test: list[dict]) -> tuple[list, list, dict]:
    """train and dev without the rows that repeat a test row on either side, and how many each lost."""
    seen = {r["src"] for r in test} | {r["tgt"] for r in test}
    kept_train, kept_dev = ([r for r in rows if r["src"] not in seen and r["tgt"] not in seen] for rows in (train, dev))
    return kept_train, kept_dev, {"train": len(train) - len(kept_train), "dev": len(dev) - len(kept_dev)}


def split_in_domain(records: list[dict], split_cfg: dict, split_values: dict | None) -> tuple[dict, dict | None]:
    """Seed/pool from the training rows, dev/test from the given split values or by shuffling; and, with
    split.drop_test_repeats, the rows dropped as repeats of a test row (else None)."""
    rng = random.Random(split_cfg["random_seed"])
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
        test, dev, train = rows[:n_test], rows[n_test : n_test + n_dev], rows[n_test + n_dev :]
    if split_cfg.get("test_size"):
        test = test[: split_cfg["test_size"]]
    dropped = None
    if split_cfg.get("drop_test_repeats"):
        train, dev, dropped = without_test_repeats(train, dev, test)
    if split_cfg.get("dev_size"):
        dev = dev[: split_cfg["dev_size"]]
    seed, pool = train[: split_cfg["seed_size"]], train[split_cfg["seed_size"] :]
    if split_cfg.get("pool_size"):
        pool = pool[: split_cfg["pool_size"]]
    return {"seed": seed, "pool": pool, "dev": dev, "test": test}, dropped


def in_domain_splits(config: dict) -> tuple[dict, dict]:
    """seed / pool / dev / test rows and their stats: from roles' own files (lmboot/data/roles.py), or split from
    one parallel in_domain corpus."""
    norm, split_cfg, langs = config["normalize"], config["split"], config.get("languages") or {}
    if "roles" in config:
        from lmboot.data.roles import read_roles, role_splits

        source, target = normalizer(norm, langs.get("source")), normalizer(norm, langs.get("target"))
        return role_splits(
            read_roles(config["roles"]), source, target, tagged_words(source), split_cfg, norm["max_words"]
        )
    in_domain, in_counts = read_in_domain(config["in_domain"], norm, split_cfg["drop_test_repeats"], langs)
    splits, dropped = split_in_domain(in_domain, split_cfg, split_values(config["in_domain"]))
    stats = {"in_domain": in_counts}
    if dropped is not None:
        stats["test_repeats_dropped"] = dropped
    return splits, stats


def choice_source(config: dict, splits: dict) -> tuple[list[dict], str]:
    """What the translator's choices on dev translate (dev.src / dev.tags): dev's source side under the chrf
    criterion; under dev_ppl a seeded sample of the pool (tuning.pool_sample), so that no in-domain parallel
    text is read. Returns the rows and the criterion."""
    from lmboot.config import tuning_criterion

    criterion = tuning_criterion(config)
    if criterion == "chrf":
        return splits["dev"], criterion
    from lmboot.data.roles import capped

    rng = random.Random(config["split"]["random_seed"])
    return capped(splits["pool"], config["tuning"]["pool_sample"], rng), criterion


def prepare(config: dict, out_dir: str | Path) -> dict:
    """Write seed.tgt, pool.src, pool.oracle.tgt, dev.{src,tgt}, test.tgt, general.{src,tgt}, prepare.json.
    dev.src / dev.tags hold what the choices on dev translate (choice_source)."""
    out = Path(out_dir)
    norm, split_cfg = config["normalize"], config["split"]
    splits, stats = in_domain_splits(config)
    where = "roles" if "roles" in config else "in_domain"
    min_seed = split_cfg["min_seed_size"]
    if len(splits["seed"]) < min_seed:
        raise InputError(
            f"split.seed_size: the seed has {len(splits['seed'])} utterances, fewer than split.min_seed_size={min_seed}"
        )
    for name in ("pool", "dev", "test"):
        if not splits[name]:
            raise InputError(f"{where}: the {name} split is empty (check split sizes and split_values)")
    ids = {name: {id(r) for r in rows} for name, rows in splits.items()}
    names = list(ids)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert not ids[a] & ids[b], f"splits {a} and {b} share rows"
    choice, criterion = choice_source(config, splits)

    test_texts = {r["tgt"] for r in splits["test"]}
    general_counts = write_general(
        config["general"], norm, config.get("languages"), test_texts, [r["tgt"] for r in splits["dev"]], out
    )

    has_oracle = "roles" not in config or bool(config["roles"].get("pool_reference"))
    write_lines(out / "seed.tgt", (r["tgt"] for r in splits["seed"]))
    write_lines(out / "pool.src", (r["src"] for r in splits["pool"]))
    write_lines(out / "pool.oracle.tgt", (r["tgt"] for r in splits["pool"]) if has_oracle else ())
    write_lines(out / "dev.src", (r["src"] for r in choice))
    write_lines(out / "pool.tags", (r["tags"] for r in splits["pool"]))
    write_lines(out / "dev.tags", (r["tags"] for r in choice))
    write_lines(out / "dev.tgt", (r["tgt"] for r in splits["dev"]))
    write_lines(out / "test.tgt", (r["tgt"] for r in splits["test"]))
    stats = {
        **stats,
        "general": general_counts,
        "sizes": {name: len(rows) for name, rows in splits.items()},
        "test_in_seed": sum(r["tgt"] in test_texts for r in splits["seed"]),
        "tuning": {
            "criterion": criterion,
            "translated_on_dev": "dev source side"
            if criterion == "chrf"
            else f"a sample of {len(choice)} pool utterances",
        },
    }
    write_json(out / "prepare.json", stats)
    return stats
