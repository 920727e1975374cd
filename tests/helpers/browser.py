"""Browser test constants shared by tests/browser (the fixtures are in its conftest.py)."""

from __future__ import annotations

LAPTOP = {"width": 1366, "height": 820}
PHONE = {"width": 390, "height": 844}
