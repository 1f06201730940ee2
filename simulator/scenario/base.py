"""Building blocks shared by every scenario section: the frozen base model and common types."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from policies.registry import Registry

Id = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.\-]+$")]
NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]
Probability = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]


SHARED = "shared"
"""Key of the validation context's memo of shared sub-documents (see :func:`validated_once`)."""


def validated_once(value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> Any:
    """Validate a sub-document once however often the document shares it.

    A document may hold one dict or list object in several places (a YAML alias, or one object
    a program put under every node): with a memo in the validation context
    (``context={SHARED: {}}``), its first place validates it and the others reuse the result,
    which saves the time and the memory of a copy per place. Only successes are kept, so a bad
    shared value is reported at every place it occurs, as without the memo.
    """
    memo = info.context.get(SHARED) if isinstance(info.context, dict) else None
    if memo is None or not isinstance(value, dict | list):
        return handler(value)
    hit = memo.get(id(value))
    if hit is not None and hit[0] is value:
        return hit[1]
    result = handler(value)
    memo[id(value)] = (value, result)  # the value is kept alive, so its id stays its own
    return result


class Section(BaseModel):
    """Base of every scenario section: frozen; rejects unknown fields and non-finite numbers."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, allow_inf_nan=False, populate_by_name=True
    )


@dataclass(frozen=True)
class OneOf:
    """Field metadata: the params of any member of ``registry``, told apart by ``type``.

    The members are read from the registry when a value is validated, not when the model is
    defined: plugins load after import, and their policies or kinds must be accepted. Errors
    are the registry union's own (an unknown ``type`` lists the valid ones), located under the
    field as usual.
    """

    registry: Registry[Any]

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_plain_validator_function(self._validate)

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return handler(self.registry.union().core_schema)

    def _validate(self, value: Any) -> Any:
        return self.registry.union().validate_python(value)


def policy_union(registry: Registry[Any]) -> Any:
    """The params of any registered policy of one family (see :class:`OneOf`)."""
    return Annotated[BaseModel, OneOf(registry)]


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
