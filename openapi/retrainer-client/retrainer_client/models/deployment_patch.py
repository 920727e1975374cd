from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.gate import Gate
    from ..models.monitor import Monitor


T = TypeVar("T", bound="DeploymentPatch")


@_attrs_define
class DeploymentPatch:
    """Fields left out are left as they are.

    Attributes:
        enabled (bool | None | Unset):
        follow (bool | None | Unset):
        gate (Gate | None | Unset):
        monitor (Monitor | None | Unset): null: stop logging predictions
        version (int | None | Unset): Serve this version now (lower than the current one: a rollback)
    """

    enabled: bool | None | Unset = UNSET
    follow: bool | None | Unset = UNSET
    gate: Gate | None | Unset = UNSET
    monitor: Monitor | None | Unset = UNSET
    version: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.gate import Gate  # noqa: PLC0415
        from ..models.monitor import Monitor  # noqa: PLC0415

        enabled: bool | None | Unset
        if isinstance(self.enabled, Unset):
            enabled = UNSET
        else:
            enabled = self.enabled

        follow: bool | None | Unset
        if isinstance(self.follow, Unset):
            follow = UNSET
        else:
            follow = self.follow

        gate: dict[str, Any] | None | Unset
        if isinstance(self.gate, Unset):
            gate = UNSET
        elif isinstance(self.gate, Gate):
            gate = self.gate.to_dict()
        else:
            gate = self.gate

        monitor: dict[str, Any] | None | Unset
        if isinstance(self.monitor, Unset):
            monitor = UNSET
        elif isinstance(self.monitor, Monitor):
            monitor = self.monitor.to_dict()
        else:
            monitor = self.monitor

        version: int | None | Unset
        if isinstance(self.version, Unset):
            version = UNSET
        else:
            version = self.version

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if follow is not UNSET:
            field_dict["follow"] = follow
        if gate is not UNSET:
            field_dict["gate"] = gate
        if monitor is not UNSET:
            field_dict["monitor"] = monitor
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.gate import Gate  # noqa: PLC0415
        from ..models.monitor import Monitor  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_enabled(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        enabled = _parse_enabled(d.pop("enabled", UNSET))

        def _parse_follow(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        follow = _parse_follow(d.pop("follow", UNSET))

        def _parse_gate(data: object) -> Gate | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                gate_type_0 = Gate.from_dict(data)

                return gate_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Gate | None | Unset, data)

        gate = _parse_gate(d.pop("gate", UNSET))

        def _parse_monitor(data: object) -> Monitor | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                monitor_type_0 = Monitor.from_dict(data)

                return monitor_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Monitor | None | Unset, data)

        monitor = _parse_monitor(d.pop("monitor", UNSET))

        def _parse_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        version = _parse_version(d.pop("version", UNSET))

        deployment_patch = cls(
            enabled=enabled,
            follow=follow,
            gate=gate,
            monitor=monitor,
            version=version,
        )

        return deployment_patch
