"""The event log: the contract between the simulation and everything downstream.

:mod:`govsim.log.schema` is the schema as data (one specification per activity, the columns,
the vocabularies and named groups of activities); :mod:`govsim.log.eventlog` is the columnar
writer the simulation appends to; :mod:`govsim.log.read` loads and validates a log from disk
(simulated or converted from an OA system). Importing this package loads NumPy only, not
pandas.
"""

from govsim.log.eventlog import (
    ACTIVITIES,
    CASE_TYPES,
    CHANNEL_CODE,
    CHANNELS,
    LEDGER_SOURCES,
    NONE,
    OUTCOMES,
    REASON_CODE,
    REASONS,
    TOPIC_CODE,
    TOPICS,
    Activity,
    EventLog,
    Outcome,
    Reason,
)
from govsim.log.schema import ACTIVITY_SPECS, SPEC, ActivitySpec

__all__ = [
    "ACTIVITIES",
    "ACTIVITY_SPECS",
    "CASE_TYPES",
    "CHANNELS",
    "CHANNEL_CODE",
    "LEDGER_SOURCES",
    "NONE",
    "OUTCOMES",
    "REASONS",
    "REASON_CODE",
    "SPEC",
    "TOPICS",
    "TOPIC_CODE",
    "Activity",
    "ActivitySpec",
    "EventLog",
    "Outcome",
    "Reason",
]
