from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.dry_run_out_parameters import DryRunOutParameters


T = TypeVar("T", bound="DryRunOut")


@_attrs_define
class DryRunOut:
    """
    Attributes:
        endpoint_id (str):
        parameters (DryRunOutParameters): Every value a run would use, defaults included
        pipeline_digest (str):
        version (int):
    """

    endpoint_id: str
    parameters: DryRunOutParameters
    pipeline_digest: str
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        endpoint_id = self.endpoint_id

        parameters = self.parameters.to_dict()

        pipeline_digest = self.pipeline_digest

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "endpoint_id": endpoint_id,
                "parameters": parameters,
                "pipeline_digest": pipeline_digest,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dry_run_out_parameters import DryRunOutParameters  # noqa: PLC0415

        d = dict(src_dict)
        endpoint_id = d.pop("endpoint_id")

        parameters = DryRunOutParameters.from_dict(d.pop("parameters"))

        pipeline_digest = d.pop("pipeline_digest")

        version = d.pop("version")

        dry_run_out = cls(
            endpoint_id=endpoint_id,
            parameters=parameters,
            pipeline_digest=pipeline_digest,
            version=version,
        )

        dry_run_out.additional_properties = d
        return dry_run_out

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
