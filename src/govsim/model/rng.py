"""Named random streams (DESIGN: Randomness).

Replication ``r`` of every variant uses ``SeedSequence(seed, spawn_key=(r,))``; each random
source draws from its own child, keyed by a stable hash of the source's name. Variants are
therefore compared on common random numbers, and results depend neither on the number of
workers nor on the order in which replications finish.
"""

from __future__ import annotations

import zlib

import numpy as np


class Streams:
    """Lazily created, independently seeded generators, one per named source."""

    def __init__(self, seed: int, replication: int) -> None:
        self.seed, self.replication = seed, replication
        self._streams: dict[str, np.random.Generator] = {}

    @staticmethod
    def sequence(seed: int, replication: int, name: str) -> np.random.SeedSequence:
        """The seed sequence of stream ``name``: a child of the replication's sequence."""
        return np.random.SeedSequence(seed, spawn_key=(replication, zlib.crc32(name.encode())))

    def __getitem__(self, name: str) -> np.random.Generator:
        gen = self._streams.get(name)
        if gen is None:
            gen = np.random.Generator(
                np.random.PCG64(self.sequence(self.seed, self.replication, name))
            )
            self._streams[name] = gen
        return gen
