"""Leaders' other time (K28; A41, A89, A90; INV-L11).

A leader's block away from the desk while on duty — research, a reception, an external
meeting, an event — is logged as ``leader.engaged`` from ``start`` to its time. The leader
does no document work meanwhile: no piece of the leader's own desk work (from its ``start``
to its end) overlaps one of the leader's blocks. Restated over the log only.
"""

from __future__ import annotations

import numpy as np

from govsim.checks.context import EPS, LogContext, Violation
from govsim.checks.registry import invariant
from govsim.checks.views import rows
from govsim.checks.vocab import ENGAGED, LEADER_WORK

FAMILY = "leave"


@invariant("INV-L11", article="A89", family=FAMILY)
def inv_l11(ctx: LogContext) -> list[Violation]:
    """K28 (A41, A89, A90): a leader busy away from the desk — 调研, receiving visitors, an
    external meeting, an event — does no document work meanwhile: no act of the leader's own
    desk work (``start`` to its time) overlaps one of the leader's ``leader.engaged`` blocks."""
    blocks = rows(ctx, *ENGAGED)
    if blocks.empty:
        return []
    work = rows(ctx, *LEADER_WORK)
    by_actor = work.groupby(work["actor"].astype(object), sort=False).indices
    index, cases = work.index.to_numpy(), work["case"].to_numpy()
    begun, done = work["start"].to_numpy(), work["time"].to_numpy()
    names = work["activity"].astype(str).to_numpy()
    out = []
    for person, frame in blocks.groupby(blocks["actor"].astype(object), sort=True):
        pos = by_actor.get(person)
        if pos is None:
            continue
        b0 = frame["start"].to_numpy()[:, None]
        b1 = frame["time"].to_numpy()[:, None]
        hit = (begun[pos][None, :] < b1 - EPS) & (done[pos][None, :] > b0 + EPS)
        for k in np.unique(np.nonzero(hit)[1]):
            i = pos[k]
            msg = f"{person} worked ({names[i]}) during a block away from the desk"
            out.append(Violation("INV-L11", "A89", int(cases[i]), msg, (int(index[i]),)))
    return out
