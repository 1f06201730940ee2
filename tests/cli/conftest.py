"""Shared fixtures of the command-line tests."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

QUICKSTART = Path(__file__).resolve().parents[2] / "scenarios" / "quickstart.yaml"


@pytest.fixture
def two_variant_study(tmp_path: Path) -> Callable[[int], Path]:
    """Writes ``study.yaml``: the quickstart scenario and a leaner variant, the given number
    of replications each, and returns its path."""

    def write(replications: int) -> Path:
        path = tmp_path / "study.yaml"
        path.write_text(
            textwrap.dedent(
                f"""\
                study: small
                scenario: {QUICKSTART}
                replications: {replications}
                variants:
                  - name: base
                  - name: lean
                    overrides: {{"nodes[kind=retailer].inventory.policy.s": 30}}
                """
            )
        )
        return path

    return write
