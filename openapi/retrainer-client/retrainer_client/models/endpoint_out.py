from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="EndpointOut")


@_attrs_define
class EndpointOut:
    """
    Attributes:
        created_at (datetime.datetime):
        default_version (int | None):
        description (None | str):
        enabled (bool):
        id (str):
        latest_version (int | None):
        name (str):
        time_limit_seconds (int | None): Time limit of its runs; null: the service's default
        updated_at (datetime.datetime):
        max_concurrent_runs (int | None | Unset): Runs that may run at once; null: no limit
        queue (None | str | Unset): The workspace's queue of its runs; null: the service's
    """

    created_at: datetime.datetime
    default_version: int | None
    description: None | str
    enabled: bool
    id: str
    latest_version: int | None
    name: str
    time_limit_seconds: int | None
    updated_at: datetime.datetime
    max_concurrent_runs: int | None | Unset = UNSET
    queue: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        default_version: int | None
        default_version = self.default_version

        description: None | str
        description = self.description

        enabled = self.enabled

        id = self.id

        latest_version: int | None
        latest_version = self.latest_version

        name = self.name

        time_limit_seconds: int | None
        time_limit_seconds = self.time_limit_seconds

        updated_at = self.updated_at.isoformat()

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

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "default_version": default_version,
                "description": description,
                "enabled": enabled,
                "id": id,
                "latest_version": latest_version,
                "name": name,
                "time_limit_seconds": time_limit_seconds,
                "updated_at": updated_at,
            }
        )
        if max_concurrent_runs is not UNSET:
            field_dict["max_concurrent_runs"] = max_concurrent_runs
        if queue is not UNSET:
            field_dict["queue"] = queue

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_default_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        default_version = _parse_default_version(d.pop("default_version"))

        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))

        enabled = d.pop("enabled")

        id = d.pop("id")

        def _parse_latest_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        latest_version = _parse_latest_version(d.pop("latest_version"))

        name = d.pop("name")

        def _parse_time_limit_seconds(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        time_limit_seconds = _parse_time_limit_seconds(d.pop("time_limit_seconds"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

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

        endpoint_out = cls(
            created_at=created_at,
            default_version=default_version,
            description=description,
            enabled=enabled,
            id=id,
            latest_version=latest_version,
            name=name,
            time_limit_seconds=time_limit_seconds,
            updated_at=updated_at,
            max_concurrent_runs=max_concurrent_runs,
            queue=queue,
        )

        endpoint_out.additional_properties = d
        return endpoint_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
