"""Loading a scenario file: TOML → validated :class:`Scenario`, or one-line errors.

Every problem is reported as ``FILE:LINE: dotted.path: message`` — TOML syntax errors, type
errors, missing fields, unknown keys, bad cross-references and bad variant overrides alike —
so the CLI can print them and exit with code 2, never a traceback.
"""

from __future__ import annotations

import copy
import itertools
import json
import math
import re
import stat
import tomllib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from govsim.core.calendar import CalendarDataError
from govsim.scenario.checks import Location, Problem, cross_check
from govsim.scenario.initial_state_models import missing_files, resolve_paths
from govsim.scenario.knob_checks import knob_override_sets
from govsim.scenario.limits import MAX_BASE_CHAIN, MAX_DESIGN_POINTS, MAX_FILE_BYTES, MAX_NESTING
from govsim.scenario.models import Scenario
from govsim.scenario.tomlpos import (
    locate,
    syntax_error_line,
    syntax_error_message,
    too_deep_line,
)

FORBIDDEN_OVERRIDE_ROOTS = ("variants", "sweep", "experiment", "design", "search")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
# A table-level check whose message starts "<key> must …" or "'<key>' has no …" is about that
# key of the table.
_ABOUT_KEY = re.compile(r"(?:'([^'\s]+)'|([A-Za-z_][A-Za-z0-9_]*)) (?:must|has no)\b")


class ScenarioError(Exception):
    """A scenario file that cannot be used; ``problems`` holds one line per mistake."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def dotted(loc: Iterable[str | int]) -> str:
    """``("leaders", 3, "substitute")`` → ``leaders[3].substitute``.

    A key that is not a bare TOML key (an override path such as ``"load.scale"``) is quoted,
    so the path stays one unambiguous word.
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            key = str(part)
            if not _BARE_KEY.fullmatch(key):
                key = json.dumps(key, ensure_ascii=False)
            out += ("." if out else "") + key
    return out or "(file)"


def _read(path: Path) -> str:
    """The text of a scenario file: a regular file (not a device, FIFO or folder, which could
    be endless or block forever) of at most ``MAX_FILE_BYTES``, in UTF-8 (a byte-order mark
    is allowed)."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise ScenarioError([f"{path}: cannot read: Is a directory"])
        if not stat.S_ISREG(info.st_mode):
            raise ScenarioError([f"{path}: not a regular file"])
        if info.st_size > MAX_FILE_BYTES:
            raise ScenarioError(
                [
                    f"{path}: {info.st_size} bytes, more than a scenario file may have "
                    f"({MAX_FILE_BYTES})"
                ]
            )
        with path.open("rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ScenarioError([f"{path}: no such file"]) from None
    except OSError as exc:
        raise ScenarioError([f"{path}: cannot read: {exc.strerror or exc}"]) from None
    return decode(data, str(path))


def decode(data: bytes, source: str) -> str:
    """UTF-8 text without its byte-order mark; a bad byte is reported by line and column."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = data[exc.start]
        raise ScenarioError(
            [f"{source}:{line}:{column}: encoding: byte 0x{byte:02x} is not valid UTF-8"]
        ) from None


def load_scenario(path: str | Path, *, max_points: int = MAX_DESIGN_POINTS) -> Scenario:
    """Read and validate the scenario at ``path``; raise :class:`ScenarioError` on any mistake.

    ``max_points`` bounds the number of design points (variants × sweep points)."""
    path = Path(path)
    scenario = parse_scenario(_read(path), str(path), max_points=max_points)
    scenario._files = (str(path), *scenario.files)
    return scenario


def _parse_toml(text: str, source: str) -> dict[str, Any]:
    text = text.removeprefix("\ufeff")
    deep = too_deep_line(text, MAX_NESTING)
    if deep is not None:
        raise ScenarioError([f"{source}:{deep}: TOML syntax: nested more than {MAX_NESTING} deep"])
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11 gives no line for errors "at end of document": name the last line.
        line = syntax_error_line(exc) or max(1, len(text.splitlines()))
        raise ScenarioError(
            [f"{source}:{line}: TOML syntax: {syntax_error_message(exc)}"]
        ) from None
    deep_path = _too_deep(raw, MAX_NESTING)
    if deep_path is not None:  # dotted keys and headers nest without brackets
        line = locate(text, deep_path) or 1
        raise ScenarioError(
            [f"{source}:{line}: {dotted(deep_path[:3])}: nested more than {MAX_NESTING} deep"]
        )
    return raw


def _too_deep(data: Any, limit: int) -> Location | None:
    """The path of a value nested more than ``limit`` tables or arrays deep, or None.

    Iterative, so that a deep structure cannot exhaust the stack."""
    stack: list[tuple[Any, Location]] = [(data, ())]
    while stack:
        node, path = stack.pop()
        if len(path) > limit:
            return path
        if isinstance(node, dict):
            stack.extend((v, (*path, k)) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, (*path, i)) for i, v in enumerate(node))
    return None


NOT_INHERITED = ("variants", "sweep", "design", "search")


def merge_tables(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """``child`` over ``base``: tables merge key by key, anything else (values, arrays,
    arrays of tables) is replaced whole."""
    out = copy.deepcopy(base)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge_tables(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _inherit(
    raw: dict[str, Any], text: str, source: str, seen: tuple[str, ...] = ()
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Resolve ``scenario.base``: the file named there (relative to this one) is read first
    and this file's tables are merged over it; its variants and sweep are not inherited.
    Returns the merged data and the chain of (text, file) the values came from."""
    base = raw.get("scenario", {}).get("base") if isinstance(raw.get("scenario"), dict) else None
    if not isinstance(base, str):
        return raw, [(text, source)]
    line = locate(text, ("scenario", "base")) or 1
    path = (Path(source).parent / base) if source != "<scenario>" else Path(base)
    if str(path.resolve()) in seen:
        raise ScenarioError([f"{source}:{line}: scenario.base: '{base}' includes itself"])
    if len(seen) + 2 > MAX_BASE_CHAIN:  # this file, the ones it was read for, and its base
        raise ScenarioError(
            [f"{source}:{line}: scenario.base: a chain of more than {MAX_BASE_CHAIN} files"]
        )
    try:
        base_text = _read(path)
    except ScenarioError as exc:
        raise ScenarioError([f"{source}:{line}: scenario.base: {exc.problems[0]}"]) from None
    base_raw, chain = _inherit(
        _parse_toml(base_text, str(path)), base_text, str(path), (*seen, str(path.resolve()))
    )
    for key in NOT_INHERITED:
        base_raw.pop(key, None)
    return merge_tables(base_raw, raw), [(text, source), *chain]


def parse_scenario(
    text: str, source: str = "<scenario>", *, max_points: int = MAX_DESIGN_POINTS
) -> Scenario:
    """Validate TOML ``text``; ``source`` names the file in error messages (and is where a
    ``scenario.base`` is looked up from). More than ``max_points`` design points is an error
    (each is validated here and simulated later)."""
    raw, chain = _inherit(_parse_toml(text, source), text, source)
    resolve_paths(raw, source)
    reporter = _Reporter(text, source, chain[1:])
    scenario = _validate(raw, reporter)
    if scenario is None:
        raise ScenarioError(reporter.lines)
    count = design_point_count(scenario)
    if count > max_points:
        where = "sweep" if scenario.sweep else "variants"
        reporter.add(
            (where,),
            f"{count} design points (variants × sweep points), more than {max_points}; "
            "raise the limit with --max-points if this is meant",
        )
        raise ScenarioError(reporter.lines)
    for label, overrides in _override_sets(scenario):
        _check_overrides(raw, label, overrides, reporter)
    if not reporter.lines:
        # Each variant and each sweep value is valid alone; so must be what actually runs.
        failed: set[str] = set()
        for variant, label, overrides in _combined_sets(scenario):
            if variant not in failed and not _check_overrides(raw, label, overrides, reporter):
                failed.add(variant)  # one failing sweep point per variant is enough
    if reporter.lines:
        raise ScenarioError(reporter.lines)
    scenario._raw = raw
    scenario._files = tuple(src for _, src in chain[1:])  # bases are always read from disk
    return scenario


def design_point_count(sc: Scenario) -> int:
    """The baseline and each variant, times the product of the sweep lists' lengths: the
    points whose overrides are each validated here. A sampled ``[design]`` is bounded by its
    own ``samples`` (its points are checked at the corners of each knob's range, not one by
    one), so it is not counted."""
    return (1 + len(sc.variants)) * math.prod(len(v) for v in sc.sweep.values())


def located(source: str, loc: Location, message: str) -> str:
    """``FILE:LINE: dotted.path: message`` for a problem found after loading (``source`` is
    the scenario file; line 1 when it cannot be read)."""
    try:
        text = _read(Path(source))
    except ScenarioError:
        text = ""
    reporter = _Reporter(text, source)
    reporter.add(loc, message)
    return reporter.lines[0]


class _Reporter:
    """Collects problems as ``FILE:LINE: path: message`` lines."""

    def __init__(self, text: str, source: str, bases: list[tuple[str, str]] | None = None) -> None:
        self.text, self.source = text, source
        self.bases = bases or []
        self.lines: list[str] = []

    def _where(self, loc: Location) -> tuple[str, int]:
        """The file and line that wrote ``loc``: this file, else the first base that has it."""
        line = locate(self.text, loc)
        if line is None:
            for text, source in self.bases:
                found = locate(text, loc)
                if found is not None:
                    return source, found
        # A missing top-level section has no line of its own: name the first line.
        return self.source, line or 1

    def add(self, loc: Location, message: str, line_loc: Location | None = None) -> None:
        source, line = self._where(line_loc if line_loc is not None else loc)
        message = message.replace("\r", "\\r").replace("\n", "\\n")  # one line per problem
        entry = f"{source}:{line}: {dotted(loc)}: {message}"
        if entry not in self.lines:
            self.lines.append(entry)


def _validate(
    raw: dict[str, Any],
    reporter: _Reporter,
    at: Callable[[Location], Location] | None = None,
) -> Scenario | None:
    """Validate ``raw``; report problems (on the line of ``at(loc)`` instead if given)."""
    before = len(reporter.lines)
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            message = _message(err)
            loc = _field_named(raw, _clean_loc(err["loc"]), message)
            reporter.add(loc, message, at(loc) if at else None)
        return None
    problems = cross_check(scenario) + _calendar_problems(scenario)
    for loc, message in problems + missing_files(scenario.initial_state):
        reporter.add(loc, message, at(loc) if at else None)
    return scenario if len(reporter.lines) == before else None


def _field_named(raw: dict[str, Any], loc: Location, message: str) -> Location:
    """``loc`` of a table-level check, extended by the key its message is about, if any."""
    match = _ABOUT_KEY.match(message)
    if match is None:
        return loc
    node: Any = raw
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return loc
    key = match.group(1) or match.group(2)
    return (*loc, key) if isinstance(node, dict) and key in node else loc


def _calendar_problems(sc: Scenario) -> list[Problem]:
    """Build the work calendar once so data gaps (years beyond the holiday data) show up now."""
    from govsim.core.calendar import build_calendar

    try:
        build_calendar(sc)
    except CalendarDataError as exc:
        return [(("scenario", "horizon_days"), str(exc))]
    except ValueError as exc:
        if "extra_" in str(exc):
            return [(("calendar", "extra_workdays"), str(exc))]
        if str(exc).startswith("office_hours"):
            return [(("calendar", "office_hours"), str(exc))]
        return [(("scenario", "start"), str(exc))]  # e.g. dates past the year 9999
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


_TOML_TYPES = (
    (bool, "a boolean"),
    (int, "an integer"),
    (float, "a float"),
    (str, "a string"),
    (list, "an array"),
    (dict, "a table"),
)


def _toml_type(value: Any) -> str:
    """``true`` → "a boolean": the TOML type of a value, for type errors."""
    for kind, name in _TOML_TYPES:
        if isinstance(value, kind):
            return name
    return "a date or time"


def _message(err: Any) -> str:
    kind, msg = err["type"], err["msg"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "missing required field"
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix) :]
    if kind.endswith("_type") and "input" in err:  # strict types: say what was written
        msg = f"{msg}, got {_toml_type(err['input'])}"
    return msg[:1].lower() + msg[1:] if msg[:2] != msg[:2].upper() else msg


Overrides = dict[str, tuple[Location, Any]]  # dotted key → (where it is written, value)


def _variant_overrides(sc: Scenario) -> list[tuple[str, Overrides]]:
    return [
        (v.name, {key: (("variants", i, "set", key), value) for key, value in v.set.items()})
        for i, v in enumerate(sc.variants)
    ]


def _override_sets(sc: Scenario) -> list[tuple[str, Overrides]]:
    """Each variant's overrides, then each sweep value alone, with a label for messages."""
    sets = [(f"variant '{name}'", overrides) for name, overrides in _variant_overrides(sc)]
    for key, values in sc.sweep.items():
        sets += [("sweep", {key: (("sweep", key, j), value)}) for j, value in enumerate(values)]
    return sets + knob_override_sets(sc)


def _combined_sets(sc: Scenario) -> list[tuple[str, str, Overrides]]:
    """The baseline and each variant at every sweep point, as ``expand`` runs them.

    A sweep point that sets a single value on the baseline is left out: it was checked alone.
    """
    keys = list(sc.sweep)
    out: list[tuple[str, str, Overrides]] = []
    for name, base in [("baseline", {}), *_variant_overrides(sc)]:
        if not keys or (not base and len(keys) == 1):
            continue
        for combo in itertools.product(*(enumerate(sc.sweep[k]) for k in keys)):
            point = {k: (("sweep", k, j), v) for k, (j, v) in zip(keys, combo, strict=True)}
            where = ",".join(f"{k}={v}" for k, (_, v) in zip(keys, combo, strict=True))
            shown = f"variant '{name}'" if base else "baseline"
            out.append((name, f"{shown} @ {where}", {**base, **point}))
    return out


def _source_of(overrides: Overrides) -> Callable[[Location], Location]:
    """Where to report a problem found after applying ``overrides``: at the override sharing
    the longest path prefix with the problem's location (the first override if none does)."""
    paths = {key: _key_parts(key) for key in overrides}

    def at(loc: Location) -> Location:
        def shared(key: str) -> int:
            n = 0
            for a, b in zip(paths[key], loc, strict=False):
                if a != b:
                    break
                n += 1
            return n

        return overrides[max(overrides, key=shared)][0]  # max keeps the first of equals

    return at


def _check_overrides(
    raw: dict[str, Any], label: str, overrides: Overrides, reporter: _Reporter
) -> bool:
    """Apply ``overrides`` to ``raw`` and validate the result; report and return False if bad."""
    for key, (where, _) in overrides.items():
        if key.count(".") >= MAX_NESTING:
            reporter.add(where, f"a path of more than {MAX_NESTING} parts")
            return False
        root = key.split(".")[0]
        if root in FORBIDDEN_OVERRIDE_ROOTS:
            reporter.add(
                where[:2] if where[0] == "sweep" else where,
                f"'{root}' cannot be overridden by a variant or sweep",
            )
            return False
    try:
        patched = apply_overrides(raw, {key: value for key, (_, value) in overrides.items()})
    except KeyError as exc:
        key, why = exc.args
        where = overrides[key][0]
        reporter.add(where[:2] if where[0] == "sweep" else where, why)
        return False
    nested = _Reporter(reporter.text, reporter.source, reporter.bases)
    if _validate(patched, nested, _source_of(overrides)) is not None:
        return True
    for line in nested.lines:
        file_line, rest = line.split(": ", 1)
        entry = f"{file_line}: {rest} (in {label})"
        if entry not in reporter.lines:
            reporter.lines.append(entry)
    return False


def _key_parts(key: str) -> list[str | int]:
    """``"leaders.2.substitute"`` → ``["leaders", 2, "substitute"]``: ASCII digits index a
    list (``"²"`` is a key, not an index)."""
    return [int(p) if p.isascii() and p.isdigit() else p for p in key.split(".")]


def apply_overrides(raw: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of ``raw`` with each ``"a.b.c" = value`` set (list elements by index).

    Raises ``KeyError(key, reason)`` when a path cannot be followed (a list index out of range,
    or a path through a value that is not a table). Unknown final keys are left for validation
    to reject, so that they are reported like any other unknown key.
    """
    out = copy.deepcopy(raw)
    for key, value in overrides.items():
        parts = _key_parts(key)
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
