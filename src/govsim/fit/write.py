"""The fitted scenario as a TOML file: the base's file, with the fitted values over it.

The file names the base scenario (``[scenario] base``), so everything the fit did not
estimate stays exactly as the base has it (tables merge key by key); it sets only what was
fitted, each value followed by a comment with its sample size and interval. Units (the
``departments`` array) are written in full, since an array replaces the base's. The text is
written here rather than by a TOML library because a library would not keep a comment on
every value of an array.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from govsim.core.distributions import unit_minutes
from govsim.fit.fitting import MONTHS, Fit
from govsim.scenario.models import Scenario

__all__ = ["fitted_toml", "toml_value"]


def toml_value(value: Any) -> str:
    """A TOML literal: string, bool, number, date, array or inline table."""
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
    return f"{x:.6g}" if "e" not in f"{x:.6g}" else repr(x)


def _key(k: str) -> str:
    return k if k.replace("_", "").replace("-", "").isalnum() and k.isascii() else json.dumps(k)


def _duration(unit: str, fitted: Any, k: float) -> dict[str, Any]:
    """The fitted distribution as a scenario table in ``unit`` (``k`` minutes each)."""
    table: dict[str, Any] = {"dist": fitted.family, f"mean_{unit}": round(fitted.mean / k, 6)}
    if fitted.cv is not None:
        table["cv"] = round(fitted.cv, 4)
    return table


def _by_key(fit: Fit) -> dict[str, Any]:
    return {e.key: e for e in fit.estimates}


def _section_lines(fit: Fit, sc: Scenario, wmpd: float) -> dict[str, list[str]]:
    """``section → lines`` of the shares and efforts, each with its comment."""
    est = _by_key(fit)
    out: dict[str, list[str]] = {}
    for e in fit.estimates:
        section, name = e.key.split(".", 1)
        if "." in name:  # an effort's mean or cv: written once, as its distribution
            continue
        out.setdefault(section, []).append(f"{name} = {_float(round(e.value, 5))}  # {e.comment()}")
    for key, fitted in fit.durations.items():
        section, name = key.split(".")
        base = getattr(getattr(sc, section), name)
        mean = est[f"{key}.mean_minutes"]
        cv = est.get(f"{key}.cv")
        unit = base.unit if base is not None else "minutes"
        k = unit_minutes(unit, wmpd)
        note = f"n={fitted.n} ({fitted.n_censored} censored), {fitted.criteria()}; 95% CI"
        note += f" mean [{mean.low / k:.4g}, {mean.high / k:.4g}] {unit}"
        note += f", cv [{cv.low:.3g}, {cv.high:.3g}]" if cv is not None else ""
        table = toml_value(_duration(unit, fitted, k))
        out.setdefault(section, []).append(f"{name} = {table}  # {note} (Wald)")
    return out


def _seasonality_lines(fit: Fit, sc: Scenario) -> list[str]:
    base = sc.load.seasonality or [1.0] * 12
    lines = ["seasonality = ["]
    for m, e in enumerate(fit.seasonality):
        if e is None:
            lines.append(f"  {_float(base[m])},  # {MONTHS[m]}: not in the log, kept from the base")
        else:
            lines.append(f"  {_float(round(e.value, 4))},  # {MONTHS[m]}: {e.comment()}")
    return [*lines, "]"]


def _department_lines(fit: Fit, sc: Scenario) -> list[str]:
    """Every unit with its fitted rates (before ``load.scale`` and ``portfolio_scale``)."""
    raw = {d["id"]: d for d in getattr(sc, "_raw", {}).get("departments", [])}
    owner = {dept: ld.id for ld in sc.leaders for dept in ld.portfolio}
    lines = ["departments = ["]
    for d in sc.departments:
        entry = dict(raw.get(d.id, {"id": d.id, "name": d.name, "kind": d.kind}))
        factor = sc.load.scale * sc.load.portfolio_scale.get(owner.get(d.id, ""), 1.0)
        notes = []
        for kind in ("request", "report"):
            e = fit.rates.get((d.id, kind))
            if e is None or factor <= 0:
                continue
            entry[f"{kind}_per_week"] = round(e.value / factor, 4)
            notes.append(f"{kind} n={e.n} [{e.low:.3g}, {e.high:.3g}]")
        comment = f"  # {'; '.join(notes)}" if notes else ""
        lines.append(f"  {toml_value(entry)},{comment}")
    return [*lines, "]"]


def fitted_toml(fit: Fit, sc: Scenario, wmpd: float, base: str, source: str, name: str) -> str:
    """The fitted scenario's text over ``sc``, the base scenario (baseline) as loaded from
    its file: ``base`` is that file's path as the fitted file names it (relative to the
    fitted file's folder); ``wmpd`` the working minutes per working day of the calendar."""
    lines = [
        f"# Fitted by govsim fit from {source}, over the base scenario {base}.",
        "# Every fitted value is followed by its sample size and 95% interval; rates are",
        "# per working week before load.scale and load.portfolio_scale (exact Poisson",
        "# intervals), shares have exact binomial intervals, efforts Wald intervals.",
        "# Kept from the base (not estimated from this log):",
        *(f"#   {item}" for item in fit.kept),
        "",
    ]
    if fit.rates:
        lines += [*_department_lines(fit, sc), ""]
    lines += ["[scenario]", f"base = {toml_value(base)}", f"name = {toml_value(name)}", ""]
    sections = _section_lines(fit, sc, wmpd)
    if fit.seasonality:
        sections.setdefault("load", [])[:0] = _seasonality_lines(fit, sc)
    for section, body in sections.items():
        lines += [f"[{section}]", *body, ""]
    return "\n".join(lines)
