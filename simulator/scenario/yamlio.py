"""Safe YAML loading that remembers the line of every key and list item.

The data is built by PyYAML's own safe constructor, so anchors, aliases and ``<<`` merge keys
behave exactly as in :func:`yaml.safe_load`. The node tree is walked twice around that: before
construction to reject duplicate keys (PyYAML silently keeps the last one), after it to record
where each document path was written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from simulator.scenario.errors import DocPath, LineIndex, Problem, ScenarioError

_MERGE_TAG = "tag:yaml.org,2002:merge"
# Aliases are re-walked under every path that uses them; past this many entries they are not,
# so a "billion laughs" document cannot blow up the index (errors then point at the alias).
_MAX_INDEX_ENTRIES = 200_000
# Limits on what a scenario file may be. A national network is well under each; past them a
# file is refused before it can exhaust memory, time or the stack.
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 64
MAX_VALUES = 2_000_000  # values after expanding every alias, as validation and dumps see them


class _Loader(yaml.SafeLoader):
    """Safe loader that remembers where each aliased list item was written.

    Composition replaces an alias by its anchored node, whose marks are the anchor's; the
    alias' own line is kept here, keyed by (parent sequence node, index).
    """

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.alias_lines: dict[tuple[int, int], int] = {}

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if isinstance(parent, SequenceNode) and self.check_event(yaml.AliasEvent):
            self.alias_lines[(id(parent), index)] = self.peek_event().start_mark.line + 1
        return super().compose_node(parent, index)


class _Unhashable:
    """Stands for a key the constructor will reject anyway."""


def load_yaml(path: str | Path) -> tuple[Any, LineIndex]:
    """Load one YAML file safely.

    Args:
        path: The file; kept as given (``str(path)``) in the index and in errors.

    Returns:
        The data (as :func:`yaml.safe_load` returns it) and its line index.

    Raises:
        ScenarioError: The file is missing, unreadable, not UTF-8, not valid YAML or has a
            duplicate key.
    """
    file = str(path)
    try:
        if Path(path).stat().st_size > MAX_FILE_BYTES:
            message = f"file is larger than {MAX_FILE_BYTES // 2**20} MiB"
            raise ScenarioError.single(message, file=file)
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise ScenarioError.single("file not found", file=file) from None
    except OSError as exc:
        raise ScenarioError.single(f"cannot read file: {exc.strerror}", file=file) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ScenarioError.single(
            f"file is not valid UTF-8 (byte offset {exc.start})", file=file, line=line
        ) from None
    return load_yaml_text(text, file)


def load_yaml_text(text: str, file: str) -> tuple[Any, LineIndex]:
    """Load a YAML document from a string.

    Args:
        text: The YAML source; must hold at most one document.
        file: Name reported in the index and in errors.

    Returns:
        The data and its line index. An empty document gives ``(None, {})``.

    Raises:
        ScenarioError: Invalid YAML or a duplicate key.
    """
    try:
        # The reader rejects non-printable characters as soon as it is created.
        loader = _Loader(text)
    except yaml.YAMLError as exc:
        raise ScenarioError([_syntax_problem(exc, text, file)]) from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        _check_size(node, file)
        duplicates = _duplicate_keys(loader, node, file)
        if duplicates:
            raise ScenarioError(duplicates)
        data = loader.construct_document(node)
        lines: LineIndex = {(): (file, node.start_mark.line + 1)}
        _index(loader, node, (), file, lines, set(), set())
    except yaml.YAMLError as exc:
        raise ScenarioError([_syntax_problem(exc, text, file)]) from None
    except RecursionError:  # PyYAML composes recursively: nesting in the thousands
        raise ScenarioError.single(f"nested more than {MAX_DEPTH} levels deep", file=file) from None
    finally:
        loader.dispose()
    return data, lines


def _check_size(root: Node, file: str) -> None:
    """Refuse documents nested too deeply or whose aliases expand to too many values.

    Sizes are counted once per node and summed over its uses, so the count is cheap even for
    an "alias bomb" whose expansion would be astronomically large.
    """
    size: dict[int, int] = {}
    order: list[tuple[Node, int]] = []
    stack: list[tuple[Node, int]] = [(root, 1)]
    while stack:  # depth first, recording each node once with its depth
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            line = node.start_mark.line + 1
            message = f"nested more than {MAX_DEPTH} levels deep"
            raise ScenarioError.single(message, file=file, line=line)
        if id(node) in size:
            continue
        size[id(node)] = 0
        order.append((node, depth))
        stack.extend((child, depth + 1) for child in _children(node))
    for node, _ in reversed(order):  # children are sized before their parents
        size[id(node)] = 1 + sum(size[id(child)] for child in _children(node))
        if size[id(node)] > MAX_VALUES:
            message = (
                f"the document expands to more than {MAX_VALUES:,} values "
                "(aliases used too many times)"
            )
            raise ScenarioError.single(message, file=file, line=node.start_mark.line + 1)


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [child for pair in node.value for child in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def _syntax_problem(exc: yaml.YAMLError, text: str, file: str) -> Problem:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        parts = [p for p in (exc.context, exc.problem) if p]
        message = "invalid YAML: " + (", ".join(parts) or "syntax error")
        return Problem(file, mark.line + 1 if mark else None, (), message)
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        # str(exc) names the character, then its position on a second line we already give.
        return Problem(file, line, (), f"invalid YAML: {str(exc).splitlines()[0]}")
    return Problem(file, None, (), f"invalid YAML: {exc}")


def _key(loader: _Loader, node: Node) -> Any:
    """The Python key a key node constructs to (cached by the loader until construction)."""
    key = loader.construct_object(node, deep=True)
    try:
        hash(key)
    except TypeError:
        return _Unhashable()
    return key


def _duplicate_keys(loader: _Loader, root: Node, file: str) -> list[Problem]:
    problems: list[Problem] = []
    seen_nodes: set[int] = set()
    stack: list[tuple[Node, DocPath]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if id(node) in seen_nodes:
            continue  # an alias: already checked where the anchor is
        seen_nodes.add(id(node))
        if isinstance(node, MappingNode):
            first_line: dict[Any, int] = {}
            for key_node, value_node in node.value:
                if key_node.tag == _MERGE_TAG:
                    stack.append((value_node, path))
                    continue  # merged keys may legitimately be overridden
                key = _key(loader, key_node)
                line = key_node.start_mark.line + 1
                stack.append((value_node, (*path, key) if isinstance(key, str | int) else path))
                if isinstance(key, _Unhashable):
                    continue
                if key in first_line:
                    message = f"duplicate key {key!r} (first defined on line {first_line[key]})"
                    problems.append(Problem(file, line, path, message))
                else:
                    first_line[key] = line
        elif isinstance(node, SequenceNode):
            stack.extend((item, (*path, i)) for i, item in enumerate(node.value))
    return problems


def _index(
    loader: _Loader,
    node: Node,
    path: DocPath,
    file: str,
    lines: LineIndex,
    walking: set[int],
    walked: set[int],
) -> None:
    """Record lines below ``node``; runs after construction, so merge keys are flattened."""
    if id(node) in walking:
        return  # a recursive alias
    if id(node) in walked and len(lines) > _MAX_INDEX_ENTRIES:
        return
    walked.add(id(node))
    walking.add(id(node))
    children: list[tuple[str | int, Node, int]] = []
    if isinstance(node, MappingNode):
        # Later pairs win, as in the constructed dict (own keys override merged ones).
        by_key: dict[str | int, tuple[Node, int]] = {}
        for key_node, value_node in node.value:
            key = _key(loader, key_node)
            if isinstance(key, str | int):
                by_key[key] = (value_node, key_node.start_mark.line + 1)
        children = [(key, child, line) for key, (child, line) in by_key.items()]
    elif isinstance(node, SequenceNode):
        children = [
            (i, item, loader.alias_lines.get((id(node), i), item.start_mark.line + 1))
            for i, item in enumerate(node.value)
        ]
    for step, child, line in children:
        child_path = (*path, step)
        lines[child_path] = (file, line)
        _index(loader, child, child_path, file, lines, walking, walked)
    walking.discard(id(node))
