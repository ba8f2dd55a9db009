"""Plain limits of a scenario file, importable without pydantic.

The command line declares its options with them (``govsim run --seed``) before any scenario
is read, so this module stays free of heavy imports and ``govsim --help`` starts quickly.
"""

from __future__ import annotations

MAX_SEED = 2**63 - 1  # seeds are stored as 64-bit integers in the results
