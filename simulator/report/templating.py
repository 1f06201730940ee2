"""Pages are rendered from Jinja2 templates shipped with the package (``templates/``).

Autoescaping is on for every template, so names and descriptions from a study or scenario
cannot inject markup; undefined variables are errors, not silent blanks.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("simulator.report", "templates"),
        autoescape=select_autoescape(["j2"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(template: str, **context: Any) -> str:
    """The named template (``study.html.j2``, ...) rendered with ``context``."""
    return _environment().get_template(template).render(**context)
