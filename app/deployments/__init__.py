"""Deployments: a registered model behind a prediction route, pinned or following its
model's new versions through a gate that scores champion and challenger on the same rows."""
