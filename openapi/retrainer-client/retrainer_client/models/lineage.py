from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.data_input import DataInput
    from ..models.lineage_parameters import LineageParameters


T = TypeVar("T", bound="Lineage")


@_attrs_define
class Lineage:
    """
    Attributes:
        data (list[DataInput]):
        endpoint_id (None | str):
        endpoint_version (int | None):
        parameters (LineageParameters):
        pipeline_digest (str):
        pipeline_id (None | str):
        run_id (str):
        step (str):
    """

    data: list[DataInput]
    endpoint_id: None | str
    endpoint_version: int | None
    parameters: LineageParameters
    pipeline_digest: str
    pipeline_id: None | str
    run_id: str
    step: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)

        endpoint_id: None | str
        endpoint_id = self.endpoint_id

        endpoint_version: int | None
        endpoint_version = self.endpoint_version

        parameters = self.parameters.to_dict()

        pipeline_digest = self.pipeline_digest

        pipeline_id: None | str
        pipeline_id = self.pipeline_id

        run_id = self.run_id

        step = self.step

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data": data,
                "endpoint_id": endpoint_id,
                "endpoint_version": endpoint_version,
                "parameters": parameters,
                "pipeline_digest": pipeline_digest,
                "pipeline_id": pipeline_id,
                "run_id": run_id,
                "step": step,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.data_input import DataInput  # noqa: PLC0415
        from ..models.lineage_parameters import LineageParameters  # noqa: PLC0415

        d = dict(src_dict)
        data = []
        _data = d.pop("data")
        for data_item_data in _data:
            data_item = DataInput.from_dict(data_item_data)

            data.append(data_item)

        def _parse_endpoint_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        endpoint_id = _parse_endpoint_id(d.pop("endpoint_id"))

        def _parse_endpoint_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        endpoint_version = _parse_endpoint_version(d.pop("endpoint_version"))

        parameters = LineageParameters.from_dict(d.pop("parameters"))

        pipeline_digest = d.pop("pipeline_digest")

        def _parse_pipeline_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        pipeline_id = _parse_pipeline_id(d.pop("pipeline_id"))

        run_id = d.pop("run_id")

        step = d.pop("step")

        lineage = cls(
            data=data,
            endpoint_id=endpoint_id,
            endpoint_version=endpoint_version,
            parameters=parameters,
            pipeline_digest=pipeline_digest,
            pipeline_id=pipeline_id,
            run_id=run_id,
            step=step,
        )

        lineage.additional_properties = d
        return lineage

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
