from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="EndpointPatch")


@_attrs_define
class EndpointPatch:
    """
    Attributes:
        default_version (int | None | Unset):
        description (None | str | Unset):
        enabled (bool | None | Unset):
        max_concurrent_runs (int | None | Unset): At most this many of its runs run at once, across workers; the others
            wait, queued, and start in the order they were submitted. null: no limit
        queue (None | str | Unset): A queue of this workspace for this endpoint's runs (e.g. `gpu`), served by workers
            started with `retrainer worker --queue NAME --workspace WORKSPACE`; no other workspace's runs go there. null
            restores the service's queue (RETRAINER_QUEUE)
        time_limit_seconds (int | None | Unset): Time limit of this endpoint's runs, over the service's default; null
            restores the default
    """

    default_version: int | None | Unset = UNSET
    description: None | str | Unset = UNSET
    enabled: bool | None | Unset = UNSET
    max_concurrent_runs: int | None | Unset = UNSET
    queue: None | str | Unset = UNSET
    time_limit_seconds: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        default_version: int | None | Unset
        if isinstance(self.default_version, Unset):
            default_version = UNSET
        else:
            default_version = self.default_version

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        enabled: bool | None | Unset
        if isinstance(self.enabled, Unset):
            enabled = UNSET
        else:
            enabled = self.enabled

        max_concurrent_runs: int | None | Unset
        if isinstance(self.max_concurrent_runs, Unset):
            max_concurrent_runs = UNSET
        else:
            max_concurrent_runs = self.max_concurrent_runs

        queue: None | str | Unset
        if isinstance(self.queue, Unset):
            queue = UNSET
        else:
            queue = self.queue

        time_limit_seconds: int | None | Unset
        if isinstance(self.time_limit_seconds, Unset):
            time_limit_seconds = UNSET
        else:
            time_limit_seconds = self.time_limit_seconds

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if default_version is not UNSET:
            field_dict["default_version"] = default_version
        if description is not UNSET:
            field_dict["description"] = description
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if max_concurrent_runs is not UNSET:
            field_dict["max_concurrent_runs"] = max_concurrent_runs
        if queue is not UNSET:
            field_dict["queue"] = queue
        if time_limit_seconds is not UNSET:
            field_dict["time_limit_seconds"] = time_limit_seconds

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_default_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        default_version = _parse_default_version(d.pop("default_version", UNSET))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_enabled(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        enabled = _parse_enabled(d.pop("enabled", UNSET))

        def _parse_max_concurrent_runs(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_concurrent_runs = _parse_max_concurrent_runs(d.pop("max_concurrent_runs", UNSET))

        def _parse_queue(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        queue = _parse_queue(d.pop("queue", UNSET))

        def _parse_time_limit_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        time_limit_seconds = _parse_time_limit_seconds(d.pop("time_limit_seconds", UNSET))

        endpoint_patch = cls(
            default_version=default_version,
            description=description,
            enabled=enabled,
            max_concurrent_runs=max_concurrent_runs,
            queue=queue,
            time_limit_seconds=time_limit_seconds,
        )

        return endpoint_patch
