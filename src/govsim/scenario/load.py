"""Loading a scenario file: TOML → validated :class:`Scenario`, or one-line errors.

Every problem is reported as ``FILE:LINE: dotted.path: message`` — TOML syntax errors, type
errors, missing fields, unknown keys, bad cross-references and bad variant overrides alike —
so the CLI can print them and exit with code 2, never a traceback.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from govsim.calendar import CalendarDataError
from govsim.scenario.checks import Location, Problem, cross_check
from govsim.scenario.models import Scenario
from govsim.scenario.tomlpos import locate, syntax_error_line, syntax_error_message

FORBIDDEN_OVERRIDE_ROOTS = ("variants", "sweep", "experiment")


class ScenarioError(Exception):
    """A scenario file that cannot be used; ``problems`` holds one line per mistake."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def dotted(loc: Iterable[str | int]) -> str:
    """``("leaders", 3, "substitute")`` → ``leaders[3].substitute``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(file)"


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate the scenario at ``path``; raise :class:`ScenarioError` on any mistake."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([f"{path}: no such file"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ScenarioError([f"{path}: cannot read: {reason}"]) from None
    return parse_scenario(text, str(path))


def parse_scenario(text: str, source: str = "<scenario>") -> Scenario:
    """Validate TOML ``text``; ``source`` names the file in error messages."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11 gives no line for errors "at end of document": name the last line.
        line = syntax_error_line(exc) or max(1, len(text.splitlines()))
        raise ScenarioError(
            [f"{source}:{line}: TOML syntax: {syntax_error_message(exc)}"]
        ) from None
    reporter = _Reporter(text, source)
    scenario = _validate(raw, reporter)
    if scenario is None:
        raise ScenarioError(reporter.lines)
    for variant_index, overrides in _override_sets(scenario):
        _check_overrides(raw, overrides, variant_index, reporter)
    if reporter.lines:
        raise ScenarioError(reporter.lines)
    scenario._raw = raw
    return scenario


class _Reporter:
    """Collects problems as ``FILE:LINE: path: message`` lines."""

    def __init__(self, text: str, source: str) -> None:
        self.text, self.source = text, source
        self.lines: list[str] = []

    def add(self, loc: Location, message: str, line_loc: Location | None = None) -> None:
        # A missing top-level section has no line of its own: name the first line.
        line = locate(self.text, line_loc if line_loc is not None else loc) or 1
        self.lines.append(f"{self.source}:{line}: {dotted(loc)}: {message}")


def _validate(
    raw: dict[str, Any], reporter: _Reporter, at: Location | None = None
) -> Scenario | None:
    """Validate ``raw``; report problems (at ``at`` instead of their own line if given)."""
    before = len(reporter.lines)
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            loc = _clean_loc(err["loc"])
            reporter.add(loc, _message(err), at)
        return None
    for loc, message in cross_check(scenario):
        reporter.add(loc, message, at)
    for loc, message in _calendar_problems(scenario):
        reporter.add(loc, message, at)
    return scenario if len(reporter.lines) == before else None


def _calendar_problems(sc: Scenario) -> list[Problem]:
    """Build the work calendar once so data gaps (years beyond the holiday data) show up now."""
    from govsim.model.world import build_calendar

    try:
        build_calendar(sc)
    except CalendarDataError as exc:
        return [(("scenario", "horizon_days"), str(exc))]
    except ValueError as exc:
        field = "extra_workdays" if "extra_" in str(exc) else "office_hours"
        return [(("calendar", field), str(exc))]
    return []


def _clean_loc(loc: tuple[Any, ...]) -> Location:
    """Drop pydantic's internal components (union branches, function names) from ``loc``."""
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, int) or (
            isinstance(part, str) and not part.startswith(("function-", "["))
        ):
            out.append(part)
    return tuple(out)


def _message(err: Any) -> str:
    kind, msg = err["type"], err["msg"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "missing required field"
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix) :]
    return msg[:1].lower() + msg[1:] if msg[:2] != msg[:2].upper() else msg


def _override_sets(sc: Scenario) -> list[tuple[int | None, dict[str, Any]]]:
    """Each variant's overrides, and each sweep value alone (index None marks the sweep)."""
    sets: list[tuple[int | None, dict[str, Any]]] = [(i, v.set) for i, v in enumerate(sc.variants)]
    for key, values in sc.sweep.items():
        sets += [(None, {key: value}) for value in values]
    return sets


def _check_overrides(
    raw: dict[str, Any], overrides: dict[str, Any], variant: int | None, reporter: _Reporter
) -> None:
    for key in overrides:
        loc: Location = ("variants", variant, "set", key) if variant is not None else ("sweep", key)
        root = key.split(".")[0]
        if root in FORBIDDEN_OVERRIDE_ROOTS:
            reporter.add(loc, f"'{root}' cannot be overridden by a variant or sweep")
            return
    try:
        patched = apply_overrides(raw, overrides)
    except KeyError as exc:
        key, why = exc.args
        loc = ("variants", variant, "set", key) if variant is not None else ("sweep", key)
        reporter.add(loc, why)
        return
    nested = _Reporter(reporter.text, reporter.source)
    first_key = next(iter(overrides))
    at: Location = (
        ("variants", variant, "set", first_key) if variant is not None else ("sweep", first_key)
    )
    if _validate(patched, nested, at) is None:
        label = f"variant '{raw['variants'][variant]['name']}'" if variant is not None else "sweep"
        for line in nested.lines:
            file_line, rest = line.split(": ", 1)
            reporter.lines.append(f"{file_line}: {rest} (in {label})")


def apply_overrides(raw: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of ``raw`` with each ``"a.b.c" = value`` set (list elements by index).

    Raises ``KeyError(key, reason)`` when a path cannot be followed (a list index out of range,
    or a path through a value that is not a table). Unknown final keys are left for validation
    to reject, so that they are reported like any other unknown key.
    """
    out = copy.deepcopy(raw)
    for key, value in overrides.items():
        parts: list[str | int] = [int(p) if p.isdigit() else p for p in key.split(".")]
        node: Any = out
        for depth, part in enumerate(parts[:-1]):
            nxt = parts[depth + 1]
            if isinstance(node, list):
                if not isinstance(part, int) or part >= len(node):
                    raise KeyError(
                        key, f"no element {part} in '{'.'.join(map(str, parts[:depth]))}'"
                    )
                node = node[part]
            elif isinstance(node, dict):
                if part not in node:
                    node[part] = [] if isinstance(nxt, int) else {}
                node = node[part]
            else:
                raise KeyError(key, f"'{part}' is not inside a table")
        last = parts[-1]
        if isinstance(node, list):
            if not isinstance(last, int) or last >= len(node):
                raise KeyError(key, f"no element {last} to set")
            node[last] = value
        elif isinstance(node, dict):
            node[last] = value
        else:
            raise KeyError(key, "path goes through a value that is not a table")
    return out
