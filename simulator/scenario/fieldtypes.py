"""What type a place in a scenario document has, found by walking the models' annotations.

A place is given by pydantic's error location or by a document path: model fields by their
YAML names, list indices, mapping keys; union tags and member names pass through (a step that
is no field keeps every model it could be, a tag keeps the members it names).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from simulator.scenario.base import OneOf


def _leaves(annotation: Any) -> Iterator[Any]:
    """The types a field may hold, through ``Annotated``, unions and ``None``."""
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *metadata = get_args(annotation)
        members = [m for m in metadata if isinstance(m, OneOf)]
        if members:  # the params models registered now, plug-ins included
            registry = members[0].registry
            yield from registry.params_models()
        else:
            yield from _leaves(base)
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


def _fields(model: type[BaseModel]) -> dict[str, Any]:
    # pydantic keeps a field's Annotated metadata apart; put it back (OneOf lives there).
    return {
        field.alias or name: Annotated[field.annotation, *field.metadata]
        if field.metadata
        else field.annotation
        for name, field in model.model_fields.items()
    }


def _step(annotation: Any, step: str | int) -> Iterator[Any]:
    leaves = list(_leaves(annotation))
    models = [leaf for leaf in leaves if isinstance(leaf, type) and issubclass(leaf, BaseModel)]
    having = [_fields(model)[step] for model in models if step in _fields(model)]
    if having:
        yield from having
    else:  # a union tag keeps the members it names; a member or wrapper name keeps them all
        tagged = [model for model in models if step in _tags(model)]
        yield from tagged or models
    for leaf in leaves:
        origin = get_origin(leaf)
        if origin in (list, tuple) and isinstance(step, int):
            yield from get_args(leaf)[:1]
        elif origin is dict:
            yield get_args(leaf)[1]


def types_at(model: type[BaseModel], loc: Sequence[str | int]) -> list[Any]:
    """The types (unions flattened) a value at ``loc`` inside ``model`` may have."""
    current: list[Any] = [model]
    for step in loc:
        current = [found for annotation in current for found in _step(annotation, step)]
    return [leaf for annotation in current for leaf in _leaves(annotation)]
