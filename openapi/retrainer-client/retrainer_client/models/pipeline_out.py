from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.pipeline_out_layout_type_0 import PipelineOutLayoutType0
    from ..models.pipeline_out_parameters import PipelineOutParameters
    from ..models.pipeline_out_steps import PipelineOutSteps


T = TypeVar("T", bound="PipelineOut")


@_attrs_define
class PipelineOut:
    """
    Attributes:
        created_at (datetime.datetime):
        description (None | str):
        digest (str):
        id (str):
        layout (None | PipelineOutLayoutType0): Where the studio draws each step; null: laid out automatically
        name (str):
        parameters (PipelineOutParameters):
        steps (PipelineOutSteps):
        updated_at (datetime.datetime):
    """

    created_at: datetime.datetime
    description: None | str
    digest: str
    id: str
    layout: None | PipelineOutLayoutType0
    name: str
    parameters: PipelineOutParameters
    steps: PipelineOutSteps
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.pipeline_out_layout_type_0 import PipelineOutLayoutType0  # noqa: PLC0415

        created_at = self.created_at.isoformat()

        description: None | str
        description = self.description

        digest = self.digest

        id = self.id

        layout: dict[str, Any] | None
        if isinstance(self.layout, PipelineOutLayoutType0):
            layout = self.layout.to_dict()
        else:
            layout = self.layout

        name = self.name

        parameters = self.parameters.to_dict()

        steps = self.steps.to_dict()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "description": description,
                "digest": digest,
                "id": id,
                "layout": layout,
                "name": name,
                "parameters": parameters,
                "steps": steps,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.pipeline_out_layout_type_0 import PipelineOutLayoutType0  # noqa: PLC0415
        from ..models.pipeline_out_parameters import PipelineOutParameters  # noqa: PLC0415
        from ..models.pipeline_out_steps import PipelineOutSteps  # noqa: PLC0415

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))

        digest = d.pop("digest")

        id = d.pop("id")

        def _parse_layout(data: object) -> None | PipelineOutLayoutType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                layout_type_0 = PipelineOutLayoutType0.from_dict(data)

                return layout_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PipelineOutLayoutType0, data)

        layout = _parse_layout(d.pop("layout"))

        name = d.pop("name")

        parameters = PipelineOutParameters.from_dict(d.pop("parameters"))

        steps = PipelineOutSteps.from_dict(d.pop("steps"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        pipeline_out = cls(
            created_at=created_at,
            description=description,
            digest=digest,
            id=id,
            layout=layout,
            name=name,
            parameters=parameters,
            steps=steps,
            updated_at=updated_at,
        )

        pipeline_out.additional_properties = d
        return pipeline_out

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
