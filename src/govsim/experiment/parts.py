"""The on-disk layout of a run: one set of Parquet *parts* per finished replication.

A worker writes the parts of the replication it ran, each to a temporary file in
``<run>/.tmp/`` that is then renamed into ``<run>/parts/`` — so ``parts/`` never holds a
partial file. The KPI part is renamed last: its presence marks the replication finished,
which is what ``--resume`` looks for. At the end the parent streams the parts, in task order,
into the consolidated files (``kpis.parquet``, ``backlog.parquet``, ``events.parquet``,
``cases.parquet``, and with the supervision ledger ``ledger_daily.parquet`` and
``ledger_year.parquet``) with constant memory.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from govsim.core.files import atomic_write, write_parquet

# kpis last: it marks the replication done. ledger_* only for scenarios with the ledger,
# desks only with [desks].
KINDS = ("backlog", "ledger_daily", "ledger_year", "desks", "events", "cases", "kpis")
TMP_DIR = ".tmp"
PARTS_DIR = "parts"

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: runs are not locked
    fcntl = None  # type: ignore[assignment]


class RunLockedError(RuntimeError):
    """Another process works in the run folder."""


@contextlib.contextmanager
def lock_run(run_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on the run folder while a process works in it, so two
    ``--resume`` of one run cannot both run the same replications. The lock is taken on the
    folder itself (no lock file is left behind) and the operating system releases it when
    the process ends, however it ends: no stale lock after a kill."""
    fd = os.open(run_dir, os.O_RDONLY)
    try:
        if not _try_lock(fd):
            raise RunLockedError(
                f"{run_dir} is in use by another govsim process; wait for it to finish"
            )
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _try_lock(fd: int) -> bool:
    if fcntl is None:  # pragma: no cover - not POSIX
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def is_locked(run_dir: Path) -> bool:
    """True while a process holds the run folder's lock (a ``running`` manifest without it
    belongs to a run that was killed: it is interrupted)."""
    fd = os.open(run_dir, os.O_RDONLY)
    try:
        return not _try_lock(fd)
    finally:
        os.close(fd)


def part_path(run_dir: Path, point_index: int, replication: int, kind: str) -> Path:
    """``<run>/parts/p003/r000012.kpis.parquet``."""
    return run_dir / PARTS_DIR / f"p{point_index:03d}" / f"r{replication:06d}.{kind}.parquet"


def is_done(run_dir: Path, point_index: int, replication: int) -> bool:
    """True if the replication's KPI part (written last) exists."""
    return part_path(run_dir, point_index, replication, "kpis").exists()


def write_parts(
    run_dir: Path, point_index: int, replication: int, frames: dict[str, pd.DataFrame]
) -> None:
    """Write a replication's frames as parts; the KPI part goes last."""
    tmp_dir = run_dir / TMP_DIR
    tmp_dir.mkdir(parents=True, exist_ok=True)
    for kind in KINDS:
        if kind not in frames:
            continue
        final = part_path(run_dir, point_index, replication, kind)
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f"{final.name}.", suffix=".tmp", dir=tmp_dir)
        os.close(fd)
        tmp = Path(name)
        try:
            frames[kind].to_parquet(tmp, index=False, engine="pyarrow")
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, final)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


def clear_temporary(run_dir: Path) -> None:
    """Remove what a killed run left half-written (only ever inside ``.tmp/``)."""
    shutil.rmtree(run_dir / TMP_DIR, ignore_errors=True)


def consolidate(run_dir: Path, keys: list[tuple[int, int]], kind: str) -> Path | None:
    """Stream the ``kind`` parts of ``keys`` (in that order) into ``<run>/<kind>.parquet``.

    Memory stays at one part at a time whatever the number of replications. Returns the path,
    or None when no part of that kind exists.
    """
    paths = [part_path(run_dir, p, r, kind) for p, r in keys]
    paths = [p for p in paths if p.exists()]
    if not paths:
        return None
    schema = _unified_schema(paths)

    def write(tmp: Path) -> None:
        with pq.ParquetWriter(tmp, schema) as writer:
            for path in paths:
                table = pq.read_table(path)
                if table.schema != schema:
                    table = _conform(table, schema)
                writer.write_table(table)

    return atomic_write(run_dir / f"{kind}.parquet", write)


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` with ``schema``'s columns: missing ones (a KPI another variant has) as nulls."""
    for field in schema:
        if field.name not in table.column_names:
            table = table.append_column(field.name, pa.nulls(table.num_rows, field.type))
    return table.select(schema.names).cast(schema)


def _unified_schema(paths: list[Path]) -> pa.Schema:
    """One schema for all parts (categorical dictionaries differ between parts; a variant
    may have columns others lack, e.g. the ledger's KPIs: the union, in order of appearance)."""
    schemas = [pq.read_schema(p) for p in paths]
    first = schemas[0]
    if all(s.equals(first) for s in schemas):
        return first
    fields = []
    names = list(dict.fromkeys(name for s in schemas for name in s.names))
    for name in names:
        field = next(s.field(name) for s in schemas if name in s.names)
        types = {s.field(name).type for s in schemas if name in s.names}
        if len(types) == 1:
            fields.append(field)
        elif all(pa.types.is_dictionary(t) for t in types):
            fields.append(pa.field(name, pa.string()))
        else:
            fields.append(pa.field(name, pa.float64()))
    return pa.schema(fields, metadata=first.metadata)


def consolidate_rows(run_dir: Path, keys: list[tuple[int, int]], kind: str) -> pd.DataFrame:
    """Gather small one-row-per-replication parts (the KPIs) into one frame, written to
    ``<run>/<kind>.parquet`` as a single row group, and return it.

    Each part is turned into plain Python values as soon as it is read: holding thousands of
    tiny Arrow tables (or reading a file of thousands of tiny row groups) would make the
    parent's memory grow with the number of replications.
    """
    rows: list[dict[str, object]] = []
    for p, r in keys:
        path = part_path(run_dir, p, r, kind)
        if path.exists():
            rows.extend(pq.read_table(path).to_pylist())
    frame = pd.DataFrame(rows)
    if rows:
        write_parquet(frame, run_dir / f"{kind}.parquet")
    return frame
