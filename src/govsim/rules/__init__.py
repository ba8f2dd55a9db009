"""The regulation as pure functions, one article family per module; each cites its article.

``routing`` (A57, AMB-43), ``deadlines`` (A57, A59, AMB-45), ``countersign`` (A56, A59),
``intake`` (A55, A56, A59, A63), ``signing`` (A61, the signing matrix), ``legality`` (A20,
A21, A60).

The simulation calls these; :mod:`govsim.checks` restates the same rules independently
over the event log, so a wrong rule function shows up as a violation.
"""
