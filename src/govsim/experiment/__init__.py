"""Batch experiments: design points × replications, run in parallel, results to disk."""
