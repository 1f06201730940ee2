"""Building blocks shared by every scenario section: the frozen base model and common types."""

from __future__ import annotations

from typing import Annotated, Any, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

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
    """Where a place is: planar ``x``/``y`` in km, or ``lat``/``lon`` in degrees (the
    scenario's ``geography.coordinates`` says which every location uses)."""

    x: float | None = Field(None, description="km, with `y` (planar coordinates).")
    y: float | None = Field(None, description="km, with `x` (planar coordinates).")
    lat: float | None = Field(
        None, ge=-90, le=90, description="Latitude in degrees, with `lon` (latlon coordinates)."
    )
    lon: float | None = Field(
        None, ge=-180, le=180, description="Longitude in degrees, with `lat` (latlon coordinates)."
    )

    @model_validator(mode="after")
    def _one_pair(self) -> Location:
        planar = self.x is not None and self.y is not None
        geographic = self.lat is not None and self.lon is not None
        given = sum(v is not None for v in (self.x, self.y, self.lat, self.lon))
        if given != 2 or not (planar or geographic):
            raise ValueError("give either x and y (km) or lat and lon (degrees)")
        return self

    @property
    def pair(self) -> tuple[float, float]:
        """``(x, y)`` or ``(lat, lon)``, whichever is given."""
        if self.x is not None and self.y is not None:
            return self.x, self.y
        assert self.lat is not None and self.lon is not None
        return self.lat, self.lon
