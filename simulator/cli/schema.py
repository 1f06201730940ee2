"""``supplysim schema``: the JSON Schemas of scenario, overlay and study files, and the reference.

The same schemas are shipped in ``docs/schemas/``, where the ``# yaml-language-server:
$schema=...`` first line of every shipped YAML file points an editor at them; a test keeps those
files equal to what this command prints.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from simulator.cli.app import app, print_json
from simulator.experiment.study import StudyFile
from simulator.scenario.reference import render_reference
from simulator.scenario.schema_export import JsonSchema, scenario_schemas, standard_schema

STUDY_ID = "urn:supplysim:schema:study"


class SchemaKind(StrEnum):
    """Which kind of file a schema describes."""

    scenario = "scenario"
    overlay = "overlay"
    study = "study"


def json_schema(kind: SchemaKind) -> JsonSchema:
    """The JSON Schema of one kind of file, as shipped in ``docs/schemas/<kind>.schema.json``."""
    if kind is SchemaKind.study:
        return standard_schema(StudyFile, STUDY_ID, "supplysim study")
    scenario, overlay = scenario_schemas()
    return scenario if kind is SchemaKind.scenario else overlay


@app.command("schema")
def print_schema(
    kind: Annotated[
        SchemaKind,
        typer.Argument(
            help="scenario (a file with `extends` is checked as an overlay), overlay (only "
            "what changes, as merged with --overlay) or study."
        ),
    ] = SchemaKind.scenario,
    markdown: Annotated[
        bool,
        typer.Option("--markdown", help="The scenario reference (docs/scenario.md) instead."),
    ] = False,
) -> None:
    """Print the JSON Schema (draft 2020-12) of scenario, overlay or study files."""
    if markdown:
        typer.echo(render_reference(), nl=False)
    else:
        print_json(json_schema(kind))
