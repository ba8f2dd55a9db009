"""The SimPy world: agents that work in office hours and the document lifecycles."""

from govsim.model.world import World, simulate

__all__ = ["World", "simulate"]
