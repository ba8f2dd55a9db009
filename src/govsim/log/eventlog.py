"""The event log: the contract between the simulation and everything downstream.

Metrics, invariant checks and exports read only this log (plus the static organisation and
calendar), never the simulation's objects, so a real OA-system log converted to the same
schema can be measured and audited with the same code (DESIGN: Data flow).

Storage is columnar and typed (``array.array``), about 46 bytes per event. The schema is
data in :mod:`govsim.log.schema`: the columns of :meth:`EventLog.to_frame` (one row per event,
in the order events happened: ``time``, ``case``, ``case_type``, ``activity``, ``actor``,
``on_behalf``, ``target``, ``outcome``, ``deadline``, ``start``, ``value``, ``reason``) and of
:meth:`EventLog.cases_frame`, and for each activity who acts, whether it names a target or sets
a deadline, its allowed outcomes and reasons, the meaning of its ``value`` and its article.
This module stores codes; the vocabularies (:data:`ACTIVITIES`, :data:`OUTCOMES`,
:data:`REASONS`, :data:`CASE_TYPES`, …) are the schema's, in its order.

The case table (:meth:`EventLog.cases_frame`) has one row per case: ``case``, ``case_type``,
``sender``, ``matter`` (department whose portfolio the matter is in), ``major``,
``poor_quality`` (at first submission), ``mayor_only`` (A61(2)–(4) items), ``created``,
and for ledger items ``source`` (``instruction``, ``key_task``, ``audit`` or ``meeting``;
missing for other cases) and ``parent`` (the case the item comes from, e.g. the instruction's
document; −1 if none). For documents (:mod:`govsim.model.documents`,
:mod:`govsim.model.drafts`) also ``channel`` (``go``, or the A55 direct channel it used,
:data:`CHANNELS`), ``complex`` (A59 「特别复杂的事项」), ``lead_limit_wd`` (countersign limit
the lead department set, in working days; 0 = none, A59 「除主办部门另有时限要求外」),
``topic`` (what an outgoing document is, :data:`TOPICS`; ``none`` otherwise),
``meeting_decided`` (decided at a government meeting, A61(6)), ``urgent`` (special or urgent,
A61(7); for upward documents the instruction's urgency) and ``wide_ranging`` (涉及面广,
A61(5)); for outgoing documents ``matter`` is the drafting department. ``carried`` marks a
case open at a warm start's cut and carried into the run (:mod:`govsim.model.warm`).

An ``absence`` case has the absent person as ``sender`` and ``matter``; its events are the
leave and substitution events. A ledger item's ``sender`` is who raised it (the instructing
leader, else the GO) and its ``matter`` the department that owns it; a ``ledger_cadence``
case has the department or leader as both.

Topic events (``topic.*``, ``meeting.decision``) are on the case of the request they come
from, with ``value`` = the meeting's case where the event names a meeting; the members
expected at a meeting are its roster in the organisation (A44–A46), and the absent ones are
the actors of its ``meeting_leave.requested`` events addressed to the mayor (or the executive
VM acting for the mayor); observers address theirs to the GO.
"""

from __future__ import annotations

import struct
from array import array
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from govsim.log.schema import (
    ACTIVITIES,
    CASE_TYPES,
    CHANNELS,
    LEDGER_SOURCES,
    OUTCOMES,
    REASONS,
    TOPICS,
)

if TYPE_CHECKING:  # pandas is imported when a frame is made: simulating does not need it
    import pandas as pd


class Activity:
    """Integer codes of :data:`ACTIVITIES`, as attributes (``Activity.GO_RECEIVED``)."""


class Outcome:
    """Integer codes of :data:`OUTCOMES` (``Outcome.PASS``)."""


class Reason:
    """Integer codes of :data:`REASONS` (``Reason.MULTI_MATTER``)."""


for _code, _name in enumerate(ACTIVITIES):
    setattr(Activity, _name.replace(".", "_").upper(), _code)
for _code, _name in enumerate(OUTCOMES):
    setattr(Outcome, _name.upper(), _code)
for _code, _name in enumerate(REASONS):
    setattr(Reason, _name.upper(), _code)
REASON_CODE: dict[str, int] = {name: code for code, name in enumerate(REASONS)}
CHANNEL_CODE: dict[str, int] = {name: code for code, name in enumerate(CHANNELS)}
TOPIC_CODE: dict[str, int] = {name: code for code, name in enumerate(TOPICS)}

NONE = -1
"""Code of a missing actor, target or outcome (a missing value in :meth:`EventLog.to_frame`)."""

_BLOCK = 1024  # events (and cases) buffered before they are moved into the typed columns
_NAN = float("nan")


def _row_format(typecodes: str) -> tuple[struct.Struct, np.dtype]:
    """A packed row of the given ``array`` typecodes, and the NumPy dtype that reads it."""
    row = struct.Struct("=" + typecodes)
    dtype = np.dtype([(f"c{j}", "=" + code) for j, code in enumerate(typecodes)])
    if row.size != dtype.itemsize or row.size != sum(array(c).itemsize for c in typecodes):
        raise RuntimeError(f"packed rows of {typecodes!r} do not match the typed arrays")
    return row, dtype


# Event columns: time, case, activity, actor, on_behalf, target, outcome, deadline, start,
# value, reason. Case columns: in the order of a case row (see EventLog.new_case).
_EVENT_ROW, _EVENT_DTYPE = _row_format("dihhhhbdddb")
_CASE_ROW, _CASE_DTYPE = _row_format("bdhhbbbbibbhbbbbb")
_pack_event, _pack_case = _EVENT_ROW.pack, _CASE_ROW.pack
_EVENT_BLOCK_BYTES, _CASE_BLOCK_BYTES = _BLOCK * _EVENT_ROW.size, _BLOCK * _CASE_ROW.size


class EventLog:
    """Append-only columnar event log of one replication.

    ``actors`` fixes the actor vocabulary (index = code), normally the organisation's
    :attr:`~govsim.core.org.Organisation.actors`.
    """

    def __init__(self, actors: Sequence[str]) -> None:
        self.actors = tuple(actors)
        self._time = array("d")
        self._case = array("i")
        self._activity = array("h")
        self._actor = array("h")
        self._on_behalf = array("h")
        self._target = array("h")
        self._outcome = array("b")
        self._deadline = array("d")
        self._start = array("d")
        self._value = array("d")
        self._reason = array("b")
        self._columns = (
            self._time,
            self._case,
            self._activity,
            self._actor,
            self._on_behalf,
            self._target,
            self._outcome,
            self._deadline,
            self._start,
            self._value,
            self._reason,
        )
        # Each event is packed into one binary row (a single C call converts all its fields:
        # the simulator's hot path) appended to a buffer, whose columns are moved to the typed
        # columns a block at a time. Cases likewise.
        self._rows = bytearray()
        self._case_type = array("b")
        self._case_sender = array("h")
        self._case_matter = array("h")
        self._case_major = array("b")
        self._case_poor = array("b")
        self._case_mayor_only = array("b")
        self._case_created = array("d")
        self._case_source = array("b")
        self._case_parent = array("i")
        self._case_channel = array("b")
        self._case_complex = array("b")
        self._case_lead_limit = array("h")
        self._case_topic = array("b")
        self._case_meeting = array("b")
        self._case_urgent = array("b")
        self._case_wide = array("b")
        self._case_carried = array("b")
        self._case_columns = (  # in the order of a buffered case row (see new_case)
            self._case_type,
            self._case_created,
            self._case_sender,
            self._case_matter,
            self._case_major,
            self._case_poor,
            self._case_mayor_only,
            self._case_source,
            self._case_parent,
            self._case_channel,
            self._case_complex,
            self._case_lead_limit,
            self._case_topic,
            self._case_meeting,
            self._case_urgent,
            self._case_wide,
            self._case_carried,
        )
        self._case_rows = bytearray()
        self._n_cases = 0

    def __len__(self) -> int:
        return len(self._time) + len(self._rows) // _EVENT_ROW.size

    @staticmethod
    def _move(buffer: bytearray, dtype: np.dtype, columns: tuple[array, ...]) -> None:
        """Append the packed rows in ``buffer`` to ``columns``, field by field; empty it."""
        if buffer:
            rows = np.frombuffer(buffer, dtype=dtype)
            for name, column in zip(dtype.names, columns, strict=True):
                column.frombytes(rows[name].tobytes())
            del rows  # release the buffer before resizing it
            buffer.clear()

    def _flush(self) -> None:
        """Move the buffered events into the typed columns."""
        self._move(self._rows, _EVENT_DTYPE, self._columns)

    def _flush_cases(self) -> None:
        """Move the buffered cases into the typed case columns."""
        self._move(self._case_rows, _CASE_DTYPE, self._case_columns)

    @property
    def n_cases(self) -> int:
        """Number of cases created."""
        return self._n_cases

    def new_case(
        self,
        case_type: int,
        created: float,
        sender: int,
        matter: int,
        major: bool,
        poor: bool,
        mayor_only: bool = False,
        *,
        source: int = NONE,
        parent: int = -1,
        channel: int = 0,
        complex_: bool = False,
        lead_limit_wd: int = 0,
        topic: int = 0,
        meeting_decided: bool = False,
        urgent: bool = False,
        wide_ranging: bool = False,
        carried: bool = False,
    ) -> int:
        """Register a case and return its id (``source`` indexes :data:`LEDGER_SOURCES`,
        ``channel`` :data:`CHANNELS`, ``topic`` :data:`TOPICS`; see the module docstring)."""
        rows = self._case_rows
        rows += _pack_case(
            case_type,
            created,
            sender,
            matter,
            major,
            poor,
            mayor_only,
            source,
            parent,
            channel,
            complex_,
            lead_limit_wd,
            topic,
            meeting_decided,
            urgent,
            wide_ranging,
            carried,
        )
        if len(rows) >= _CASE_BLOCK_BYTES:
            self._flush_cases()
        case = self._n_cases
        self._n_cases = case + 1
        return case

    def add(
        self,
        time: float,
        case: int,
        activity: int,
        actor: int,
        on_behalf: int = NONE,
        target: int = NONE,
        outcome: int = NONE,
        deadline: float = _NAN,
        start: float = _NAN,
        value: float = _NAN,
        reason: int = NONE,
    ) -> None:
        """Append one event (codes as in :data:`ACTIVITIES`, :data:`OUTCOMES`,
        :data:`REASONS` and ``actors``)."""
        rows = self._rows
        rows += _pack_event(
            time,
            case,
            activity,
            actor,
            on_behalf,
            target,
            outcome,
            deadline,
            start,
            value,
            reason,
        )
        if len(rows) >= _EVENT_BLOCK_BYTES:
            self._flush()

    @property
    def nbytes(self) -> int:
        """Bytes of the event columns (the case table excluded), as stored once flushed."""
        self._flush()
        return sum(c.itemsize * len(c) for c in self._columns)

    def _cat(self, codes: array, names: Sequence[str]) -> pd.Categorical:
        import pandas as pd

        return pd.Categorical.from_codes(np.frombuffer(codes, dtype=codes.typecode), names)

    def to_frame(self) -> pd.DataFrame:
        """The events as a DataFrame (schema in the module docstring)."""
        import pandas as pd

        self._flush()
        self._flush_cases()
        case = np.frombuffer(self._case, dtype=np.int32)
        case_type_codes = np.frombuffer(self._case_type, dtype=np.int8)
        actor_names = list(self.actors)
        return pd.DataFrame(
            {
                "time": np.frombuffer(self._time, dtype=np.float64).copy(),
                "case": case.copy(),
                "case_type": pd.Categorical.from_codes(case_type_codes[case], CASE_TYPES),
                "activity": self._cat(self._activity, ACTIVITIES),
                "actor": self._cat(self._actor, actor_names),
                "on_behalf": self._cat(self._on_behalf, actor_names),
                "target": self._cat(self._target, actor_names),
                "outcome": self._cat(self._outcome, OUTCOMES),
                "deadline": np.frombuffer(self._deadline, dtype=np.float64).copy(),
                "start": np.frombuffer(self._start, dtype=np.float64).copy(),
                "value": np.frombuffer(self._value, dtype=np.float64).copy(),
                "reason": self._cat(self._reason, REASONS),
            }
        )

    def cases_frame(self) -> pd.DataFrame:
        """One row per case (schema in the module docstring)."""
        import pandas as pd

        self._flush_cases()
        actor_names = list(self.actors)
        return pd.DataFrame(
            {
                "case": np.arange(self.n_cases, dtype=np.int32),
                "case_type": self._cat(self._case_type, CASE_TYPES),
                "sender": self._cat(self._case_sender, actor_names),
                "matter": self._cat(self._case_matter, actor_names),
                "major": np.frombuffer(self._case_major, dtype=np.int8).astype(bool),
                "poor_quality": np.frombuffer(self._case_poor, dtype=np.int8).astype(bool),
                "mayor_only": np.frombuffer(self._case_mayor_only, dtype=np.int8).astype(bool),
                "created": np.frombuffer(self._case_created, dtype=np.float64).copy(),
                "source": self._cat(self._case_source, LEDGER_SOURCES),
                "parent": np.frombuffer(self._case_parent, dtype=np.int32).copy(),
                "channel": self._cat(self._case_channel, CHANNELS),
                "complex": self._flag(self._case_complex),
                "lead_limit_wd": np.frombuffer(self._case_lead_limit, dtype=np.int16).copy(),
                "topic": self._cat(self._case_topic, TOPICS),
                "meeting_decided": self._flag(self._case_meeting),
                "urgent": self._flag(self._case_urgent),
                "wide_ranging": self._flag(self._case_wide),
                "carried": self._flag(self._case_carried),
            }
        )

    @staticmethod
    def _flag(codes: array) -> np.ndarray:
        return np.frombuffer(codes, dtype=np.int8).astype(bool)
