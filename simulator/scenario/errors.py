"""Scenario problems that point at a file, a line and a place in the document.

Every loading step (YAML parsing, ``extends`` overlays, schema validation) reports through
:class:`ScenarioError`, so a user sees ``file.yaml:12: nodes[3].policy.s: message`` whatever
went wrong, and one load reports every problem it found instead of only the first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from simulator.scenario.suggest import did_you_mean, field_names

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError

PathPart = str | int
DocPath = tuple[PathPart, ...]

LineIndex = dict[tuple[str | int, ...], tuple[str, int]]
"""Document path -> (file, 1-based line) of the key or list item that starts it."""

# Keys made of these characters print bare in a path; anything else is quoted.
_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_\-]+$")
_MISSING: Any = object()
_MAX_SHOWN_INPUT = 60


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario.

    Attributes:
        file: The file as the user named it, or None if the data did not come from a file.
        line: 1-based line number, or None if unknown.
        path: Location in the document, e.g. ``("nodes", 3, "policy", "s")``.
        message: What is wrong, in words.
    """

    file: str | None
    line: int | None
    path: DocPath
    message: str

    def __str__(self) -> str:
        where = ""
        if self.line is not None:
            where = f"{self.file if self.file is not None else '<input>'}:{self.line}: "
        elif self.file is not None:
            where = f"{self.file}: "
        location = format_path(self.path)
        return f"{where}{location}: {self.message}" if location else f"{where}{self.message}"


class ScenarioWarning(UserWarning):
    """A scenario that loads but probably does not say what its author meant; the message
    reads ``file.yaml:LINE: path: message``."""


def _sort_key(problem: Problem) -> tuple[str, int]:
    return (problem.file or "", problem.line or 0)


class ScenarioError(Exception):
    """A scenario could not be loaded; carries every :class:`Problem` found.

    ``str(error)`` lists one problem per line, sorted by file and line.
    """

    problems: list[Problem]

    def __init__(self, problems: Sequence[Problem]) -> None:
        # Passing the list as the sole arg keeps the exception picklable.
        self.problems = sorted(problems, key=_sort_key)
        super().__init__(self.problems)

    @classmethod
    def single(
        cls,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        path: Sequence[PathPart] = (),
    ) -> ScenarioError:
        """Build an error holding exactly one problem."""
        return cls([Problem(file, line, tuple(path), message)])

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


def format_path(path: Sequence[PathPart]) -> str:
    """Render a document path the way users read it.

    Args:
        path: Keys and list indices, e.g. ``("nodes", 3, "policy", "s")``.

    Returns:
        ``"nodes[3].policy.s"``; ``""`` for the empty path. Keys with unusual characters are
        quoted: ``("lanes", "a.b")`` gives ``"lanes['a.b']"``.
    """
    out: list[str] = []
    for part in path:
        # bool is an int subclass but would be a mapping key, not an index.
        if isinstance(part, int) and not isinstance(part, bool):
            out.append(f"[{part}]")
        elif isinstance(part, str) and _PLAIN_KEY.match(part):
            out.append(f".{part}" if out else part)
        else:
            out.append(f"[{str(part)!r}]")
    return "".join(out)


def problems_from_validation_error(
    exc: ValidationError,
    lines: LineIndex,
    default_file: str | None,
    data: Any = _MISSING,
    model: type[BaseModel] | None = None,
) -> list[Problem]:
    """Translate a pydantic error into problems located in the user's document.

    Pydantic locations contain steps that are not in the document: tags of discriminated
    unions, member names of plain unions, ``function-after[...]`` wrappers. These are dropped
    by walking the location against ``data`` (or, without it, against ``lines``) and keeping
    only the steps that index into the document. (A tag that is also a key of the mapping it
    labels cannot be told apart and is kept.)

    Args:
        exc: The error raised by validating ``data``.
        lines: Line index of the validated document.
        default_file: File reported when no line is known for a location.
        data: The validated input. Optional but more precise than ``lines`` alone, e.g. for
            data changed after loading.
        model: The model validated; with it, an unknown field names the closest known one.

    Returns:
        One problem per pydantic error, duplicates removed, in pydantic's order.
    """
    problems: dict[Problem, None] = {}  # an ordered set
    for error in exc.errors():
        loc: tuple[PathPart, ...] = tuple(error["loc"])
        path = _path_in_lines(loc, lines) if data is _MISSING else path_in_data(loc, data)
        path = _tag_key_path(path, error, lines)
        file, line = _locate(path, lines, default_file)
        problems[Problem(file, line, path, _friendly_message(error, _hint(error, model)))] = None
    return list(problems)


def path_in_data(loc: Sequence[PathPart], data: Any) -> DocPath:
    """The steps of a pydantic location that index into ``data``: its place in the document."""
    path: list[PathPart] = []
    node = data
    for step in loc:
        if not _indexes(node, step):
            continue  # a union tag or validator wrapper, not a document step
        node = node[step]
        path.append(step)
    return tuple(path)


def _indexes(node: Any, step: PathPart) -> bool:
    if isinstance(node, Mapping):
        return step in node
    if isinstance(node, list | tuple) and isinstance(step, int) and not isinstance(step, bool):
        return 0 <= step < len(node)
    return False


def _path_in_lines(loc: Sequence[PathPart], lines: LineIndex) -> DocPath:
    path: DocPath = ()
    for step in loc:
        if (*path, step) in lines:
            path = (*path, step)
    return path


def _discriminator(error: Mapping[str, Any]) -> str:
    # pydantic reports the discriminator field quoted, e.g. "'type'".
    return str(error.get("ctx", {}).get("discriminator", "")).strip("'")


def _tag_key_path(path: DocPath, error: Mapping[str, Any], lines: LineIndex) -> DocPath:
    """Point a bad union tag at the discriminator key itself when it is written."""
    if error["type"] == "union_tag_invalid" and (*path, _discriminator(error)) in lines:
        return (*path, _discriminator(error))
    return path


def _locate(
    path: DocPath, lines: LineIndex, default_file: str | None
) -> tuple[str | None, int | None]:
    """File and line of the deepest prefix of ``path`` that the index knows."""
    for end in range(len(path), -1, -1):
        hit = lines.get(path[:end])
        if hit is not None:
            return hit
    return default_file, None


def _friendly_message(error: Mapping[str, Any], hint: str = "") -> str:
    kind = error["type"]
    loc = error["loc"]
    msg: str = error["msg"]
    last = loc[-1] if loc else None
    if kind == "extra_forbidden" and last is not None:
        return f"unknown field {str(last)!r}{hint}"
    if kind == "missing" and isinstance(last, str):
        return f"missing required field {last!r}"
    if kind == "union_tag_not_found" and _discriminator(error):
        return f"missing required field {_discriminator(error)!r}"
    if kind == "union_tag_invalid" and "ctx" in error:
        tag, expected = error["ctx"]["tag"], error["ctx"]["expected_tags"]
        # " (did you mean 'sS'?)" joins the list of valid tags in one parenthesis.
        more = f"{hint.strip(' ()')}; " if hint else ""
        return f"unknown {_discriminator(error)} {tag!r} ({more}expected one of {expected})"
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            return msg[len(prefix) :]
    if kind.endswith(("_type", "_parsing")) or kind in ("literal_error", "enum"):
        return msg + _shown_input(error.get("input")) + hint
    return msg + hint


_QUOTED = re.compile(r"'([^']*)'")


def _hint(error: Mapping[str, Any], model: type[BaseModel] | None) -> str:
    """A "did you mean" for a misspelt field name, tag or literal."""
    kind, loc, given = error["type"], error["loc"], error.get("input")
    if kind == "extra_forbidden" and model is not None and loc and isinstance(loc[-1], str):
        return did_you_mean(loc[-1], field_names(model, loc[:-1]))
    if kind == "union_tag_invalid" and "ctx" in error:
        tag = error["ctx"]["tag"]
        return did_you_mean(str(tag), _QUOTED.findall(str(error["ctx"]["expected_tags"])))
    if kind in ("literal_error", "enum") and isinstance(given, str) and "ctx" in error:
        return did_you_mean(given, _QUOTED.findall(str(error["ctx"].get("expected", ""))))
    return ""


def _shown_input(value: Any) -> str:
    """`` (got 'abc')`` for short scalar inputs, so type errors show the offending value."""
    if not isinstance(value, str | int | float | bool) and value is not None:
        return ""
    shown = repr(value)
    return f" (got {shown})" if len(shown) <= _MAX_SHOWN_INPUT else ""
