from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.gate import Gate
    from ..models.monitor import Monitor


T = TypeVar("T", bound="DeploymentCreate")


@_attrs_define
class DeploymentCreate:
    """
    Attributes:
        model (str): A registered model's name
        name (str): Unique in the workspace; the prediction route's name
        enabled (bool | Unset):  Default: True.
        follow (bool | Unset): Move to each new version of the model that passes the gate Default: False.
        gate (Gate | None | Unset): With follow: true (default gate when left out)
        monitor (Monitor | None | Unset): Log predictions and measure drift (null: not)
        version (int | None | Unset): The version to serve; with follow: the first champion (default: the latest)
    """

    model: str
    name: str
    enabled: bool | Unset = True
    follow: bool | Unset = False
    gate: Gate | None | Unset = UNSET
    monitor: Monitor | None | Unset = UNSET
    version: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.gate import Gate  # noqa: PLC0415
        from ..models.monitor import Monitor  # noqa: PLC0415

        model = self.model

        name = self.name

        enabled = self.enabled

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

        field_dict.update(
            {
                "model": model,
                "name": name,
            }
        )
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
        model = d.pop("model")

        name = d.pop("name")

        enabled = d.pop("enabled", UNSET)

        follow = d.pop("follow", UNSET)

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

        deployment_create = cls(
            model=model,
            name=name,
            enabled=enabled,
            follow=follow,
            gate=gate,
            monitor=monitor,
            version=version,
        )

        return deployment_create
