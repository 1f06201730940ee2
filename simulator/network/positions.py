"""Finding inventory positions by node and SKU, many at once."""

from __future__ import annotations

import numpy as np


class PositionIndex:
    """The position of (node, SKU) pairs, among positions given by their node and SKU."""

    def __init__(self, pos_node: np.ndarray, pos_sku: np.ndarray, n_skus: int) -> None:
        self._n_skus = max(n_skus, 1)
        self._keys = np.asarray(pos_node, np.int64) * self._n_skus + np.asarray(pos_sku, np.int64)
        self._order = np.argsort(self._keys, kind="stable")

    def find(self, nodes: np.ndarray | int, skus: np.ndarray | int) -> np.ndarray:
        """Position of each (node, SKU) pair (broadcast); -1 where the node has none for the
        SKU."""
        wanted = np.asarray(nodes, np.int64) * self._n_skus + np.asarray(skus, np.int64)
        if len(self._keys) == 0:
            return np.full(wanted.shape, -1, dtype=np.int64)
        at = np.searchsorted(self._keys, wanted, sorter=self._order)
        found = self._order[np.minimum(at, len(self._keys) - 1)]
        return np.where(self._keys[found] == wanted, found, -1)
