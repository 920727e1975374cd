"""Triggers: runs of an endpoint started by a schedule or by new data."""
