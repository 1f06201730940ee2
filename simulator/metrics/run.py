"""What metrics read of a finished run (a :class:`~simulator.metrics.result.Result` is one)."""

from __future__ import annotations

from typing import Protocol

import numpy as np
import pandas as pd

from simulator.network import Network
from simulator.records import Records
from simulator.scenario.models import Scenario


class RunOutcome(Protocol):
    """A run's scenario, compiled network, records and final stock."""

    @property
    def scenario(self) -> Scenario: ...
    @property
    def network(self) -> Network: ...
    @property
    def records(self) -> Records: ...
    @property
    def final_on_hand(self) -> np.ndarray: ...
    @property
    def final_in_transit(self) -> np.ndarray: ...


class ScoredRun(RunOutcome, Protocol):
    """A run with its KPI table."""

    @property
    def kpis(self) -> pd.DataFrame: ...
