"""From a log to a scenario and back: distances between logs, and fitting a scenario's
rates, shares and efforts to an event log (simulated, or converted from an OA system)."""

from govsim.fit.distances import MEASURES, compare_frames, log_distances

__all__ = ["MEASURES", "compare_frames", "log_distances"]
