"""Reading a log's files and choosing its replications: the size and kind checks made before
anything is read (a FIFO, a device or a file that unfolds into more rows than memory holds is
refused in one line), the tables as text or Parquet, and the rows of each design point and
replication of a results folder (columns ``variant``, ``point``, ``replication``)."""

from __future__ import annotations

import math
import stat
from pathlib import Path

import numpy as np
import pandas as pd

from govsim.log.columns import LogError

SELECTION_COLUMNS: tuple[str, ...] = ("variant", "point", "replication")
"""Columns naming the design point and replication of each row in a results folder."""


MAX_LOG_ROWS = 20_000_000
"""Rows of a log file read at most (a simulated year of the default scenario is ~100,000
events per replication): a highly compressed Parquet file can unfold into more rows than
memory holds, so the row count in its footer is checked before anything is read."""
MAX_CSV_BYTES = 4 * 1024**3
"""Bytes of a CSV log file read at most (about the size of ``MAX_LOG_ROWS`` rows)."""


def is_parquet(path: Path) -> bool:
    return path.suffix.lower() in (".parquet", ".pq")


def check_size(path: Path) -> None:
    """A regular file within the size limits (a FIFO or device could block or never end)."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise LogError(f"{path}: not a regular file")
    if is_parquet(path):
        import pyarrow.parquet as pq

        try:
            rows = pq.ParquetFile(path).metadata.num_rows
        except (OSError, ValueError) as exc:
            raise LogError(f"{path}: cannot read as Parquet: {first_line(exc)}") from None
        if rows > MAX_LOG_ROWS:
            raise LogError(f"{path}: {rows:,} rows, more than a log may have ({MAX_LOG_ROWS:,})")
    elif info.st_size > MAX_CSV_BYTES:
        raise LogError(
            f"{path}: {info.st_size:,} bytes, more than a log may have ({MAX_CSV_BYTES:,})"
        )


def read_table(path: Path) -> pd.DataFrame:
    """A Parquet file as is, or a CSV file with every cell as text (parsed per column later)."""
    try:
        check_size(path)
    except FileNotFoundError:
        raise LogError(f"{path}: no such file") from None
    except OSError as exc:
        raise LogError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        if is_parquet(path):
            return pd.read_parquet(path)
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise LogError(f"{path}: no such file") from None
    except pd.errors.EmptyDataError:
        raise LogError(f"{path}: empty file (no header line)") from None
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        kind = "Parquet" if is_parquet(path) else "CSV"
        raise LogError(f"{path}: cannot read as {kind}: {first_line(exc)}") from None


def first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def sibling_cases(path: Path) -> Path | None:
    """``…/events.parquet`` → ``…/cases.parquet`` (also ``x_events.csv`` → ``x_cases.csv``)."""
    name = path.name
    pos = name.rfind("events")
    if pos < 0:
        return None
    candidate = path.with_name(name[:pos] + "cases" + name[pos + len("events") :])
    return candidate if candidate.exists() else None


Selected = tuple[np.ndarray, tuple[str | None, str | None, int | None]]


def select(
    frame: pd.DataFrame,
    where: str,
    variant: str | None,
    point: str | None,
    replication: int | None,
) -> Selected:
    """Rows of one replication: the first (in file order) matching the options."""
    return selections(frame, where, variant, point, replication)[0]


def selections(
    frame: pd.DataFrame,
    where: str,
    variant: str | None,
    point: str | None,
    replication: int | None,
) -> list[Selected]:
    """Rows of every replication matching the options, in file order (at least one)."""
    present = [c for c in SELECTION_COLUMNS if c in frame.columns]
    if not present:
        if replication is not None:
            raise LogError(f"{where}: --replication given, but the log has no replication column")
        return [(np.arange(len(frame)), (variant, point, None))]
    keys = pd.DataFrame(index=frame.index)
    for c in present:
        col = frame[c]
        if c == "replication":
            keys[c] = pd.to_numeric(col.astype(object), errors="coerce")
        else:
            keys[c] = col.astype(object).where(col.notna(), "").map(str)
    groups = keys.drop_duplicates()
    chosen = groups
    if variant is not None and "variant" in present:
        chosen = chosen.loc[chosen["variant"] == variant]
    if point is not None and "point" in present:
        chosen = chosen.loc[chosen["point"] == point]
    if replication is not None and "replication" in present:
        chosen = chosen.loc[chosen["replication"] == replication]
    if chosen.empty:
        held = ", ".join(
            "/".join(str(v) for v in row if v != "") for row in groups.itertuples(index=False)
        )
        wanted = ", ".join(
            f"--{k} {v}"
            for k, v in (("variant", variant), ("point", point), ("replication", replication))
            if v is not None
        )
        if len(held) > 200:
            held = held[:200] + "…"
        raise LogError(f"{where}: no replication matches {wanted}; the log holds {held}")
    out: list[Selected] = []
    for _, first in chosen.iterrows():
        mask = np.ones(len(frame), dtype=bool)
        for c in present:
            mask &= (keys[c] == first[c]).to_numpy()
        rep = first.get("replication")
        out.append(
            (
                np.flatnonzero(mask),
                (
                    str(first["variant"]) if "variant" in present else variant,
                    str(first["point"]) if "point" in present else point,
                    int(rep) if rep is not None and not math.isnan(rep) else None,
                ),
            )
        )
    return out


def select_cases(
    raw: pd.DataFrame, where: str, variant: str | None, point: str | None, rep: int | None
) -> np.ndarray:
    """Rows of the cases file of the selected replication (all rows if it names none)."""
    present = [c for c in SELECTION_COLUMNS if c in raw.columns]
    if not present:
        return np.arange(len(raw))
    rows, _ = select(
        raw,
        where,
        variant if "variant" in present else None,
        point if "point" in present else None,
        rep if "replication" in present else None,
    )
    return rows


def drop_selection(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows without the columns naming their design point and replication."""
    return frame.drop(columns=[c for c in SELECTION_COLUMNS if c in frame.columns])
