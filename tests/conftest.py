"""Shared fixtures."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from factory import BASE


@pytest.fixture
def base_raw() -> dict[str, Any]:
    """A fresh deep copy of the tiny deterministic scenario."""
    return copy.deepcopy(BASE)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``slow`` (long statistical studies) run only when asked for with
    ``pytest -m slow``; each has a small default version that always runs."""
    if "slow" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="long run: select it with pytest -m slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
