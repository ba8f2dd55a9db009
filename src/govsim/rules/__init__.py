"""The regulation as pure functions, one article family per module; each cites its article.

The simulation calls these; :mod:`govsim.invariants` restates the same rules independently
over the event log, so a wrong rule function shows up as a violation.
"""
