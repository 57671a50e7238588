"""In-domain data by role (config `roles`): the new language's own seed, dev and test transcripts and a
source-language pool to translate, each from its own files, with no row needing a counterpart in the other
language. Optional: the pool's reference translation (the oracle rows), its slot tags, dev's source side.

Each role is normalized (spoken form included) and cleaned of empty and over-long lines; seed and pool lose
their duplicates. Overlaps are reported and removed: a seed utterance that is also in dev or test leaves the
seed, a dev utterance that is also in test leaves dev, a pool row whose reference is a test utterance leaves
the pool. The seed is then a seeded sample of split.seed_size; pool, dev and test are capped by
split.pool_size / dev_size / test_size (seeded samples, file order kept)."""

from __future__ import annotations

import random

from lmboot.data.corpus import iter_text
from lmboot.errors import InputError

ROLES = ("seed", "pool", "pool_reference", "pool_tags", "dev", "dev_source", "test")
ALIGNED = {"pool_reference": "pool", "pool_tags": "pool", "dev_source": "dev"}


def read_roles(roles: dict) -> dict[str, list[str]]:
    """Every given role's raw lines; a role's file missing or empty, or an aligned role (pool_reference,
    pool_tags, dev_source) of another length than its role, is a one-line error naming the file."""
    texts = {}
    for role in ROLES:
        spec = roles.get(role)
        if not spec:
            continue
        texts[role] = list(iter_text(spec, f"roles.{role}"))
        if not any(line.strip() for line in texts[role]):
            raise InputError(f"roles.{role}: {spec['path']}: empty (no text)")
    for role, base in ALIGNED.items():
        if role in texts and len(texts[role]) != len(texts[base]):
            raise InputError(
                f"roles.{role}: {roles[role]['path']} has {len(texts[role])} lines but roles.{base} "
                f"({roles[base]['path']}) has {len(texts[base])}: they must align line by line"
            )
    return texts


def capped(rows: list, size: int | None, rng: random.Random) -> list:
    """A seeded sample of `size` rows in their order (all when size is None or larger)."""
    if not size or size >= len(rows):
        return rows
    return [rows[i] for i in sorted(rng.sample(range(len(rows)), size))]


def clean_rows(rows: list[dict], keys: tuple[str, ...], max_words: int, dedupe: bool, counts: dict) -> list[dict]:
    """Rows whose `keys` are all non-empty and at most max_words words; with dedupe, first occurrences only."""
    seen, kept = set(), []
    for r in rows:
        values = tuple(r[k] for k in keys)
        if not all(values):
            counts["empty"] = counts.get("empty", 0) + 1
        elif any(len(v.split()) > max_words for v in values):
            counts["too_long"] = counts.get("too_long", 0) + 1
        elif dedupe and values in seen:
            counts["duplicate"] = counts.get("duplicate", 0) + 1
        else:
            seen.add(values)
            kept.append(r)
    return kept


def role_splits(
    texts: dict[str, list[str]], source_norm, target_norm, tag_words, split_cfg: dict, max_words: int
) -> tuple[dict, dict]:
    """The splits prepare writes ({seed, pool, dev, test}: rows with src / tgt / tags) from the roles' raw
    lines, and what was dropped. source_norm / target_norm normalize a line of each language; tag_words
    (line, tags) normalizes a source line word by word, returning (text, tags) aligned."""
    rng = random.Random(split_cfg["random_seed"])
    counts = {role: {"read": len(lines)} for role, lines in texts.items() if role not in ALIGNED}
    pool = []
    for n, line in enumerate(texts["pool"]):
        tags = texts["pool_tags"][n] if "pool_tags" in texts else " ".join(["o"] * len(line.split()))
        src, src_tags = tag_words(line, tags, f"roles.pool_tags line {n + 1}")
        ref = target_norm(texts["pool_reference"][n]) if "pool_reference" in texts else "-"
        pool.append({"src": src, "tags": src_tags, "tgt": ref})
    dev = [
        {"tgt": target_norm(t), "src": source_norm(texts["dev_source"][n]) if "dev_source" in texts else "-"}
        for n, t in enumerate(texts["dev"])
    ]
    test = clean_rows([{"tgt": target_norm(t)} for t in texts["test"]], ("tgt",), max_words, False, counts["test"])
    test_texts = {r["tgt"] for r in test}
    dev = clean_rows(dev, ("src", "tgt"), max_words, False, counts["dev"])
    overlap = {"dev_in_test": sum(r["tgt"] in test_texts for r in dev)}
    dev = [r for r in dev if r["tgt"] not in test_texts]
    dev_texts = {r["tgt"] for r in dev}
    seed = clean_rows([{"tgt": target_norm(t)} for t in texts["seed"]], ("tgt",), max_words, True, counts["seed"])
    overlap["seed_in_test"] = sum(r["tgt"] in test_texts for r in seed)
    overlap["seed_in_dev"] = sum(r["tgt"] in dev_texts for r in seed)
    seed = [r for r in seed if r["tgt"] not in test_texts and r["tgt"] not in dev_texts]
    pool = clean_rows(pool, ("src", "tgt"), max_words, True, counts["pool"])
    overlap["pool_reference_in_test"] = sum(r["tgt"] in test_texts for r in pool) if "pool_reference" in texts else 0
    pool = [r for r in pool if "pool_reference" not in texts or r["tgt"] not in test_texts]
    splits = {
        "seed": capped(seed, split_cfg["seed_size"], rng),
        "pool": capped(pool, split_cfg.get("pool_size"), rng),
        "dev": capped(dev, split_cfg.get("dev_size"), rng),
        "test": capped(test, split_cfg.get("test_size"), rng),
    }
    for name, rows in splits.items():
        counts[name]["kept"] = len(rows)
    return splits, {"roles": counts, "overlap_removed": overlap}
