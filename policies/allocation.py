"""Allocation rules: how a supplier shares scarce stock among the orders waiting for it.

A rule sees every open request for a supplier's stock at once, in arrival order, and grants
each request at most what it asks, and each supplier at most what it has. Rules differ only
in who goes first:

- ``fcfs``: first come, first served;
- ``fair_share``: everyone gets the same fraction of the request (proportional rationing);
- ``priority``: by partner tier (1 first) or by channel in a given order, then first come.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol, Self

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

Channel = Literal["retail", "ecommerce", "wholesale", "distributor"]
CHANNELS: tuple[Channel, ...] = ("ecommerce", "retail", "distributor", "wholesale")
"""The default priority order of channels."""


@dataclass(frozen=True, slots=True)
class AllocationRequest:
    """Open requests for suppliers' stock, in arrival order (arrays of equal length n).

    Attributes:
        supplier: Supplier id of each request (an index into ``available``).
        quantity: Units requested.
        tier: Partner tier of the requester (1 is the most important).
        channel: Channel of the requester (``retail``, ``ecommerce``, ``wholesale``,
            ``distributor``, or ``""`` for an internal node such as a DC).
        available: Units each supplier can give, indexed by supplier id.
    """

    supplier: np.ndarray
    quantity: np.ndarray
    tier: np.ndarray
    channel: np.ndarray
    available: np.ndarray


class AllocationRule(Protocol):
    """A rule that grants requests; implementations must never exceed request or supply."""

    @classmethod
    def from_params(cls, params: BaseModel) -> Self: ...

    def allocate(self, request: AllocationRequest) -> np.ndarray:
        """Units granted to each request."""
        ...


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FcfsParams(_Params):
    """First come, first served: the oldest request is filled in full before the next."""

    type: Literal["fcfs"] = "fcfs"


class FairShareParams(_Params):
    """Fair share: every request gets the same fraction of what it asks."""

    type: Literal["fair_share"] = "fair_share"


class PriorityParams(_Params):
    """Priority: by partner tier (1 first) or by channel order, then first come."""

    type: Literal["priority"] = "priority"
    by: Literal["tier", "channel"] = Field("tier", description="What decides who goes first.")
    order: tuple[Channel, ...] = Field(
        CHANNELS,
        description="With by: channel, channels first to last; unlisted ones come after.",
    )


def grant_in_order(groups: np.ndarray, requests: np.ndarray, available: np.ndarray) -> np.ndarray:
    """Grant requests in the order given within each group, up to ``available[group]``.

    The first requests of a group are filled in full until its supply runs out, one request
    may be partly filled, the rest get nothing.
    """
    if len(requests) <= _FEW:
        return _grant_few(groups.tolist(), requests.tolist(), available)
    # Requests per group, over the run of groups they name (a few of a million positions).
    low, high = int(groups.min()), int(groups.max()) + 1
    wanted = np.bincount(groups - low if low else groups, weights=requests, minlength=high - low)
    asked = wanted > 0
    # The sums below round by at most (n + 3) eps times the sum of all requests; where every
    # group has more than its requests beyond that, they grant each request in full, so no
    # sort is needed (the usual case: a shortage is rare).
    slack = 8 * (len(requests) + 4) * _EPS * float(requests.sum())
    if (available[low:high][asked] * (1 - 8 * _EPS) >= wanted[asked] + slack).all():
        return requests.astype(np.float64)
    return _grant_arrays(groups, requests, available)


def _grant_arrays(groups: np.ndarray, requests: np.ndarray, available: np.ndarray) -> np.ndarray:
    """:func:`grant_in_order` with array operations."""
    order = np.argsort(groups, kind="stable")
    g = groups[order]
    r = requests[order]
    running = np.cumsum(r)
    first = np.ones(len(g), dtype=bool)
    first[1:] = g[1:] != g[:-1]
    starts = np.flatnonzero(first)
    before_group = np.repeat(running[starts] - r[starts], np.diff(np.append(starts, len(g))))
    before = running - r - before_group  # demand ahead of each request within its group
    granted = np.clip(available[g] - before, 0.0, r)
    out = np.empty_like(granted)
    out[order] = granted
    return out


_FEW = 8  # requests granted in plain Python: array set-up costs more for so few
_EPS = float(np.finfo(np.float64).eps)


def _grant_few(groups: list[int], requests: list[float], available: np.ndarray) -> np.ndarray:
    """:func:`grant_in_order` one request at a time, with the very same float operations."""
    out = np.zeros(len(requests))
    running = group_start = 0.0
    order = sorted(range(len(groups)), key=groups.__getitem__)  # stable, as argsort above
    for k, i in enumerate(order):
        r = requests[i]
        running += r
        if k == 0 or groups[i] != groups[order[k - 1]]:
            group_start = running - r
        before = running - r - group_start
        out[i] = min(max(available.item(groups[i]) - before, 0.0), r)
    return out


class FirstComeFirstServed:
    """Fill requests in arrival order."""

    @classmethod
    def from_params(cls, params: BaseModel) -> Self:
        return cls()

    def allocate(self, request: AllocationRequest) -> np.ndarray:
        return grant_in_order(request.supplier, request.quantity, request.available)


class FairShare:
    """Give every request of a supplier the same fraction: supply over total requested."""

    @classmethod
    def from_params(cls, params: BaseModel) -> Self:
        return cls()

    def allocate(self, request: AllocationRequest) -> np.ndarray:
        wanted = np.bincount(
            request.supplier, weights=request.quantity, minlength=len(request.available)
        )
        given = np.minimum(request.available, wanted)
        share = np.divide(given, wanted, out=np.zeros_like(wanted), where=wanted > 0)
        return request.quantity * share[request.supplier]


class Priority:
    """Serve the best-ranked requests first (tier, or channel order), then by arrival."""

    def __init__(self, params: PriorityParams) -> None:
        self.params = params

    @classmethod
    def from_params(cls, params: BaseModel) -> Self:
        assert isinstance(params, PriorityParams)
        return cls(params)

    def _rank(self, request: AllocationRequest) -> np.ndarray:
        if self.params.by == "tier":
            return request.tier.astype(np.int64)
        place = {channel: k for k, channel in enumerate(self.params.order)}
        unlisted = len(place)
        return np.asarray([place.get(c, unlisted) for c in request.channel], dtype=np.int64)

    def allocate(self, request: AllocationRequest) -> np.ndarray:
        order = np.argsort(self._rank(request), kind="stable")  # arrival order within a rank
        granted = np.empty(len(order))
        granted[order] = grant_in_order(
            request.supplier[order], request.quantity[order], request.available
        )
        return granted
