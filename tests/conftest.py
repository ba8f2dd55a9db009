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
