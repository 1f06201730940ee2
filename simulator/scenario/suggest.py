""" "Did you mean" hints for misspelt keys, ids and type names."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

_CUTOFF = 0.6  # difflib's ratio: below it the closest name is more likely a different word


def closest(word: str, known: Iterable[str]) -> str | None:
    """The known name ``word`` most likely misspells, or None.

    A match ignoring case wins (``ss`` -> ``sS``); then the closest by spelling
    (``unitcost`` -> ``unit_cost``, ``poison`` -> ``poisson``).
    """
    candidates = [name for name in dict.fromkeys(known) if name != word]
    folded = [name for name in candidates if name.casefold() == word.casefold()]
    if folded:
        return folded[0]
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=_CUTOFF)
    return close[0] if close else None


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest known name, or ``""``."""
    match = closest(word, known)
    return f" (did you mean {match!r}?)" if match else ""


def unknown(what: str, word: str, known: Iterable[str]) -> str:
    """``unknown node 'dc-nort' (did you mean 'dc-north'?)``."""
    return f"unknown {what} '{word}'{did_you_mean(word, known)}"
