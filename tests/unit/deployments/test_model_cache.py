"""Which models a full prediction cache keeps. The loader stands in for unpickling a model
file (test_deployments.py loads real ones); what is tested is the eviction rule."""

from __future__ import annotations

from app.core.settings import Settings
from app.deployments.serving import LoadedModel, ModelCache


def _cache(size: int) -> tuple[ModelCache, list[tuple[str, str, int]]]:
    loads: list[tuple[str, str, int]] = []

    def loader(_settings: Settings, key: tuple[str, str, int]) -> LoadedModel:  # type: ignore[override]
        loads.append(key)
        return LoadedModel(key[1], key[2], None, None, [])

    return ModelCache(size, loader), loads  # type: ignore[arg-type]


def _get(cache: ModelCache, key: tuple[str, str, int]) -> None:
    cache.get(None, key, lambda: key)  # type: ignore[arg-type, return-value]


def test_a_workspace_over_its_share_evicts_its_own_models() -> None:
    cache, loads = _cache(3)
    _get(cache, ("quiet", "m", 1))
    for _ in range(3):
        for version in range(1, 6):
            _get(cache, ("busy", "m", version))
    assert ("quiet", "m", 1) in cache.keys() and len(cache.keys()) == 3
    _get(cache, ("quiet", "m", 1))
    assert loads.count(("quiet", "m", 1)) == 1


def test_with_more_workspaces_than_places_the_least_recently_used_goes() -> None:
    cache, _ = _cache(2)
    for ws in ("a", "b", "c"):
        _get(cache, (ws, "m", 1))
    assert cache.keys() == [("b", "m", 1), ("c", "m", 1)]
    _get(cache, ("b", "m", 1))  # used again: now c is the least recent
    _get(cache, ("a", "m", 1))
    assert cache.keys() == [("b", "m", 1), ("a", "m", 1)]
