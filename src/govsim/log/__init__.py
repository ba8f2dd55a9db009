"""The event log: the contract between the simulation and everything downstream.

:mod:`govsim.log.eventlog` is the columnar writer the simulation appends to, with the log's
vocabularies; :mod:`govsim.log.read` loads and validates a log from disk (simulated or
converted from an OA system). Importing this package loads NumPy only, not pandas.
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

__all__ = [
    "ACTIVITIES",
    "CASE_TYPES",
    "CHANNELS",
    "CHANNEL_CODE",
    "LEDGER_SOURCES",
    "NONE",
    "OUTCOMES",
    "REASONS",
    "REASON_CODE",
    "TOPICS",
    "TOPIC_CODE",
    "Activity",
    "EventLog",
    "Outcome",
    "Reason",
]
