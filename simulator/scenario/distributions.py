"""Probability distributions used in scenarios.

Each distribution is a small frozen pydantic model tagged by ``dist``. Besides sampling it knows
its analytic mean and variance, which keeps statistical tests cheap to write and lets reports
quote the theoretical figures next to the simulated ones.

A plain number is shorthand for ``{dist: constant, value: N}``. Time-valued fields also accept
``"4h"``, ``"30m"``, ``"2d"`` or ``"1w"``; the simulator's unit of time is the day.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from scipy import stats

DURATION_PATTERN = r"^\s*([0-9]*\.?[0-9]+)\s*([mhdw])\s*$"
_DURATION = re.compile(DURATION_PATTERN)
_DAYS_PER_UNIT = {"m": 1 / 1440, "h": 1 / 24, "d": 1.0, "w": 7.0}

DurationText = Annotated[
    str, Field(pattern=DURATION_PATTERN, description="A time such as '4h', '30m', '2d' or '1w'.")
]
"""What a time string looks like, for the JSON Schema (the parser below enforces it)."""


def parse_duration(value: Any) -> Any:
    """Turn ``"4h"``-style strings into days; leave anything else to pydantic."""
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match is None:
            raise ValueError(
                f"cannot read {value!r} as a duration; write a number of days or e.g. '4h'"
            )
        return float(match.group(1)) * _DAYS_PER_UNIT[match.group(2)]
    return value


Days = Annotated[
    float,
    BeforeValidator(parse_duration, json_schema_input_type=float | DurationText),
    Field(ge=0, allow_inf_nan=False),
]
"""A non-negative time in days (numbers, or strings such as ``"4h"``)."""


class _Dist(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, allow_inf_nan=False, populate_by_name=True
    )

    @property
    def mean(self) -> float:
        raise NotImplementedError

    @property
    def variance(self) -> float:
        raise NotImplementedError

    def sample(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> np.ndarray:
        """Draw ``size`` values as float64."""
        raise NotImplementedError


class Constant(_Dist):
    """Always ``value``."""

    dist: Literal["constant"] = "constant"
    value: float = Field(ge=0)

    @property
    def mean(self) -> float:
        return self.value

    @property
    def variance(self) -> float:
        return 0.0

    def sample(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> np.ndarray:
        return np.full(size, self.value, dtype=np.float64)


class _Range(_Dist):
    """Shared by the two uniform laws: an interval ``[low, high]`` and its midpoint."""

    low: float = Field(ge=0)
    high: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> _Range:
        if self.high < self.low:
            raise ValueError(f"high must be >= low (got low={self.low}, high={self.high})")
        return self

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2


class Uniform(_Range):
    """Continuous uniform on ``[low, high]``."""

    dist: Literal["uniform"] = "uniform"

    @property
    def variance(self) -> float:
        return (self.high - self.low) ** 2 / 12

    def sample(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> np.ndarray:
        return rng.uniform(self.low, self.high, size)


class UniformInt(_Range):
    """Discrete uniform on the integers ``low, low+1, ..., high`` (both included)."""

    dist: Literal["uniform_int"] = "uniform_int"
    low: int = Field(ge=0)
    high: int = Field(ge=0)

    @property
    def variance(self) -> float:
        return ((self.high - self.low + 1) ** 2 - 1) / 12

    def sample(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> np.ndarray:
        return rng.integers(self.low, self.high + 1, size).astype(np.float64)


class Exponential(_Dist):
    """Exponential with the given mean."""

    dist: Literal["exponential"] = "exponential"
    mu: float = Field(alias="mean", gt=0)

    @property
    def mean(self) -> float:
        return self.mu

    @property
    def variance(self) -> float:
        return self.mu**2

    def sample(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> np.ndarray:
        return rng.exponential(self.mu, size)


class Normal(_Dist):
    """Normal(mean, sd) censored at zero: negative draws become 0 (quantities cannot be negative).

    ``mean`` and ``variance`` are those of the censored variable.
    """

    dist: Literal["normal"] = "normal"
    mu: float = Field(alias="mean", ge=0)
    sd: float = Field(ge=0)

    @property
    def mean(self) -> float:
        if self.sd == 0:
            return self.mu
        z = self.mu / self.sd
        return float(self.mu * stats.norm.cdf(z) + self.sd * stats.norm.pdf(z))

    @property
    def variance(self) -> float:
        if self.sd == 0:
            return 0.0
        z = self.mu / self.sd
        second = (self.mu**2 + self.sd**2) * stats.norm.cdf(z) + self.mu * self.sd * stats.norm.pdf(
            z
        )
        return float(second - self.mean**2)

    def sample(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> np.ndarray:
        return np.maximum(rng.normal(self.mu, self.sd, size), 0.0)


class _MeanSd(_Dist):
    """Laws given by their own mean and standard deviation."""

    mu: float = Field(alias="mean", gt=0)
    sd: float = Field(gt=0)

    @property
    def mean(self) -> float:
        return self.mu

    @property
    def variance(self) -> float:
        return self.sd**2


class LogNormal(_MeanSd):
    """Lognormal parameterised by its own mean and standard deviation."""

    dist: Literal["lognormal"] = "lognormal"

    def sample(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> np.ndarray:
        sigma2 = math.log1p((self.sd / self.mu) ** 2)
        return rng.lognormal(math.log(self.mu) - sigma2 / 2, math.sqrt(sigma2), size)


class Gamma(_MeanSd):
    """Gamma parameterised by mean and standard deviation."""

    dist: Literal["gamma"] = "gamma"

    def sample(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> np.ndarray:
        shape = (self.mu / self.sd) ** 2
        return rng.gamma(shape, self.sd**2 / self.mu, size)


class Poisson(_Dist):
    """Poisson with the given mean."""

    dist: Literal["poisson"] = "poisson"
    mu: float = Field(alias="mean", ge=0)

    @property
    def mean(self) -> float:
        return self.mu

    @property
    def variance(self) -> float:
        return self.mu

    def sample(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> np.ndarray:
        return rng.poisson(self.mu, size).astype(np.float64)


class NegBinomial(_MeanSd):
    """Negative binomial parameterised by mean and standard deviation (requires sd² > mean)."""

    dist: Literal["negbin"] = "negbin"

    @model_validator(mode="after")
    def _overdispersed(self) -> NegBinomial:
        if self.sd**2 <= self.mu:
            raise ValueError(
                f"negbin needs sd² > mean (got mean={self.mu}, sd={self.sd}); use poisson instead"
            )
        return self

    def sample(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> np.ndarray:
        p = self.mu / self.sd**2
        n = self.mu * p / (1 - p)
        return rng.negative_binomial(n, p, size).astype(np.float64)


class Geometric(_Dist):
    """Geometric on 1, 2, 3, ... with the given mean (>= 1): a typical order-size law."""

    dist: Literal["geometric"] = "geometric"
    mu: float = Field(alias="mean", ge=1)

    @property
    def mean(self) -> float:
        return self.mu

    @property
    def variance(self) -> float:
        return (1 - 1 / self.mu) * self.mu**2

    def sample(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> np.ndarray:
        return rng.geometric(1 / self.mu, size).astype(np.float64)


class Triangular(_Dist):
    """Triangular on ``[low, high]`` with the given mode."""

    dist: Literal["triangular"] = "triangular"
    low: float = Field(ge=0)
    mode: float = Field(ge=0)
    high: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high or self.low == self.high:
            raise ValueError("need low <= mode <= high and low < high")
        return self

    @property
    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3

    @property
    def variance(self) -> float:
        a, c, b = self.low, self.mode, self.high
        return (a * a + b * b + c * c - a * b - a * c - b * c) / 18

    def sample(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> np.ndarray:
        return rng.triangular(self.low, self.mode, self.high, size)


class Empirical(_Dist):
    """Draws from ``values`` with probabilities proportional to ``weights`` (equal if omitted)."""

    dist: Literal["empirical"] = "empirical"
    values: list[float] = Field(min_length=1)
    weights: list[float] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Empirical:
        if any(v < 0 for v in self.values):
            raise ValueError("values must be >= 0")
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError("weights must have one entry per value")
            if any(w < 0 for w in self.weights) or sum(self.weights) <= 0:
                raise ValueError("weights must be >= 0 with a positive sum")
        return self

    def _probabilities(self) -> np.ndarray:
        w = np.ones(len(self.values)) if self.weights is None else np.asarray(self.weights)
        return w / w.sum()

    @property
    def mean(self) -> float:
        return float(np.dot(self._probabilities(), self.values))

    @property
    def variance(self) -> float:
        v = np.asarray(self.values)
        return float(np.dot(self._probabilities(), (v - self.mean) ** 2))

    def sample(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> np.ndarray:
        return rng.choice(np.asarray(self.values, dtype=np.float64), size, p=self._probabilities())


def constant_shorthand(value: Any) -> Any:
    """Read a bare number (or ``"4h"``) as ``{dist: constant, value: ...}``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return {"dist": "constant", "value": value}
    if isinstance(value, str):
        return {"dist": "constant", "value": parse_duration(value)}
    return value


AnyDistribution = (
    Constant
    | Uniform
    | UniformInt
    | Exponential
    | Normal
    | LogNormal
    | Gamma
    | Poisson
    | NegBinomial
    | Geometric
    | Triangular
    | Empirical
)

ConstantShorthand = Annotated[float, Field(ge=0)] | DurationText
"""A bare number or time string, read as a constant (for the JSON Schema)."""

# The shorthand must wrap the tagged union: inside it, pydantic looks for the tag first.
Distribution = Annotated[
    Annotated[AnyDistribution, Field(discriminator="dist")],
    BeforeValidator(
        constant_shorthand,
        json_schema_input_type=ConstantShorthand
        | Annotated[AnyDistribution, Field(discriminator="dist")],
    ),
]
"""Any distribution; a bare number (or ``"4h"``) means a constant."""
