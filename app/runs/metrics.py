"""The metrics people look at first. Clients list a run's metrics in this order, then the
others: `retrainer submit`'s summary line, and the studio, which reads the list from the
OpenAPI document (the HeadlineMetric schema) rather than keeping a copy.

Pure data. The terminal client (retrainer_cli) reads the same list from the spec, through
the generated client (retrainer_client.models.HeadlineMetric).
"""

from __future__ import annotations

HEADLINE_METRICS = ("roc_auc", "accuracy", "f1", "precision", "recall", "log_loss", "r2", "rmse", "mae")
