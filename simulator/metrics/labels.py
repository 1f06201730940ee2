"""String columns of large tables, built from codes into a short list of names.

A KPI table at a million streams has a million rows whose scope, id and metric repeat a few
thousand names. pandas reads a million Python strings one by one; pyarrow expands codes into a
dictionary of names in C, ten times quicker, into the very column pandas would make (its
default string type where that is pyarrow's, as from pandas 3).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

_DEFAULT = pd.Series(np.array([""], dtype=object)).dtype  # what pandas makes of Python strings
_ARROW = isinstance(_DEFAULT, pd.StringDtype) and _DEFAULT.storage == "pyarrow"


def label_column(codes: np.ndarray, names: Sequence[str]) -> Any:
    """``names[codes]`` as the column pandas makes of those strings."""
    if not _ARROW:
        return np.asarray(names, dtype=object)[codes]
    dictionary = pa.array(list(names), type=pa.large_string())
    labels = pa.DictionaryArray.from_arrays(pa.array(codes, type=pa.int64()), dictionary)
    return pd.array(labels.cast(pa.large_string()), dtype=_DEFAULT)
