from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.gate import Gate
    from ..models.input_column import InputColumn
    from ..models.monitor import Monitor


T = TypeVar("T", bound="DeploymentOut")


@_attrs_define
class DeploymentOut:
    """
    Attributes:
        classes (list[Any] | None):
        created_at (datetime.datetime):
        enabled (bool):
        follow (bool):
        gate (Gate | None):
        id (str): The runs a drift episode submits name it as their trigger (GET /runs?trigger_id=)
        input_schema (list[InputColumn]): The columns a row must hold, recorded at training
        label_column (None | str):
        model (str):
        monitor (Monitor | None):
        name (str):
        predict_url (str):
        task (None | str): classification or regression
        updated_at (datetime.datetime):
        version (int): The version serving now
    """

    classes: list[Any] | None
    created_at: datetime.datetime
    enabled: bool
    follow: bool
    gate: Gate | None
    id: str
    input_schema: list[InputColumn]
    label_column: None | str
    model: str
    monitor: Monitor | None
    name: str
    predict_url: str
    task: None | str
    updated_at: datetime.datetime
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.gate import Gate  # noqa: PLC0415
        from ..models.monitor import Monitor  # noqa: PLC0415

        classes: list[Any] | None
        if isinstance(self.classes, list):
            classes = self.classes

        else:
            classes = self.classes

        created_at = self.created_at.isoformat()

        enabled = self.enabled

        follow = self.follow

        gate: dict[str, Any] | None
        if isinstance(self.gate, Gate):
            gate = self.gate.to_dict()
        else:
            gate = self.gate

        id = self.id

        input_schema = []
        for input_schema_item_data in self.input_schema:
            input_schema_item = input_schema_item_data.to_dict()
            input_schema.append(input_schema_item)

        label_column: None | str
        label_column = self.label_column

        model = self.model

        monitor: dict[str, Any] | None
        if isinstance(self.monitor, Monitor):
            monitor = self.monitor.to_dict()
        else:
            monitor = self.monitor

        name = self.name

        predict_url = self.predict_url

        task: None | str
        task = self.task

        updated_at = self.updated_at.isoformat()

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "classes": classes,
                "created_at": created_at,
                "enabled": enabled,
                "follow": follow,
                "gate": gate,
                "id": id,
                "input_schema": input_schema,
                "label_column": label_column,
                "model": model,
                "monitor": monitor,
                "name": name,
                "predict_url": predict_url,
                "task": task,
                "updated_at": updated_at,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.gate import Gate  # noqa: PLC0415
        from ..models.input_column import InputColumn  # noqa: PLC0415
        from ..models.monitor import Monitor  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_classes(data: object) -> list[Any] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                classes_type_0 = cast(list[Any], data)

                return classes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Any] | None, data)

        classes = _parse_classes(d.pop("classes"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        enabled = d.pop("enabled")

        follow = d.pop("follow")

        def _parse_gate(data: object) -> Gate | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                gate_type_0 = Gate.from_dict(data)

                return gate_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Gate | None, data)

        gate = _parse_gate(d.pop("gate"))

        id = d.pop("id")

        input_schema = []
        _input_schema = d.pop("input_schema")
        for input_schema_item_data in _input_schema:
            input_schema_item = InputColumn.from_dict(input_schema_item_data)

            input_schema.append(input_schema_item)

        def _parse_label_column(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        label_column = _parse_label_column(d.pop("label_column"))

        model = d.pop("model")

        def _parse_monitor(data: object) -> Monitor | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                monitor_type_0 = Monitor.from_dict(data)

                return monitor_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Monitor | None, data)

        monitor = _parse_monitor(d.pop("monitor"))

        name = d.pop("name")

        predict_url = d.pop("predict_url")

        def _parse_task(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        task = _parse_task(d.pop("task"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        version = d.pop("version")

        deployment_out = cls(
            classes=classes,
            created_at=created_at,
            enabled=enabled,
            follow=follow,
            gate=gate,
            id=id,
            input_schema=input_schema,
            label_column=label_column,
            model=model,
            monitor=monitor,
            name=name,
            predict_url=predict_url,
            task=task,
            updated_at=updated_at,
            version=version,
        )

        deployment_out.additional_properties = d
        return deployment_out

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
