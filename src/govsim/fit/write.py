"""The fitted scenario as a TOML file: the base scenario, complete, with the fitted values.

The file is the base's data (with its own ``base`` files already merged in, so it stands
alone) in which every fitted value is replaced and followed by a comment with its sample
size and interval; everything the fit did not estimate is copied as the base has it. A
complete file rather than one inheriting from the base: a child's tables merge key by key
into the base's, so a fitted ``lognormal`` effort over a base ``triangular`` one would keep
the base's ``low_…`` keys. The text is written here rather than by a TOML library because a
library would not keep a comment on each element of an array (units, months).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
from typing import Any

from govsim.core.distributions import unit_minutes
from govsim.fit.families import FittedDuration
from govsim.fit.fitting import MONTHS, Fit
from govsim.scenario.models import Scenario

__all__ = ["fitted_toml", "scenario_text", "toml_value"]


def toml_value(value: Any) -> str:
    """A TOML literal on one line: string, bool, number, date, array or inline table."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, dict):
        inner = ", ".join(f"{_key(k)} = {toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _float(x: float) -> str:
    if not math.isfinite(x):
        raise ValueError(f"cannot write {x} in a scenario")
    text = repr(float(x))
    return text if ("." in text or "e" in text) else text + ".0"


def _key(k: str) -> str:
    bare = k.replace("_", "").replace("-", "").isalnum() and k.isascii()
    return k if bare else json.dumps(k)


def _duration(unit: str, fitted: FittedDuration, k: float) -> dict[str, Any]:
    """The fitted distribution as a scenario table in ``unit`` (``k`` minutes each)."""
    table: dict[str, Any] = {"dist": fitted.family, f"mean_{unit}": round(fitted.mean / k, 6)}
    if fitted.cv is not None:
        table["cv"] = round(fitted.cv, 4)
    return table


def _duration_note(fit: Fit, key: str, unit: str, k: float) -> str:
    fitted = fit.durations[key]
    est = {e.key: e for e in fit.estimates}
    mean, cv = est[f"{key}.mean_minutes"], est.get(f"{key}.cv")
    note = f"n={fitted.n} ({fitted.n_censored} censored), {fitted.criteria()}; 95% CI"
    note += f" mean [{mean.low / k:.4g}, {mean.high / k:.4g}] {unit}"
    note += f", cv [{cv.low:.3g}, {cv.high:.3g}]" if cv is not None else ""
    return note + " (Wald)"


def _lookup(sc: Scenario, path: list[str]) -> Any:
    """The value at a dotted path of the scenario (attributes, then mapping keys), or None."""
    value: Any = sc
    for part in path:
        value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
        if value is None:
            return None
    return value


def _table(raw: dict[str, Any], path: list[str]) -> dict[str, Any]:
    """The nested table at ``path`` of the raw data, created if missing."""
    for part in path:
        raw = raw.setdefault(part, {})
    return raw


def _apply(fit: Fit, raw: dict[str, Any], sc: Scenario, wmpd: float) -> dict[str, str]:
    """Put the fitted shares and efforts into ``raw``; returns ``dotted key → comment``."""
    notes: dict[str, str] = {}
    for dotted in fit.replaced:
        *path, name = dotted.split(".")
        _table(raw, path)[name] = {}
    for e in fit.estimates:
        *path, name = e.key.split(".")
        if ".".join(path) in fit.durations:  # an effort's mean or cv: written as its table
            continue
        _table(raw, path)[name] = round(e.value, 5)
        notes[e.key] = e.comment()
    for key in fit.durations:
        *path, name = key.split(".")
        base = _lookup(sc, [*path, name])
        unit = base.unit if base is not None else "days"
        k = unit_minutes(unit, wmpd)
        _table(raw, path)[name] = _duration(unit, fit.durations[key], k)
        notes[key] = _duration_note(fit, key, unit, k)
    return notes


def _seasonality(fit: Fit, raw: dict[str, Any], sc: Scenario) -> list[str]:
    """The fitted seasonality into ``raw``; its lines, one month each."""
    base = list(sc.load.seasonality or [1.0] * 12)
    values, lines = [], ["seasonality = ["]
    for m, e in enumerate(fit.seasonality):
        value = base[m] if e is None else round(e.value, 4)
        note = "not in the log, kept from the base" if e is None else e.comment()
        values.append(value)
        lines.append(f"  {_float(value)},  # {MONTHS[m]}: {note}")
    raw.setdefault("load", {})["seasonality"] = values
    return [*lines, "]"]


def _departments(fit: Fit, raw: dict[str, Any], sc: Scenario) -> list[str]:
    """Each unit's fitted rates (before ``load.scale`` and ``portfolio_scale``) into
    ``raw``; the array's lines, one unit each with its counts and intervals."""
    owner = {dept: ld.id for ld in sc.leaders for dept in ld.portfolio}
    entries = {d["id"]: d for d in raw.get("departments", [])}
    lines = ["departments = ["]
    for d in sc.departments:
        entry = entries.setdefault(d.id, {"id": d.id, "name": d.name, "kind": d.kind})
        factor = sc.load.scale * sc.load.portfolio_scale.get(owner.get(d.id, ""), 1.0)
        notes = []
        for kind in ("request", "report"):
            e = fit.rates.get((d.id, kind))
            if e is not None and factor > 0:
                entry[f"{kind}_per_week"] = round(e.value / factor, 4)
                notes.append(f"{kind} n={e.n} [{e.low:.3g}, {e.high:.3g}]")
        comment = f"  # {'; '.join(notes)}" if notes else ""
        lines.append(f"  {toml_value(entry)},{comment}")
    return [*lines, "]"]


def _array_lines(name: str, items: list[Any]) -> list[str]:
    return [f"{name} = [", *(f"  {toml_value(v)}," for v in items), "]"]


def _render(raw: dict[str, Any], notes: dict[str, str], special: dict[str, list[str]]) -> list[str]:
    """Top-level values first (TOML wants them before the first table), then one table per
    section; ``special`` holds ready lines for some keys (``load.seasonality`` …)."""
    lines: list[str] = []
    for key, value in raw.items():
        if key in special:
            lines += special[key]
        elif isinstance(value, list):
            lines += _array_lines(key, value)
        elif not isinstance(value, dict):
            lines.append(f"{_key(key)} = {toml_value(value)}")
    for section, table in raw.items():
        if not isinstance(table, dict):
            continue
        lines += ["", f"[{_key(section)}]"]
        for key, value in table.items():
            dotted = f"{section}.{key}"
            if dotted in special:
                lines += special[dotted]
                continue
            inner = [f"{k[len(dotted) + 1 :]}: {v}" for k, v in notes.items()
                     if k.startswith(dotted + ".")]  # fmt: skip
            note = notes.get(dotted) or "; ".join(inner)
            note = f"  # {note}" if note else ""
            lines.append(f"{_key(key)} = {toml_value(value)}{note}")
    return lines


def scenario_text(raw: dict[str, Any]) -> str:
    """A scenario's data (as parsed from TOML, e.g. :attr:`Scenario.raw`) as TOML text."""
    return "\n".join(_render(raw, {}, {})) + "\n"


def fitted_toml(fit: Fit, sc: Scenario, wmpd: float, base: str, source: str, name: str) -> str:
    """The fitted scenario's text: ``sc`` is the base scenario (its baseline) as loaded from
    the file ``base``; ``wmpd`` the working minutes per working day of its calendar."""
    raw = copy.deepcopy(sc.raw)
    raw.setdefault("scenario", {}).pop("base", None)
    raw["scenario"]["name"] = name
    notes = _apply(fit, raw, sc, wmpd)
    special: dict[str, list[str]] = {}
    if fit.seasonality:
        special["load.seasonality"] = _seasonality(fit, raw, sc)
    if fit.rates:
        special["departments"] = _departments(fit, raw, sc)
    header = [
        f"# Fitted by govsim fit from {source}; every other value is copied from {base}.",
        "# Each fitted value is followed by its sample size and 95% interval: rates per",
        "# working week before load.scale and load.portfolio_scale (exact Poisson), shares",
        "# (exact binomial; the countersign limits' shares by profile likelihood), efforts",
        f"# (Wald, maximum likelihood, family by {fit.criterion.upper()}).",
        "# Kept from the base (not estimated from this log):",
        *(f"#   {item}" for item in fit.kept),
        "",
    ]
    return "\n".join([*header, *_render(raw, notes, special)]) + "\n"
