"""Exact M/M/c formulas used as reference values by the validation tests.

The probability of waiting is computed through the Erlang B recursion rather than
from ``a^c / c!`` and a partial exponential sum: the recursion only multiplies and
divides numbers in ``[0, 1]`` scaled by ``a``, so it neither overflows nor cancels for
hundreds of servers (Tijms, *A First Course in Stochastic Models*, ch. 5, Erlang
loss and delay systems; Gross, Shortle, Thompson and Harris, *Fundamentals of
Queueing Theory*, ch. 2, the M/M/c queue).
"""

from __future__ import annotations

import math
import operator
from typing import SupportsIndex

__all__ = ["erlang_b", "erlang_c", "mmc_mean_sojourn", "mmc_mean_wait", "mmc_wait_cdf"]


def _validate(c: SupportsIndex, lam: float, mu: float) -> tuple[int, float, float]:
    """Check the M/M/c parameters and stability; return them as (int, float, float).

    Raises:
        TypeError: If ``c`` is not an integer.
        ValueError: If ``c < 1``, ``lam < 0``, ``mu <= 0``, a value is not finite,
            or the utilisation ``rho = lam / (c mu)`` is ``>= 1``.
    """
    servers = operator.index(c)
    if servers < 1:
        raise ValueError(f"c must be >= 1, got {servers}")
    arrival = float(lam)
    service = float(mu)
    if not (math.isfinite(arrival) and arrival >= 0.0):
        raise ValueError(f"lam must be finite and >= 0, got {lam!r}")
    if not (math.isfinite(service) and service > 0.0):
        raise ValueError(f"mu must be finite and > 0, got {mu!r}")
    rho = arrival / (servers * service)
    if rho >= 1.0:
        raise ValueError(f"unstable queue: rho = lam / (c mu) = {rho} >= 1")
    return servers, arrival, service


def erlang_b(c: int, a: float) -> float:
    """Erlang B blocking probability for ``c`` servers and offered load ``a``.

    Uses ``B(0) = 1``, ``B(k) = a B(k-1) / (k + a B(k-1))`` (Tijms, *A First Course
    in Stochastic Models*, ch. 5), which is stable for any ``c`` and ``a``.

    Args:
        c: Number of servers, ``>= 0``.
        a: Offered load ``lam / mu`` in Erlangs, ``>= 0``.

    Returns:
        The blocking probability ``B(c, a)``.
    """
    servers = operator.index(c)
    load = float(a)
    if servers < 0 or not (math.isfinite(load) and load >= 0.0):
        raise ValueError(f"need c >= 0 and finite a >= 0, got c={c!r}, a={a!r}")
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = load * blocking / (k + load * blocking)
    return blocking


def erlang_c(c: int, lam: float, mu: float) -> float:
    """Probability that an arriving customer waits in an M/M/c queue (Erlang C).

    ``C = c B / (c - a (1 - B))`` with ``B`` the Erlang B value for the same
    ``c`` and ``a = lam / mu`` (Gross et al., *Fundamentals of Queueing Theory*,
    ch. 2; Tijms, *A First Course in Stochastic Models*, ch. 5). Both terms of the
    denominator are positive when ``rho < 1``, so no cancellation occurs.

    Args:
        c: Number of servers, ``>= 1``.
        lam: Shipment rate, ``>= 0``.
        mu: Service rate per server, ``> 0``.

    Returns:
        ``P(Wq > 0)``.

    Raises:
        ValueError: If ``rho = lam / (c mu) >= 1`` or a parameter is invalid.
    """
    servers, arrival, service = _validate(c, lam, mu)
    load = arrival / service
    blocking = erlang_b(servers, load)
    return servers * blocking / (servers - load * (1.0 - blocking))


def mmc_mean_wait(c: int, lam: float, mu: float) -> float:
    """Mean waiting time in queue ``Wq = C / (c mu - lam)`` of an M/M/c queue.

    Args:
        c: Number of servers, ``>= 1``.
        lam: Shipment rate, ``>= 0``.
        mu: Service rate per server, ``> 0``.

    Returns:
        The mean time spent waiting before service (zero waits included).

    Raises:
        ValueError: If ``rho >= 1`` or a parameter is invalid.
    """
    servers, arrival, service = _validate(c, lam, mu)
    return erlang_c(servers, arrival, service) / (servers * service - arrival)


def mmc_mean_sojourn(c: int, lam: float, mu: float) -> float:
    """Mean time in system ``W = Wq + 1 / mu`` of an M/M/c queue.

    Args:
        c: Number of servers, ``>= 1``.
        lam: Shipment rate, ``>= 0``.
        mu: Service rate per server, ``> 0``.

    Returns:
        The mean sojourn time (wait plus service).

    Raises:
        ValueError: If ``rho >= 1`` or a parameter is invalid.
    """
    return mmc_mean_wait(c, lam, mu) + 1.0 / float(mu)


def mmc_wait_cdf(c: int, lam: float, mu: float, t: float) -> float:
    """Distribution of the FCFS waiting time in queue of an M/M/c queue.

    A customer who must wait finds all ``c`` servers busy; the queue then drains
    at rate ``c mu`` and the conditional wait is exponential with rate
    ``c mu - lam``, so ``P(Wq <= t) = 1 - C exp(-(c mu - lam) t)`` for ``t >= 0``
    (Gross et al., *Fundamentals of Queueing Theory*, ch. 2, M/M/c waiting-time
    distribution).

    Args:
        c: Number of servers, ``>= 1``.
        lam: Shipment rate, ``>= 0``.
        mu: Service rate per server, ``> 0``.
        t: Time, any real; ``P(Wq <= t) = 0`` for ``t < 0``.

    Returns:
        ``P(Wq <= t)``.

    Raises:
        ValueError: If ``rho >= 1`` or a parameter is invalid.
    """
    servers, arrival, service = _validate(c, lam, mu)
    if t < 0.0:
        return 0.0
    prob_wait = erlang_c(servers, arrival, service)
    # Written as (1 - C) + C (1 - e^{-x}) with expm1: two nonnegative terms, so the
    # value stays accurate both for tiny t and when C is close to 1.
    rate = servers * service - arrival
    return (1.0 - prob_wait) + prob_wait * -math.expm1(-rate * float(t))
