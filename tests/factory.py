"""Small scenarios built as dicts and validated like files, for tests, and a hypothesis
generator of whole scenarios (:func:`scenario_dicts`) that the property tests share."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from govsim.scenario.models import Scenario


def fixed(**kw: float) -> dict[str, Any]:
    """A fixed duration, e.g. ``fixed(hours=2)`` → ``{dist = "fixed", value_hours = 2}``."""
    ((unit, value),) = kw.items()
    return {"dist": "fixed", f"value_{unit}": value}


BASE: dict[str, Any] = {
    "scenario": {"name": "tiny", "start": "2024-09-23", "horizon_days": 30},
    "calendar": {"kind": "cn_official"},
    "leaders": [
        {"id": "mayor", "role": "mayor", "portfolio": ["d_b"]},
        {
            "id": "vm_exec",
            "role": "executive_vice_mayor",
            "portfolio": ["d_a"],
            "substitute": "mayor",
        },
        {"id": "sg", "role": "secretary_general"},
    ],
    "departments": [
        {"id": "d_a", "name": "甲局"},
        {"id": "d_b", "name": "乙局"},
        {"id": "c1", "name": "某县", "kind": "county"},
    ],
    "general_office": {
        "reviewers": 1,
        "review": fixed(hours=2),
        "transfer": fixed(minutes=30),
        "revise": fixed(days=1),
    },
    "leader_work": {"approve": fixed(minutes=60), "read": fixed(minutes=30), "document_share": 1.0},
    "instructions": {
        "p_request": 0.0,
        "p_report": 0.0,
        "p_urgent": 0.0,
        "deadline_working_days": 3,
        "reply": fixed(days=2),
    },
    "load": {"poisson": False, "p_poor_quality": 0.0, "p_poor_after_revision": 0.0, "p_major": 0.0},
    "experiment": {"replications": 1, "seed": 1},
}


def countersigned_request_raw(base_raw: dict[str, Any], **countersign: Any) -> dict[str, Any]:
    """``base_raw`` (changed in place) with one request from d_a on Fri 2024-09-27 16:00
    touching d_b's powers; d_b needs 10 working days to reply (fixed), so without an
    extension the countersign is deemed (A59)."""
    base_raw["countersign"] = {
        "p_cross_dept_request": 1.0,
        "n_codepts_weights": [1.0],
        "p_complex": 0.0,
        "p_object": 0.0,
        "p_extension": 0.0,
        "response": fixed(days=10),
        **countersign,
    }
    base_raw["leader_work"]["co_review"] = fixed(minutes=30)
    base_raw["load"]["scheduled"] = [
        {"at": "2024-09-27T16:00:00", "kind": "request", "sender": "d_a"},
    ]
    return base_raw


def make_scenario(raw: dict[str, Any]) -> Scenario:
    """Validate ``raw`` as a scenario (keeping it for overrides)."""
    sc = Scenario.model_validate(raw)
    sc._raw = copy.deepcopy(raw)
    return sc


DISTS = st.sampled_from(["exponential", "lognormal", "gamma", "triangular", "uniform", "fixed"])


@st.composite
def durations(draw: st.DrawFn, unit: str, low: float, high: float) -> dict[str, Any]:
    """A duration distribution of any family with its mean in ``[low, high]`` ``unit``."""
    family = draw(DISTS)
    mean = draw(st.floats(low, high))
    if family == "exponential":
        return {"dist": family, f"mean_{unit}": mean}
    if family in ("lognormal", "gamma"):
        return {"dist": family, f"mean_{unit}": mean, "cv": draw(st.floats(0.1, 1.5))}
    if family == "triangular":
        return {
            "dist": family,
            f"low_{unit}": mean / 2,
            f"mode_{unit}": mean,
            f"high_{unit}": mean * 2,
        }
    if family == "uniform":
        return {"dist": family, f"low_{unit}": mean / 2, f"high_{unit}": mean * 1.5}
    return {"dist": family, f"value_{unit}": mean}


@st.composite
def scenario_dicts(
    draw: st.DrawFn,
    *,
    name: str = "prop",
    max_vm: int = 4,
    max_dept: int = 8,
    max_county: int = 3,
    horizon: tuple[int, int] = (10, 60),
    reviewers: tuple[int, int] = (1, 3),
    review_hours: float = 3.0,
    transfer_minutes: float = 60.0,
    revise_days: float = 3.0,
    reply_days: float = 8.0,
    max_rate: float = 4.0,
    max_scale: float = 3.0,
) -> dict[str, Any]:
    """A small but complete scenario: 1…``max_vm`` vice mayors (the first executive), up to
    ``max_dept`` departments in random portfolios, counties, any calendar kind, any
    distribution families, every probability drawn."""
    n_vm = draw(st.integers(1, max_vm))
    depts = [f"d{i}" for i in range(draw(st.integers(1, max_dept)))]
    vms = ["vm_exec", *[f"vm{i}" for i in range(1, n_vm)]]
    holders = ["mayor", *vms, "sg"]
    owner = {d: draw(st.sampled_from(holders)) for d in depts}
    roles = [
        ("mayor", "mayor"),
        *[(v, "executive_vice_mayor" if v == "vm_exec" else "vice_mayor") for v in vms],
        ("sg", "secretary_general"),
    ]
    leaders = [
        {"id": h, "role": r, "portfolio": [d for d in depts if owner[d] == h]} for h, r in roles
    ]
    return {
        "scenario": {
            "name": name,
            "start": draw(st.dates(dt.date(2024, 1, 1), dt.date(2025, 10, 1))),
            "horizon_days": draw(st.integers(*horizon)),
        },
        "calendar": {"kind": draw(st.sampled_from(["cn_official", "weekdays", "continuous"]))},
        "leaders": leaders,
        "departments": [{"id": d} for d in depts]
        + [{"id": f"c{i}", "kind": "county"} for i in range(draw(st.integers(0, max_county)))],
        "general_office": {
            "reviewers": draw(st.integers(*reviewers)),
            "review": draw(durations("hours", 0.2, review_hours)),
            "transfer": draw(durations("minutes", 5, transfer_minutes)),
            "revise": draw(durations("days", 0.2, revise_days)),
            "max_resubmissions": draw(st.integers(0, 3)),
        },
        "leader_work": {
            "approve": draw(durations("minutes", 5, 90)),
            "read": draw(durations("minutes", 5, 60)),
            "document_share": draw(st.floats(0.2, 1.0)),
        },
        "instructions": {
            "p_request": draw(st.floats(0, 1)),
            "p_report": draw(st.floats(0, 1)),
            "p_urgent": draw(st.floats(0, 1)),
            "deadline_working_days": draw(st.integers(1, 10)),
            "urgent_deadline_working_days": draw(st.integers(1, 5)),
            "reply": draw(durations("days", 0.5, reply_days)),
        },
        "load": {
            "scale": draw(st.floats(0.2, max_scale)),
            "request_per_dept_per_week": draw(st.floats(0.0, max_rate)),
            "report_per_dept_per_week": draw(st.floats(0.0, max_rate)),
            "p_major": draw(st.floats(0, 1)),
            "p_poor_quality": draw(st.floats(0, 0.6)),
            "p_poor_after_revision": draw(st.floats(0, 0.6)),
        },
        "experiment": {"seed": draw(st.integers(0, 2**32))},
    }


def short_default_scenario(folder: Path, days: int, name: str = "short.toml") -> Path:
    """The default scenario (``scenarios/jining.toml``) with a ``days`` horizon, written to
    ``folder``."""
    text = (Path(__file__).resolve().parents[1] / "scenarios" / "jining.toml").read_text(
        encoding="utf-8"
    )
    path = folder / name
    path.write_text(text.replace("horizon_days = 365", f"horizon_days = {days}"), encoding="utf-8")
    return path


def mmc_day(name: str) -> str:
    """The ``[scenario]`` head of a one-day run of the M/M/c office (``scenarios/mmc.toml``,
    no warm-up): what the design, sensitivity and search tests build on."""
    base = (Path(__file__).resolve().parents[1] / "scenarios" / "mmc.toml").as_posix()
    return (
        f'[scenario]\nname = "{name}"\nbase = "{base}"\nstart = 2025-01-01\n'
        "horizon_days = 1\nwarmup_days = 0\n"
    )
