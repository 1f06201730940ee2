""" "Did you mean" hints for misspelt keys, ids and type names."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Sequence
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

_CUTOFF = 0.6  # difflib's ratio: below it the closest name is more likely a different word


def closest(word: str, known: Iterable[str]) -> str | None:
    """The known name ``word`` most likely misspells, or None.

    A match ignoring case wins (``ss`` -> ``sS``); then the closest by spelling
    (``unitcost`` -> ``unit_cost``, ``poison`` -> ``poisson``), the first of ``known`` on a tie.
    """
    candidates = [name for name in dict.fromkeys(known) if name != word]
    folded = [name for name in candidates if name.casefold() == word.casefold()]
    if folded:
        return folded[0]
    scores = [difflib.SequenceMatcher(None, word, name).ratio() for name in candidates]
    best = max(scores, default=0.0)
    # Among equally close names (store-1 ... store-5 for store-l), the first written.
    return candidates[scores.index(best)] if best >= _CUTOFF else None


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest known name, or ``""``."""
    match = closest(word, known)
    return f" (did you mean {match!r}?)" if match else ""


def unknown(what: str, word: str, known: Iterable[str]) -> str:
    """``unknown node 'dc-nort' (did you mean 'dc-north'?)``."""
    return f"unknown {what} '{word}'{did_you_mean(word, known)}"


def _leaves(annotation: Any) -> Iterator[Any]:
    """The types a field may hold, through ``Annotated``, unions and ``None``."""
    origin = get_origin(annotation)
    if origin is Annotated:
        yield from _leaves(get_args(annotation)[0])
    elif origin in (Union, UnionType):
        for arg in get_args(annotation):
            yield from _leaves(arg)
    else:
        yield annotation


def _tags(model: type[BaseModel]) -> set[Any]:
    """The values of the model's literal fields: a union member's tag (``type: sS``)."""
    return {
        value
        for field in model.model_fields.values()
        if get_origin(field.annotation) is Literal
        for value in get_args(field.annotation)
    }


def _step(annotation: Any, step: str | int) -> Iterator[Any]:
    leaves = list(_leaves(annotation))
    models = [leaf for leaf in leaves if isinstance(leaf, type) and issubclass(leaf, BaseModel)]
    tagged = [model for model in models if step in _tags(model)]
    for model in models:
        fields = {f.alias or name: f for name, f in model.model_fields.items()}
        if isinstance(step, str) and step in fields:
            yield fields[step].annotation
        elif not tagged or model in tagged:
            yield model  # a union tag or member name in pydantic's location, not a field
    for leaf in leaves:
        origin = get_origin(leaf)
        if origin in (list, tuple) and isinstance(step, int):
            yield from get_args(leaf)[:1]
        elif origin is dict:
            yield get_args(leaf)[1]


def field_names(model: type[BaseModel], loc: Sequence[str | int]) -> set[str]:
    """Field names, as written in YAML, of the models pydantic's location ``loc`` may be in."""
    current: list[Any] = [model]
    for step in loc:
        current = [found for annotation in current for found in _step(annotation, step)]
    return {
        field.alias or name
        for annotation in current
        for leaf in _leaves(annotation)
        if isinstance(leaf, type) and issubclass(leaf, BaseModel)
        for name, field in leaf.model_fields.items()
    }
