"""Suite-wide settings."""

from __future__ import annotations

import os

from hypothesis import settings

# In CI, property tests replay the same examples every run: a failure there is reproducible,
# never a coin toss. Locally they explore new examples each run.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
