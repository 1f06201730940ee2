"""Print pip constraints pinning every dependency in pyproject.toml to its lower bound.

``make test-lowest`` installs with them, so the suite runs against the oldest versions the
project declares it supports: the core dependencies and the extras users install. The ``dev``
extra (test runner, linters, stubs) is left out: those tools resolve to their newest versions,
except the packages it shares with a user extra, which that extra pins. A requirement without
a ``>=`` lower bound, or one package with two different lower bounds, is an error.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

# name, optional [extras], then the lower bound: "dask[distributed]>=2026.8.0".
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*>=\s*([^,;\s]+)")


def lower_bounds(pyproject: Path) -> dict[str, str]:
    """Each dependency's lower bound, by normalised name (PEP 503), sorted by name."""
    project = tomllib.loads(pyproject.read_text())["project"]
    requirements = list(project["dependencies"])
    for name, extra in project.get("optional-dependencies", {}).items():
        if name != "dev":
            requirements += extra
    bounds: dict[str, str] = {}
    for requirement in requirements:
        match = _REQUIREMENT.match(requirement)
        if match is None:
            raise SystemExit(f"{requirement!r} has no '>=' lower bound")
        name = re.sub(r"[-_.]+", "-", match[1]).lower()
        if bounds.setdefault(name, match[2]) != match[2]:
            raise SystemExit(f"{name} has two lower bounds: {bounds[name]} and {match[2]}")
    return dict(sorted(bounds.items()))


if __name__ == "__main__":
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "pyproject.toml")
    print("\n".join(f"{name}=={version}" for name, version in lower_bounds(path).items()))
