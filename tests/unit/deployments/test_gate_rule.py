"""The rule that holds a gate whose rows cannot judge: the champion, accepted by someone
allowed to deploy it, scores below chance on them or far below its own recorded score."""

from __future__ import annotations

import pytest

from app.deployments.gate import MAX_CHAMPION_DROP, incomparable, recorded_score

BINARY = ["no", "yes"]


@pytest.mark.parametrize(("metric", "champion", "recorded", "classes", "says"), [
    ("roc_auc", 0.057, 0.9, BINARY, "below chance (0.50)"),  # labels flipped
    ("roc_auc", 0.49, None, BINARY, "below chance"),  # no recorded score: chance still holds
    ("balanced_accuracy", 0.30, None, ["a", "b", "c"], "below chance (0.33)"),
    ("accuracy", 0.15, 0.85, BINARY, "0.7000 below the 0.8500 it scored on its own test split"),
    ("roc_auc", 0.62, 0.91, BINARY, "below the 0.9100"),
    ("r2", 0.1, 0.6, None, "below the 0.6000"),
    ("roc_auc", float("nan"), 0.9, BINARY, "below chance"),
])
def test_rows_the_champion_cannot_score_well_hold_the_gate(metric, champion, recorded, classes, says):
    why = incomparable(metric, champion, recorded, classes)
    assert why is not None and says in why and "check the rows" in why


@pytest.mark.parametrize(("metric", "champion", "recorded", "classes"), [
    ("roc_auc", 0.90, 0.91, BINARY),
    ("roc_auc", 0.91 - MAX_CHAMPION_DROP, 0.91, BINARY),  # exactly the allowed drop
    ("accuracy", 0.30, None, BINARY),  # no chance level for accuracy, nothing recorded
    ("f1", 0.10, 0.90, BINARY),  # f1 at training may name another positive class: not compared
    ("r2", -0.5, None, None),
])
def test_rows_the_champion_scores_as_usual_are_judged(metric, champion, recorded, classes):
    assert incomparable(metric, champion, recorded, classes) is None


def test_the_recorded_score_is_a_number_or_nothing():
    assert recorded_score({"roc_auc": 0.9, "accuracy": True}, "roc_auc") == 0.9
    assert recorded_score({"accuracy": True}, "accuracy") is None
    assert recorded_score(None, "roc_auc") is None
    assert recorded_score({"roc_auc": "0.9"}, "roc_auc") is None
