"""Building blocks shared by every scenario section: the frozen base model and common types."""

from __future__ import annotations

from typing import Annotated, Any, Union

from pydantic import BaseModel, ConfigDict, Field

from policies.registry import Registry

Id = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.\-]+$")]
NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]
Probability = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]


class Section(BaseModel):
    """Base of every scenario section: frozen; rejects unknown fields and non-finite numbers."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, allow_inf_nan=False, populate_by_name=True
    )


def policy_union(registry: Registry[Any]) -> Any:
    """The discriminated union of every registered policy's parameters in one family."""
    models = tuple(registry.params_models())
    if len(models) == 1:
        return Annotated[models[0], Field(discriminator="type")]
    return Annotated[Union[models], Field(discriminator="type")]  # noqa: UP007


class Location(Section):
    """Planar coordinates in km."""

    x: float
    y: float
