"""The overrides a ``[design]`` or ``[search]`` may apply, for checking before anything runs.

Each knob's extreme values (every value of a categorical knob), and the search's lowest and
highest settings together with its fixed overrides, are applied to the file and validated
like a variant, so an unknown knob or a bound the field cannot take is reported at the knob's
line (``FILE:LINE: path: message (in design)``) and the command exits with code 2.
"""

from __future__ import annotations

from typing import Any

from govsim.scenario.models import Scenario

Location = tuple[str | int, ...]
Overrides = dict[str, tuple[Location, Any]]


def knob_override_sets(sc: Scenario) -> list[tuple[str, Overrides]]:
    """Label and overrides of every value to check: design knob corners, search bounds."""
    sets: list[tuple[str, Overrides]] = []
    if sc.design is not None:
        for path, knob in sc.design.knobs.items():
            where: Location = ("design", "knobs", path)
            sets += [("design", {path: (where, value)}) for value in knob.corners()]
    if sc.search is not None:
        s = sc.search
        fixed = {k: (("search", "set", k), v) for k, v in s.set.items()}
        sets += [
            ("search", {**fixed, s.knob: (("search", "knob"), value)}) for value in (s.low, s.high)
        ]
    return sets
