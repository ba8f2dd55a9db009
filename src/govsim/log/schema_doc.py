"""The activity table of ``docs/event-log.md``, written from the schema so the two cannot drift.

The table sits between two markers in the document; ``python -m govsim.log.schema_doc
docs/event-log.md`` rewrites it in place, and ``tests/test_log_schema.py`` fails when the
document's table is not the one the schema gives.
"""

from __future__ import annotations

import sys
from pathlib import Path

from govsim.log.schema import ACTIVITY_SPECS, FAMILIES, ROLES, ActivitySpec

BEGIN = "<!-- activity table: generated from govsim.log.schema; do not edit by hand -->"
END = "<!-- end of the activity table -->"
_HEADER = (
    "| activity | actor | target | deadline | outcome | value | article | what it records |",
    "|---|---|---|---|---|---|---|---|",
)


def _field(text: str | None, required: bool) -> str:
    """A target or deadline cell: what it is, and whether every event carries it."""
    if text is None:
        return "—"
    return f"{text} (required)" if required else text


def _outcomes(spec: ActivitySpec) -> str:
    if not spec.outcomes:
        return "—"
    names = " / ".join(f"`{o}`" for o in spec.outcomes)
    return names if spec.needs_outcome else f"optional: {names}"


def _row(spec: ActivitySpec) -> str:
    cells = (
        f"`{spec.name}`",
        ROLES[spec.actor].description,
        _field(spec.target, spec.needs_target),
        _field(spec.deadline, spec.needs_deadline),
        _outcomes(spec),
        spec.value or "—",
        ", ".join(spec.articles) or "—",
        spec.description,
    )
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def activity_table() -> str:
    """The markdown of the activity table, one sub-table per family, between the markers."""
    lines = [BEGIN]
    for family, meaning in FAMILIES.items():
        lines += ["", f"**{family}** — {meaning}", "", *_HEADER]
        lines += [_row(s) for s in ACTIVITY_SPECS if s.family == family]
    return "\n".join([*lines, "", END])


def current_table(text: str) -> str:
    """The generated part of a document (empty when it has no markers)."""
    if BEGIN not in text or END not in text:
        return ""
    return text[text.index(BEGIN) : text.index(END) + len(END)]


def update(path: Path) -> bool:
    """Rewrite the table in ``path``; True if it changed."""
    text = path.read_text(encoding="utf-8")
    old = current_table(text)
    if not old:
        raise ValueError(f"{path}: no activity table markers")
    new = activity_table()
    if old != new:
        path.write_text(text.replace(old, new), encoding="utf-8")
    return old != new


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    for name in sys.argv[1:]:
        print(f"{name}: {'updated' if update(Path(name)) else 'up to date'}")
