""" "Did you mean" hints for misspelt keys, ids and type names."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

from pydantic import BaseModel

from simulator.scenario.fieldtypes import types_at

_CUTOFF = 0.59  # difflib's ratio: below 0.6 the closest name is more likely a different word


def closest(word: str, known: Iterable[str]) -> str | None:
    """The known name ``word`` most likely misspells, or None.

    A match ignoring case wins (``ss`` -> ``sS``); then the closest by spelling
    (``unitcost`` -> ``unit_cost``, ``poison`` -> ``poisson``), the first of ``known`` on a tie.
    """
    candidates = [name for name in dict.fromkeys(known) if name != word]
    folded = [name for name in candidates if name.casefold() == word.casefold()]
    if folded:
        return folded[0]
    matcher = difflib.SequenceMatcher(b=word)  # analyses `word` once for every candidate
    best, found = _CUTOFF, None
    for name in candidates:
        matcher.set_seq1(name)
        # The cheap upper bounds first, as difflib.get_close_matches does; on a tie the first
        # written wins (store-1 ... store-5 for store-l).
        if matcher.real_quick_ratio() > best and matcher.quick_ratio() > best:
            score = matcher.ratio()
            if score > best:
                best, found = score, name
    return found


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest known name, or ``""``."""
    match = closest(word, known)
    return f" (did you mean {match!r}?)" if match else ""


def unknown(what: str, word: str, known: Iterable[str]) -> str:
    """``unknown node 'dc-nort' (did you mean 'dc-north'?)``."""
    return f"unknown {what} '{word}'{did_you_mean(word, known)}"


def field_names(model: type[BaseModel], loc: Sequence[str | int]) -> set[str]:
    """Field names, as written in YAML, of the models pydantic's location ``loc`` may be in."""
    return {
        field.alias or name
        for leaf in types_at(model, loc)
        if isinstance(leaf, type) and issubclass(leaf, BaseModel)
        for name, field in leaf.model_fields.items()
    }
