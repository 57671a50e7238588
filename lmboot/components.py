"""The LM components lmboot builds itself, in one place: what lm.components may name besides the translators
a team brings (and "union", their n-best lists together). config.py checks lm.components against these
names; lmboot.plan makes each one's LM. A leaf module."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Component:
    """An LM component mixed with the seed LM (lm.components): the LM it names (models/<run>/lm/<lm>.arpa),
    its label in tables, what it is made of ("translations": the ideal LM puts the real pool text in their
    place; "held text": new-language text a team already holds, with a baseline of its own: seed + it) and
    whether it is built with a vocabulary cut chosen on dev (rule lm_component)."""

    lm: str
    label: str
    made_of: str
    cut: bool = False


# name -> (label, made of, vocabulary cut); "translated" is the configured pipeline's variant (lmboot.plan)
BUILT_IN = {
    "translated": ("translations", "translations", False),
    "nbest": ("top-k translations", "translations", True),
    "general": ("general text", "held text", True),
    "selected": ("selected text", "held text", True),
}
UNION = "union"  # every translator's n-best lists together (with translators: lmboot.plan)
RESERVED_NAMES = (*BUILT_IN, UNION, "seed", "oracle")  # no translator may take these names
