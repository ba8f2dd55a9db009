"""Small scenarios built as dicts and validated like files, for tests."""

from __future__ import annotations

import copy
from typing import Any

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


def make_scenario(raw: dict[str, Any]) -> Scenario:
    """Validate ``raw`` as a scenario (keeping it for overrides)."""
    sc = Scenario.model_validate(raw)
    sc._raw = copy.deepcopy(raw)
    return sc
