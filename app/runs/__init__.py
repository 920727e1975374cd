"""Runs: their states and transitions, submission, outputs, logs and cancellation."""
