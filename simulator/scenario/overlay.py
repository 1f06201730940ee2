"""Scenario variants: ``extends`` overlays between files and dotted-path overrides.

A file may start from other files with a top-level ``extends: base.yaml`` (or a list of
files, applied in order; paths are relative to the extending file). The extending document is
deep-merged over its bases:

* mappings merge key by key, recursively; scalars and mappings replace whatever was there;
* lists whose items are all mappings with an ``id`` (in both documents) merge by id: an item
  whose id is in the base is merged into that item in place, a new id is appended, and
  ``{id: x, remove: true}`` deletes item ``x``;
* any other list, including an empty one, replaces the base list whole;
* a key set to ``null`` sets the value to null; it does not delete the key. Only list items
  can be removed, with the ``remove: true`` form.

The merged line index points each path at the file and line that last defined it, so
validation errors in a merged scenario name the right file.

Programs and study files change a document with dotted-path overrides instead: see
:mod:`simulator.scenario.overrides`.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from simulator.scenario.errors import DocPath, Problem, ScenarioError
from simulator.scenario.yamlio import LineIndex, load_yaml

EXTENDS_KEY = "extends"

_ABSENT: Any = object()
_Located = tuple[str, int]
_Relative = dict[DocPath, _Located]
"""Line entries keyed by paths relative to one subtree; ``()`` is the subtree itself."""


def load_with_extends(
    path: str | Path, *, _chain: tuple[str, ...] = ()
) -> tuple[dict[str, Any], LineIndex]:
    """Load a scenario file and everything it ``extends``, merged into one document.

    Args:
        path: The scenario file.
        _chain: Files already being loaded above this one (for cycle detection).

    Returns:
        The merged document (without ``extends``) and its line index.

    Raises:
        ScenarioError: A file is unreadable or invalid, the top level is not a mapping,
            ``extends`` is malformed, names a missing file or forms a cycle, or a merge
            instruction does not apply.
    """
    file = str(path)
    data, lines = load_yaml(path)
    if data is None:
        raise ScenarioError.single(
            "the file is empty: a scenario needs at least name, products, nodes and customers "
            "(demand or market); an overlay, what it changes",
            file=file,
        )
    if not isinstance(data, dict):
        raise ScenarioError.single(
            "the top level must be a mapping of sections", file=file, line=lines[()][1]
        )
    if EXTENDS_KEY not in data:
        return data, lines

    bases = _base_paths(Path(path), data[EXTENDS_KEY], lines, (*_chain, file))
    own = {key: value for key, value in data.items() if key != EXTENDS_KEY}
    own_lines = {p: at for p, at in lines.items() if p[:1] != (EXTENDS_KEY,)}
    merged: dict[str, Any] | None = None
    merged_lines: LineIndex = {}
    for base, at in bases:
        try:
            base_data, base_lines = load_with_extends(base, _chain=(*_chain, file))
        except ScenarioError as error:
            raise _reached_from(error, file, _line(lines, at), at) from None
        if merged is None:
            merged, merged_lines = base_data, base_lines
        else:
            merged, merged_lines = deep_merge(merged, base_data, merged_lines, base_lines)
    result, result_lines = deep_merge(merged, own, merged_lines, own_lines)
    return result, result_lines


def _reached_from(error: ScenarioError, file: str, line: int | None, at: DocPath) -> ScenarioError:
    """``error`` (in a base file), plus where the extending file names that base."""
    files = sorted({p.file for p in error.problems if p.file and p.file != file})
    if not files:
        return error
    message = f"the problems listed for {', '.join(files)}, which this file extends"
    return ScenarioError([*error.problems, Problem(file, line, at, message)])


def _base_paths(
    path: Path, extends: Any, lines: LineIndex, chain: tuple[str, ...]
) -> list[tuple[Path, DocPath]]:
    """Resolve the ``extends`` entries of ``path`` to existing, non-circular files."""
    file = str(path)
    entries: list[tuple[Any, DocPath]]
    if isinstance(extends, list):
        entries = [(ref, (EXTENDS_KEY, i)) for i, ref in enumerate(extends)]
    else:
        entries = [(extends, (EXTENDS_KEY,))]
    loading = [Path(name).resolve() for name in chain]
    problems: list[Problem] = []
    bases: list[tuple[Path, DocPath]] = []
    for ref, at in entries:
        line = _line(lines, at)
        if not isinstance(ref, str) or not ref:
            message = "must be a file name or a list of file names"
            problems.append(Problem(file, line, at, message))
            continue
        base = path.parent / ref
        if base.resolve() in loading:
            cycle = " -> ".join([*chain, str(base)])
            problems.append(Problem(file, line, at, f"circular extends: {cycle}"))
        elif not base.exists():
            problems.append(Problem(file, line, at, f"base file not found: {base}"))
        elif not base.is_file():
            problems.append(Problem(file, line, at, f"base is a folder, not a file: {base}"))
        else:
            bases.append((base, at))
    if problems:
        raise ScenarioError(problems)
    return bases


def _line(lines: LineIndex, path: DocPath) -> int | None:
    hit = lines.get(path)
    return hit[1] if hit else None


def deep_merge(
    base: Any,
    override: Any,
    base_lines: LineIndex,
    override_lines: LineIndex,
    path: DocPath = (),
) -> tuple[Any, LineIndex]:
    """Merge ``override`` over ``base`` with the rules in the module docstring.

    Neither input is modified.

    Args:
        base: The value at ``path`` in the base document.
        override: The value at ``path`` in the overriding document.
        base_lines: Line index of the whole base document.
        override_lines: Line index of the whole overriding document.
        path: Where both values sit in their documents (``()`` for whole documents).

    Returns:
        The merged value and the line index of its subtree, keyed by full document paths;
        each entry points where its value was last defined.

    Raises:
        ScenarioError: A removal names an unknown id, or ids repeat within a list.
    """
    merger = _Merger(base_lines, override_lines)
    value, relative = merger.merge(base, path, override, path)
    if merger.problems:
        raise ScenarioError(merger.problems)
    return value, {(*path, *sub): at for sub, at in relative.items()}


class _Subtrees:
    """A line index that can hand out the entries under one path quickly."""

    def __init__(self, lines: LineIndex) -> None:
        self.lines = lines
        self.children: dict[DocPath, list[DocPath]] = {}
        for p in lines:
            if p:
                self.children.setdefault(p[:-1], []).append(p)

    def at(self, path: DocPath) -> _Located | None:
        return self.lines.get(path)

    def subtree(self, root: DocPath) -> _Relative:
        out: _Relative = {}
        stack = [root]
        while stack:
            p = stack.pop()
            if p in self.lines:
                out[p[len(root) :]] = self.lines[p]
            stack.extend(self.children.get(p, ()))
        return out


class _Merger:
    """One deep merge; collects every problem instead of stopping at the first."""

    def __init__(self, base_lines: LineIndex, override_lines: LineIndex) -> None:
        self.base = _Subtrees(base_lines)
        self.over = _Subtrees(override_lines)
        self.problems: list[Problem] = []

    def merge(self, b: Any, bpath: DocPath, o: Any, opath: DocPath) -> tuple[Any, _Relative]:
        """Merge ``o`` (at ``opath``) over ``b`` (at ``bpath``, or ``_ABSENT``)."""
        if isinstance(o, dict):
            return self._maps(b if isinstance(b, dict) else _ABSENT, bpath, o, opath)
        if isinstance(o, list):
            if is_id_list(o):
                by_id = isinstance(b, list) and is_id_list(b)
                return self._by_id(b if by_id else [], bpath, o, opath)
            return self._replace_list(o, opath)
        return copy.deepcopy(o), self.over.subtree(opath)

    def _here(self, b: Any, bpath: DocPath, opath: DocPath) -> _Relative:
        """The entry for the merged value itself: overlay line, else base line."""
        at = self.over.at(opath) or (None if b is _ABSENT else self.base.at(bpath))
        return {(): at} if at else {}

    def _maps(
        self, b: Any, bpath: DocPath, o: dict[Any, Any], opath: DocPath
    ) -> tuple[dict[Any, Any], _Relative]:
        out: dict[Any, Any] = {}
        rel = self._here(b, bpath, opath)
        for key, value in ({} if b is _ABSENT else b).items():
            if key in o:
                out[key], sub = self.merge(value, (*bpath, key), o[key], (*opath, key))
            else:
                out[key], sub = copy.deepcopy(value), self.base.subtree((*bpath, key))
            rel.update({(key, *p): at for p, at in sub.items()})
        for key, value in o.items():
            if b is _ABSENT or key not in b:
                out[key], sub = self.merge(_ABSENT, (), value, (*opath, key))
                rel.update({(key, *p): at for p, at in sub.items()})
        return out, rel

    def _by_id(
        self, b: list[Any], bpath: DocPath, o: list[Any], opath: DocPath
    ) -> tuple[list[Any], _Relative]:
        items: list[tuple[Any, _Relative] | None] = []
        position: dict[Any, int] = {}
        for i, item in enumerate(b):
            items.append((copy.deepcopy(item), self.base.subtree((*bpath, i))))
            if item["id"] in position:
                self._problem(self.base, (*bpath, i), f"duplicate id {item['id']!r} in list")
            else:
                position[item["id"]] = i
        seen: set[Any] = set()
        for j, item in enumerate(o):
            ident, at = item["id"], (*opath, j)
            if ident in seen:
                self._problem(self.over, at, f"duplicate id {ident!r} in list")
                continue
            seen.add(ident)
            if item.get("remove") is True:
                if set(item) != {"id", "remove"}:
                    self._problem(self.over, at, "a removal may only have 'id' and 'remove'")
                elif ident not in position:
                    self._problem(self.over, at, f"cannot remove {ident!r}: no item has that id")
                else:
                    items[position.pop(ident)] = None
            elif ident in position:
                k = position[ident]
                items[k] = self.merge(b[k], (*bpath, k), item, at)
            else:
                position[ident] = len(items)
                items.append(self.merge(_ABSENT, (), item, at))
        out: list[Any] = []
        rel = self._here(b, bpath, opath)
        for entry in items:
            if entry is not None:
                rel.update({(len(out), *p): line for p, line in entry[1].items()})
                out.append(entry[0])
        return out, rel

    def _replace_list(self, o: list[Any], opath: DocPath) -> tuple[list[Any], _Relative]:
        out: list[Any] = []
        rel = self._here(_ABSENT, (), opath)
        for j, item in enumerate(o):
            if isinstance(item, dict) and item.get("remove") is True:
                message = "'remove: true' needs a list whose items all have an 'id'"
                self._problem(self.over, (*opath, j), message)
                continue
            value, sub = self.merge(_ABSENT, (), item, (*opath, j))
            rel.update({(len(out), *p): at for p, at in sub.items()})
            out.append(value)
        return out, rel

    def _problem(self, source: _Subtrees, path: DocPath, message: str) -> None:
        at = source.at(path)
        self.problems.append(Problem(at[0] if at else None, at[1] if at else None, path, message))


def is_id_list(items: list[Any]) -> bool:
    """Non-empty, and every item a mapping with a scalar ``id`` (so it can key a dict)."""
    return bool(items) and all(
        isinstance(item, dict) and isinstance(item.get("id"), str | int | float) for item in items
    )
