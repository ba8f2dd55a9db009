"""Plain limits of a scenario file, importable without pydantic.

The command line declares its options with them (``govsim run --seed``) before any scenario
is read, so this module stays free of heavy imports and ``govsim --help`` starts quickly.

Each limit is far beyond any real scenario of a city government and is there so that a
mistaken or hostile file ends in one clear message instead of a crash, a hang or a machine
out of memory: a file is read only if it is a regular file of modest size, nesting is bounded
(the parsers recurse), a chain of ``base`` files is short, and an experiment's number of
design points is bounded unless the user asks for more.
"""

from __future__ import annotations

MAX_SEED = 2**63 - 1  # seeds are stored as 64-bit integers in the results
MAX_FILE_BYTES = 4 * 1024 * 1024  # a scenario file (the default scenario is ~15 KB)
MAX_NESTING = 32  # levels of tables and arrays (the default scenario uses 4)
MAX_BASE_CHAIN = 16  # files in a chain of scenario.base
MAX_DESIGN_POINTS = 1000  # variants × sweep points; --max-points raises it
MAX_EXPECTED_DOCUMENTS = 2_000_000  # documents one replication is expected to simulate
MAX_RATE_PER_WEEK = 1_000_000.0  # any single rate or multiplier of [load] or [[departments]]
MAX_RUN_NAME = 100  # characters of a --run folder name
