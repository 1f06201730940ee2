"""Completed runs of a study, kept in memory and, given a folder, on disk so a study resumes.

A results folder holds::

    study.yaml                     the effective study: settings, and each variant's name,
                                   overrides, overlay and effective scenario file
    scenarios/<hash>.json          the effective scenario of each variant, by content hash
    manifest.json                  study name and content hash, warm-up, notes, completed runs
    runs/<variant>/rep-0000.parquet    one run's outcome table (see ``runs.run_one``)
    .lock                          held by the study writing the folder

Every file is written atomically, and the manifest is rewritten after each run completes, so
a crash loses at most the runs in progress. The manifest is the record: a run counts as done
when the manifest lists it and its file exists. A run file the manifest does not list (the
process died between writing it and the manifest) is run again and overwritten, and a listed
run whose file is gone is run again too. A folder whose set-up was interrupted before its
first manifest (it holds only ``study.yaml``, ``scenarios/`` and the lock) is set up again. A
folder holding another study (its content hash differs) is refused, as is any other non-empty
folder without a manifest.

One study writes a folder at a time: it holds an OS lock on the folder's ``.lock`` file while
it runs, and a second writer is refused at once. The OS drops the lock when its holder exits,
however it ends (and its pool workers, which share the open lock file, end with it), so a
crash never leaves a folder locked.
"""

from __future__ import annotations

import fcntl
import io
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from policies.registry import load_entry_points
from simulator.experiment.design import StudyDesign
from simulator.experiment.runs import COLUMNS, RunSpec
from simulator.experiment.variants import Variant
from simulator.output import atomic_write_bytes, atomic_write_text
from simulator.scenario.errors import ScenarioError
from simulator.scenario.loader import scenario_from_data
from simulator.scenario.yamlio import load_yaml

MANIFEST = "manifest.json"
STUDY = "study.yaml"
LOCK = ".lock"
SETUP = frozenset({STUDY, "scenarios", LOCK})
"""What a folder holds before its first manifest: an interrupted set-up, safe to redo."""
FORMAT = 1
"""Version of the folder layout, recorded in the manifest."""

_Key = tuple[str, int]  # (variant, replication)


class RunStore:
    """The completed runs of one study.

    Attributes:
        study: The study.
        folder: The results folder, or None to keep runs in memory only.
        warmup: The warm-up in days, once known (read back from the folder on resume).
    """

    def __init__(self, study: StudyDesign, folder: Path | None = None) -> None:
        """Open the store, resuming from ``folder`` if it holds runs of this study.

        Raises:
            ScenarioError: ``folder`` holds another study, or is not empty and holds none.
        """
        self.study = study
        self.folder = folder
        self.warmup: float | None = None
        self._tables: dict[_Key, pd.DataFrame | None] = {}  # None: on disk, not read yet
        self._entries: dict[_Key, dict[str, Any]] = {}
        self._notes: list[str] = []
        self._order = {v.name: i for i, v in enumerate(study.variant_list)}
        self._hash = study.content_hash()  # hashing every scenario is not free: once
        self._lock: int | None = None
        if folder is not None:
            self._open(folder)

    def _open(self, folder: Path) -> None:
        if not (folder / MANIFEST).exists() and _foreign_files(folder):
            raise ScenarioError.single(
                f"not a results folder (no {MANIFEST}) and not empty: use an empty or new folder",
                file=str(folder),
            )
        folder.mkdir(parents=True, exist_ok=True)
        self._lock = _lock(folder)
        try:
            self._resume(folder)
        except BaseException:
            self.close()
            raise

    def _resume(self, folder: Path) -> None:
        """Read back the runs of an earlier, interrupted run of this study; set the folder up."""
        if (folder / MANIFEST).exists():
            manifest = read_manifest(folder)
            if manifest.get("study_hash") != self._hash:
                raise ScenarioError.single(
                    f"the folder holds results of another study ({manifest.get('study')!r}, "
                    f"or this one changed): use another folder, or delete this one",
                    file=str(folder / MANIFEST),
                )
            self.warmup = manifest.get("warmup")
            for entry in manifest["runs"]:
                if (folder / entry["file"]).is_file():
                    key = (entry["variant"], entry["replication"])
                    self._entries[key], self._tables[key] = entry, None
        _write_study(folder, self.study)
        self._write_manifest()

    def close(self) -> None:
        """Release the folder for other writers (the OS does it too if this process dies)."""
        if self._lock is not None:
            # Unlock explicitly: pool workers forked meanwhile share the open file.
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            os.close(self._lock)
            self._lock = None

    def has(self, variant: str, replication: int) -> bool:
        """Whether this run is done."""
        return (variant, replication) in self._tables

    def add(self, spec: RunSpec, table: pd.DataFrame, wall_time: float) -> None:
        """Record a completed run: its file first, then the manifest that lists it."""
        key = (spec.variant, spec.replication)
        self._tables[key] = table
        if self.folder is None:
            return
        file = f"runs/{spec.variant}/rep-{spec.replication:04d}.parquet"
        (self.folder / file).parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        table.to_parquet(buffer, index=False)
        atomic_write_bytes(self.folder / file, buffer.getvalue())
        self._entries[key] = {
            "variant": spec.variant,
            "replication": spec.replication,
            "seed": spec.seed,
            "file": file,
            "wall_time": round(wall_time, 4),
        }
        self._write_manifest()

    def set_warmup(self, days: float) -> None:
        """Record the warm-up the runs use (so a resumed study needs no pilot runs)."""
        self.warmup = days
        self._write_manifest()

    def finish(self, notes: list[str]) -> None:
        """Record the notes of a completed study."""
        self._notes = notes
        self._write_manifest()

    def table(self, replications: int) -> pd.DataFrame:
        """Outcome rows of replications ``0..replications-1`` of every variant, in order."""
        keys = [(v.name, r) for v in self.study.variant_list for r in range(replications)]
        return pd.concat([self._table(key) for key in keys], ignore_index=True)

    def network_values(self, variant: str, replications: int, metric: str) -> np.ndarray:
        """A network KPI of the first ``replications`` runs of a variant."""
        values = []
        for r in range(replications):
            t = self._table((variant, r))
            hit = t[(t.scope == "network") & (t.id == "network") & (t.metric == metric)]
            values.append(float(hit.value.iloc[0]) if len(hit) else np.nan)
        return np.asarray(values)

    def _table(self, key: _Key) -> pd.DataFrame:
        table = self._tables[key]
        if table is None:
            assert self.folder is not None  # only runs read back from a folder are on disk
            table = self._tables[key] = pd.read_parquet(self.folder / self._entries[key]["file"])
        return table

    def _write_manifest(self) -> None:
        if self.folder is None:
            return
        runs = sorted(self._entries.values(), key=lambda e: _rank(self._order, e))
        manifest = {
            "format": FORMAT,
            "study": self.study.name,
            "study_hash": self._hash,
            "warmup": self.warmup,
            "notes": self._notes,
            "runs": runs,
        }
        atomic_write_text(self.folder / MANIFEST, json.dumps(manifest, indent=1) + "\n")


def _foreign_files(folder: Path) -> list[str]:
    """Entries of ``folder`` that no set-up of a results folder writes (temp files aside)."""
    if not folder.is_dir():
        return []
    names = (p.name for p in folder.iterdir())
    return [n for n in names if n not in SETUP and not (n.startswith(".") and n.endswith(".tmp"))]


def _lock(folder: Path) -> int:
    """Hold the folder's lock, or refuse: another study is writing to it."""
    path = folder / LOCK
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
        os.close(fd)
        raise ScenarioError.single(
            f"the results folder is in use by another study (process {holder}): wait for it "
            "to finish, or use another folder",
            file=str(folder),
        ) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd


def _rank(order: dict[str, int], entry: dict[str, Any]) -> tuple[int, int]:
    return order.get(entry["variant"], len(order)), entry["replication"]


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of a results folder.

    Raises:
        ScenarioError: It is missing or unreadable.
    """
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        message = f"not a readable results manifest: {exc}"
        raise ScenarioError.single(message, file=str(path)) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ScenarioError.single(f"not a results manifest of format {FORMAT}", file=str(path))
    return manifest


def _write_study(folder: Path, study: StudyDesign) -> None:
    document = study.model_dump(mode="json", exclude={"variant_list"}, exclude_none=True)
    document["variants"] = []
    (folder / "scenarios").mkdir(exist_ok=True)
    for variant in study.variant_list:
        file = f"scenarios/{variant.scenario.content_hash()}.json"
        if not (folder / file).exists():
            atomic_write_text(folder / file, json.dumps(variant.scenario.to_dict()))
        entry = variant.model_dump(mode="json", exclude={"scenario"}, exclude_defaults=True)
        document["variants"].append({**entry, "scenario": file})
    atomic_write_text(folder / STUDY, yaml.safe_dump(document, sort_keys=False))


def read_study(folder: Path) -> StudyDesign:
    """The study a results folder was written for, with every variant's scenario.

    Raises:
        ScenarioError: A file of the folder is missing or invalid.
    """
    load_entry_points()  # scenarios may use third-party policies
    document, _ = load_yaml(folder / STUDY)
    variants = []
    for entry in document.pop("variants"):
        path = folder / entry.pop("scenario")
        data = json.loads(path.read_text(encoding="utf-8"))
        scenario = scenario_from_data(data, file=str(path))
        variants.append(Variant(scenario=scenario, **entry))
    return StudyDesign.model_validate({**document, "variant_list": variants})


def read_runs(folder: Path, study: StudyDesign, manifest: dict[str, Any]) -> pd.DataFrame:
    """Every run the manifest lists, in study order (variant, then replication)."""
    order = {v.name: i for i, v in enumerate(study.variant_list)}
    entries = sorted(manifest["runs"], key=lambda e: _rank(order, e))
    tables = [pd.read_parquet(folder / entry["file"]) for entry in entries]
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=COLUMNS)
