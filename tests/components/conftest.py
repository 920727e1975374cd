"""Fixtures of the component tests: only these, never the server fixtures of tests/conftest.py."""

from __future__ import annotations

import pytest
from threadpoolctl import threadpool_limits

from tests.components.helpers import make_ctx


@pytest.fixture(autouse=True, scope="module")
def _single_threaded_math():
    """One OpenMP/BLAS thread: HistGradientBoosting's OpenMP threads spin while they wait,
    and on a busy machine (other tests' servers) a 0.1 s fit can then take 20 s."""
    with threadpool_limits(limits=1):
        yield


@pytest.fixture
def step(tmp_path):
    """(ctx, log handler) on a datastore rooted at tmp_path/store."""
    root = tmp_path / "store"
    root.mkdir()
    return make_ctx(root)


@pytest.fixture
def ctx(step):
    return step[0]


@pytest.fixture
def store(step, tmp_path):
    """The datastore's root folder (datastore://default/<p> is store / <p>)."""
    return tmp_path / "store"
