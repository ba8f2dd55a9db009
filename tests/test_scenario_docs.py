"""``docs/scenario.md`` stays true to the scenario models.

Every field of :class:`Scenario` and of every model nested in it (through lists, optionals and
tables) has a row in its section of the reference, with its default, its bounds, its allowed
values and whether it is required; the doc lists no field that does not exist; and the example
scenarios in the doc validate.
"""

from __future__ import annotations

import re
import types
import typing
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import annotated_types as at
import pytest
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from govsim.scenario.expand import expand
from govsim.scenario.load import parse_scenario
from govsim.scenario.models import Scenario

DOC_PATH = Path(__file__).resolve().parents[1] / "docs" / "scenario.md"
DOC = DOC_PATH.read_text(encoding="utf-8")
HEADING = re.compile(r"^(#{1,6}) (.+)$", re.MULTILINE)


# --------------------------------------------------------------------------- the doc's shape


def _without_code(text: str) -> str:
    """``text`` with fenced code blocks blanked out (same length), so ``# comments`` in TOML
    examples are not taken for headings."""
    return re.sub(r"```.*?```", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=re.DOTALL)


def _headings() -> list[tuple[int, str, int, int]]:
    """``(level, title, body start, body end)`` of each heading; the body runs to the next
    heading of the same or a higher level."""
    found = list(HEADING.finditer(_without_code(DOC)))
    out = []
    for i, m in enumerate(found):
        level = len(m.group(1))
        end = next((n.start() for n in found[i + 1 :] if len(n.group(1)) <= level), len(DOC))
        out.append((level, m.group(2).strip(), m.end(), end))
    return out


def section(needle: str) -> tuple[str, str]:
    """The section whose heading contains ``needle``: (whole body, body up to any heading)."""
    matches = [h for h in _headings() if needle in h[1]]
    assert len(matches) == 1, f"one heading containing {needle!r} expected, found {matches}"
    _, _, start, end = matches[0]
    body = DOC[start:end]
    sub = HEADING.search(_without_code(body))
    return body, body[: sub.start()] if sub else body


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def rows(text: str) -> dict[str, dict[str, str]]:
    """Rows of the tables in ``text`` whose first cell is a code span, as
    ``{name: {column title: cell}}`` (the column titles come from each table's header)."""
    out: dict[str, dict[str, str]] = {}
    header: list[str] = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if not line.startswith("|"):
            header = []
        elif i + 1 < len(lines) and re.match(r"^\|[\s|:-]+\|$", lines[i + 1]):
            header = _cells(line)
        elif header and (m := re.match(r"^`([^`]+)`$", _cells(line)[0])):
            cells = _cells(line)
            assert len(cells) == len(header), f"row with {len(cells)} cells: {line}"
            out[m.group(1)] = dict(zip(header, cells, strict=True))
    return out


def snippet(name: str) -> str:
    """The ```toml block right after ``<!-- snippet: name -->``."""
    m = re.search(
        rf"<!-- snippet: {re.escape(name)} -->\s*```toml\n(.*?)\n```", DOC, flags=re.DOTALL
    )
    assert m, f"snippet {name!r} not found in {DOC_PATH}"
    return m.group(1) + "\n"


# --------------------------------------------------------------------------- the models' shape


def _models_in(annotation: Any) -> Iterator[tuple[type[BaseModel], bool]]:
    """Models inside a type, and whether each is reached through a list."""
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation, False
    elif origin in (list, tuple, set, frozenset):
        for arg in typing.get_args(annotation):
            for model, _ in _models_in(arg):
                yield model, True
    elif origin is dict:
        yield from _models_in(typing.get_args(annotation)[1])
    elif origin in (typing.Union, types.UnionType, typing.Annotated):
        for arg in typing.get_args(annotation):
            yield from _models_in(arg)


@dataclass(frozen=True)
class Table:
    """A model as it appears in a file: at ``path``, an array of tables if ``is_list``."""

    model: type[BaseModel]
    path: tuple[str, ...]
    is_list: bool

    @property
    def header(self) -> str:
        dotted = ".".join(self.path)
        return f"`[[{dotted}]]`" if self.is_list else f"`[{dotted}]`"


def tables(model: type[BaseModel] = Scenario, path: tuple[str, ...] = ()) -> Iterator[Table]:
    for name, field in model.model_fields.items():
        for sub, is_list in _models_in(field.annotation):
            yield Table(sub, (*path, name), is_list)
            yield from tables(sub, (*path, name))


ALL_TABLES = list(tables())
# A model used by several fields (the distributions) has one section named after its class.
SHARED = {m for m, n in Counter(t.model for t in ALL_TABLES).items() if n > 1}
OWN_TABLES = [t for t in ALL_TABLES if t.model not in SHARED]


def _toml(value: Any) -> str | None:
    """A default as it is written in TOML, or None for defaults the doc describes in words."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return f'"{value}"' if isinstance(value, str) else repr(value)
    if isinstance(value, list | tuple):
        items = [_toml(v) for v in value]
        return None if None in items else "[" + ", ".join(items) + "]"  # type: ignore[arg-type]
    if isinstance(value, dict) and not value:
        return "{}"
    return None


def _default(field: FieldInfo) -> str | None:
    if field.default_factory is not None:
        return _toml(field.default_factory())  # type: ignore[call-arg]
    return None if field.default is PydanticUndefined else _toml(field.default)


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _bounds(field: FieldInfo) -> list[str]:
    out = []
    for meta in field.metadata:
        for attr in ("ge", "gt", "le", "lt", "min_length", "max_length"):
            if isinstance(meta, at.BaseMetadata) and hasattr(meta, attr):
                out.append(_number(getattr(meta, attr)))
    return out


def _literals(annotation: Any) -> list[Any]:
    if typing.get_origin(annotation) is typing.Literal:
        return list(typing.get_args(annotation))
    return [v for arg in typing.get_args(annotation) for v in _literals(arg)]


# --------------------------------------------------------------------------- the tests


def test_the_walk_finds_the_nested_models():
    headers = {t.header for t in OWN_TABLES}
    assert {"`[scenario]`", "`[[leaders]]`", "`[general_office]`", "`[[load.scheduled]]`"} <= (
        headers
    )
    assert {m.__name__ for m in SHARED} == {"Distribution"}


@pytest.mark.parametrize("name", list(Scenario.model_fields))
def test_every_top_level_section_has_a_heading(name):
    is_list = any(lst for _, lst in _models_in(Scenario.model_fields[name].annotation))
    section(f"`[[{name}]]`" if is_list else f"`[{name}]`")


@pytest.mark.parametrize("table", OWN_TABLES, ids=lambda t: t.header.strip("`"))
def test_every_field_has_a_row_in_its_section(table: Table):
    _, own = section(table.header)  # up to the next heading: [load] stops at [[load.scheduled]]
    documented = rows(own)
    for name, field in table.model.model_fields.items():
        assert name in documented, f"{table.header}: field `{name}` is not documented"
        cells = documented[name]
        default, allowed = cells["default"], cells["allowed"]
        if field.is_required():
            assert default == "required", f"{table.header}.{name} is required: {cells}"
        expected = _default(field)
        if expected is not None:
            assert f"`{expected}`" in default, f"{table.header}.{name}: default {expected}: {cells}"
        for bound in _bounds(field):
            assert re.search(rf"(?<![\d.]){re.escape(bound)}(?![\d])", allowed), (
                f"{table.header}.{name}: bound {bound} not stated: {cells}"
            )
        for value in _literals(field.annotation):
            shown = f'"{value}"' if isinstance(value, str) else f"`{value}`"
            assert shown in allowed, f"{table.header}.{name}: value {value!r} not listed"


@pytest.mark.parametrize("table", OWN_TABLES, ids=lambda t: t.header.strip("`"))
def test_no_row_names_a_field_that_does_not_exist(table: Table):
    _, own = section(table.header)
    stale = set(rows(own)) - set(table.model.model_fields)
    assert not stale, f"{table.header} documents unknown fields {sorted(stale)}"


@pytest.mark.parametrize("model", sorted(SHARED, key=lambda m: m.__name__))
def test_shared_models_have_one_section_listing_every_field(model: type[BaseModel]):
    body, _ = section(f"`{model.__name__}`")
    documented = rows(body)
    for name, field in model.model_fields.items():
        assert name in documented, f"{model.__name__}: field `{name}` is not documented"
        for value in _literals(field.annotation):
            assert f'"{value}"' in body, f"{model.__name__}.{name}: value {value!r} not listed"


def test_the_minimal_scenario_validates():
    sc = parse_scenario(snippet("minimal"), "docs/scenario.md")
    assert sc.scenario.name == "minimal"
    assert not sc.variants and not sc.sweep


def test_every_required_section_is_in_the_minimal_scenario():
    text = snippet("minimal")
    for name, field in Scenario.model_fields.items():
        if field.is_required():
            assert f"[{name}]" in text, name


def test_the_scheduled_example_validates_on_top_of_the_minimal_scenario():
    sc = parse_scenario(snippet("minimal") + "\n" + snippet("scheduled"))
    (arrival,) = sc.load.scheduled
    assert not sc.load.poisson and arrival.urgent and arrival.instruction


def test_the_variants_example_validates_on_top_of_the_minimal_scenario():
    sc = parse_scenario(snippet("minimal") + "\n" + snippet("variants"))
    # (baseline + 2 variants) × 2 sweep points, as the doc says.
    assert len(expand(sc)) == 3 * 2
