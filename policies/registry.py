"""Name-to-class registries for the policy families, and third-party plugin loading.

Every family (replenishment, allocation, distribution, routing) maps the YAML
``type`` name of a policy to its class and its pydantic params model. Plugins register through
the ``supplysim.policies`` entry-point group, loaded when a registry is first read: that is
after import, so the schema's union of a family's params (:meth:`Registry.union`) includes them.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
from types import UnionType
from typing import Annotated, Any, Generic, Literal, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, Discriminator, TypeAdapter

from policies.allocation import (
    AllocationRule,
    FairShare,
    FairShareParams,
    FcfsParams,
    FirstComeFirstServed,
    Priority,
    PriorityParams,
)
from policies.distribution import (
    DistributionStrategy,
    ExclusiveDistribution,
    ExclusiveParams,
    MassDistribution,
    MassParams,
    SelectiveDistribution,
    SelectiveParams,
)
from policies.forecast_policy import ForecastParams, ForecastPolicy
from policies.manual import ManualParams, ManualPolicy
from policies.replenishment import (
    BaseStockParams,
    MinMaxParams,
    MinMaxPolicy,
    OrderUpToPolicy,
    PassThroughParams,
    PassThroughPolicy,
    ReplenishmentPolicy,
    RQParams,
    RQPolicy,
    RSParams,
    SSParams,
    SSPolicy,
    TQParams,
    TQPolicy,
)
from policies.routing import (
    DirectParams,
    DirectRouting,
    NearestNeighbourParams,
    NearestNeighbourRouting,
    OrToolsParams,
    OrToolsRouting,
    PyVrpParams,
    PyVrpRouting,
    RoutingPolicy,
    SavingsParams,
    SavingsRouting,
)
from policies.sterman import StermanParams, StermanPolicy

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ParameterInfo:
    """One parameter of a policy, for listings."""

    name: str
    type: str
    required: bool
    default: Any
    doc: str


@dataclass(frozen=True, slots=True)
class PolicyInfo:
    """Description of a registered policy, for ``supplysim list policies``."""

    name: str
    family: str
    doc: str
    parameters: tuple[ParameterInfo, ...]
    json_schema: dict[str, Any]


class Registry(Generic[T]):
    """Members of one family by name, each with its params model.

    A member is what the family's users build from the params: a policy class, or for
    disruption kinds their description. Plugins are loaded on the first read (``get``,
    ``names``, ``union``...), never at import, so that import order cannot hide them.

    Args:
        family: Family name used in messages, e.g. "replenishment".
        noun: What a member is called in messages, e.g. "policy" or "kind".
        load: Registers the plugins (and any member not registered at import); called once,
            on the first read. Default: the ``supplysim.policies`` entry points.
    """

    def __init__(
        self, family: str, noun: str = "policy", load: Callable[[], object] | None = None
    ) -> None:
        self.family = family
        self.noun = noun
        self._load = load
        self._loaded = False
        self._entries: dict[str, tuple[T, type[BaseModel]]] = {}
        self._union: tuple[tuple[type[BaseModel], ...], TypeAdapter[Any]] | None = None

    def register(self, name: str, member: T, params: type[BaseModel]) -> None:
        """Register a member under its YAML name.

        Registering the same member and params again does nothing, so that loading plug-ins
        again after one of them failed is safe.

        Raises:
            ValueError: If the name is taken by another member or ``params.type`` is not
                ``Literal[name]``, which the scenario layer's discriminated union relies on.
        """
        if self._entries.get(name) == (member, params):
            return
        if name in self._entries:
            raise ValueError(f"{self.family} {self.noun} {name!r} is already registered")
        field = params.model_fields.get("type")
        if field is None or get_args(field.annotation) != (name,):
            raise ValueError(f"{params.__name__} needs a field type: Literal[{name!r}]")
        self._entries[name] = (member, params)

    def get(self, name: str) -> T:
        """Member registered under ``name``."""
        return self._entry(name)[0]

    def params_model(self, name: str) -> type[BaseModel]:
        """Params model registered under ``name``."""
        return self._entry(name)[1]

    def names(self) -> list[str]:
        """Registered names, sorted."""
        return sorted(self._members())

    def params_models(self) -> list[type[BaseModel]]:
        """Params models in name order, for a discriminated union on ``type``."""
        members = self._members()
        return [members[name][1] for name in sorted(members)]

    def union(self) -> TypeAdapter[Any]:
        """Validator of the params of any member, told apart by ``type``.

        Built on first use, after the plugins load, and again whenever registrations have
        changed the members since: a member registered at any time is accepted.
        """
        models = tuple(self.params_models())
        if self._union is None or self._union[0] != models:
            choice: Any = models[0] if len(models) == 1 else Union[models]  # noqa: UP007
            self._union = (models, TypeAdapter(Annotated[choice, Discriminator("type")]))
        return self._union[1]

    def describe(self, name: str) -> PolicyInfo:
        """Name, family, one-line doc, parameters and JSON schema of a member."""
        params = self.params_model(name)
        parameters = tuple(
            ParameterInfo(
                name=field_name,
                type=_type_name(field.annotation),
                required=field.is_required(),
                default=None if field.is_required() else field.default,
                doc=field.description or "",
            )
            for field_name, field in params.model_fields.items()
            if field_name != "type"
        )
        doc = (params.__doc__ or "").strip().splitlines()
        return PolicyInfo(
            name, self.family, doc[0] if doc else "", parameters, params.model_json_schema()
        )

    def _members(self) -> dict[str, tuple[T, type[BaseModel]]]:
        if not self._loaded:
            (self._load or load_entry_points)()  # the flag is set once it succeeded
            self._loaded = True
        return self._entries

    def _entry(self, name: str) -> tuple[T, type[BaseModel]]:
        try:
            return self._members()[name]
        except KeyError:
            valid = ", ".join(self.names())
            raise KeyError(f"unknown {self.family} {self.noun} {name!r}; valid: {valid}") from None


def _type_name(annotation: Any) -> str:
    """A readable type: class names bare, validators (``Annotated`` metadata) left out."""
    if annotation is type(None):
        return "None"
    if isinstance(annotation, type):
        return annotation.__name__
    if get_origin(annotation) is Annotated:
        return _type_name(get_args(annotation)[0])
    args = get_args(annotation)
    if get_origin(annotation) in (Union, UnionType) and args:
        return " | ".join(_type_name(a) for a in args)
    if args:
        origin = get_origin(annotation)
        if origin is Literal:
            return str(annotation).replace("typing.", "")
        name = getattr(origin, "__name__", str(origin))
        return f"{name}[{', '.join(_type_name(a) for a in args)}]"
    return str(annotation).replace("typing.", "")


REPLENISHMENT: Registry[type[ReplenishmentPolicy]] = Registry("replenishment")
REPLENISHMENT.register("base_stock", OrderUpToPolicy, BaseStockParams)
REPLENISHMENT.register("sS", SSPolicy, SSParams)
REPLENISHMENT.register("rQ", RQPolicy, RQParams)
REPLENISHMENT.register("RS", OrderUpToPolicy, RSParams)
REPLENISHMENT.register("min_max", MinMaxPolicy, MinMaxParams)
REPLENISHMENT.register("forecast", ForecastPolicy, ForecastParams)
REPLENISHMENT.register("TQ", TQPolicy, TQParams)
REPLENISHMENT.register("none", PassThroughPolicy, PassThroughParams)
REPLENISHMENT.register("manual", ManualPolicy, ManualParams)
REPLENISHMENT.register("sterman", StermanPolicy, StermanParams)

ALLOCATION: Registry[type[AllocationRule]] = Registry("allocation")
ALLOCATION.register("fcfs", FirstComeFirstServed, FcfsParams)
ALLOCATION.register("fair_share", FairShare, FairShareParams)
ALLOCATION.register("priority", Priority, PriorityParams)

DISTRIBUTION: Registry[type[DistributionStrategy]] = Registry("distribution")
DISTRIBUTION.register("mass", MassDistribution, MassParams)
DISTRIBUTION.register("selective", SelectiveDistribution, SelectiveParams)
DISTRIBUTION.register("exclusive", ExclusiveDistribution, ExclusiveParams)

ROUTING: Registry[type[RoutingPolicy]] = Registry("routing")
ROUTING.register("direct", DirectRouting, DirectParams)
ROUTING.register("nearest_neighbour", NearestNeighbourRouting, NearestNeighbourParams)
ROUTING.register("savings", SavingsRouting, SavingsParams)
ROUTING.register("ortools", OrToolsRouting, OrToolsParams)
ROUTING.register("pyvrp", PyVrpRouting, PyVrpParams)

# Entry points already loaded, so repeated calls do not register plugins twice.
_loaded: set[tuple[str, str, str]] = set()


def load_entry_points(group: str = "supplysim.policies") -> list[Any]:
    """Load the plugins of an entry-point group; idempotent, never called at import time.

    Each entry point loads an object. Loading a module registers through its import side
    effects; a callable that takes no arguments is called so it can register itself.

    Returns:
        The objects loaded by this call (none for entry points loaded before), for groups
        whose entry points name what to register.

    Raises:
        RuntimeError: If a plugin fails to load or register (the cause is chained).
    """
    plugins = []
    for point in entry_points(group=group):
        key = (group, point.name, point.value)
        if key in _loaded:
            continue
        try:
            plugin = point.load()
            if callable(plugin) and not isinstance(plugin, type) and _takes_no_arguments(plugin):
                plugin()
        except Exception as exc:
            raise RuntimeError(f"{group} plugin {point.name!r} ({point.value}) failed") from exc
        _loaded.add(key)
        plugins.append(plugin)
    return plugins


def _takes_no_arguments(function: Any) -> bool:
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return False
    return all(
        p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        for p in signature.parameters.values()
    )
