from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.version_out_layout_type_0 import VersionOutLayoutType0
    from ..models.version_out_parameters import VersionOutParameters
    from ..models.version_out_steps_type_0 import VersionOutStepsType0


T = TypeVar("T", bound="VersionOut")


@_attrs_define
class VersionOut:
    """
    Attributes:
        created_at (datetime.datetime):
        description (None | str):
        endpoint_id (str):
        endpoint_name (str):
        is_default (bool):
        parameters (VersionOutParameters):
        pipeline_digest (str):
        pipeline_id (str):
        published_pipeline_id (str): This version's id for Azure ML callers: POST
            /pipelines/v1.0/.../PipelineRuns/PipelineSubmit/{published_pipeline_id}
        steps (None | VersionOutStepsType0): The version's full step definitions; null unless the token has
            pipelines:read
        version (int):
        layout (None | Unset | VersionOutLayoutType0): Where the studio drew each step when it was published (with steps
            only)
    """

    created_at: datetime.datetime
    description: None | str
    endpoint_id: str
    endpoint_name: str
    is_default: bool
    parameters: VersionOutParameters
    pipeline_digest: str
    pipeline_id: str
    published_pipeline_id: str
    steps: None | VersionOutStepsType0
    version: int
    layout: None | Unset | VersionOutLayoutType0 = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.version_out_layout_type_0 import VersionOutLayoutType0  # noqa: PLC0415
        from ..models.version_out_steps_type_0 import VersionOutStepsType0  # noqa: PLC0415

        created_at = self.created_at.isoformat()

        description: None | str
        description = self.description

        endpoint_id = self.endpoint_id

        endpoint_name = self.endpoint_name

        is_default = self.is_default

        parameters = self.parameters.to_dict()

        pipeline_digest = self.pipeline_digest

        pipeline_id = self.pipeline_id

        published_pipeline_id = self.published_pipeline_id

        steps: dict[str, Any] | None
        if isinstance(self.steps, VersionOutStepsType0):
            steps = self.steps.to_dict()
        else:
            steps = self.steps

        version = self.version

        layout: dict[str, Any] | None | Unset
        if isinstance(self.layout, Unset):
            layout = UNSET
        elif isinstance(self.layout, VersionOutLayoutType0):
            layout = self.layout.to_dict()
        else:
            layout = self.layout

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "description": description,
                "endpoint_id": endpoint_id,
                "endpoint_name": endpoint_name,
                "is_default": is_default,
                "parameters": parameters,
                "pipeline_digest": pipeline_digest,
                "pipeline_id": pipeline_id,
                "published_pipeline_id": published_pipeline_id,
                "steps": steps,
                "version": version,
            }
        )
        if layout is not UNSET:
            field_dict["layout"] = layout

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.version_out_layout_type_0 import VersionOutLayoutType0  # noqa: PLC0415
        from ..models.version_out_parameters import VersionOutParameters  # noqa: PLC0415
        from ..models.version_out_steps_type_0 import VersionOutStepsType0  # noqa: PLC0415

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))

        endpoint_id = d.pop("endpoint_id")

        endpoint_name = d.pop("endpoint_name")

        is_default = d.pop("is_default")

        parameters = VersionOutParameters.from_dict(d.pop("parameters"))

        pipeline_digest = d.pop("pipeline_digest")

        pipeline_id = d.pop("pipeline_id")

        published_pipeline_id = d.pop("published_pipeline_id")

        def _parse_steps(data: object) -> None | VersionOutStepsType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                steps_type_0 = VersionOutStepsType0.from_dict(data)

                return steps_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | VersionOutStepsType0, data)

        steps = _parse_steps(d.pop("steps"))

        version = d.pop("version")

        def _parse_layout(data: object) -> None | Unset | VersionOutLayoutType0:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                layout_type_0 = VersionOutLayoutType0.from_dict(data)

                return layout_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | VersionOutLayoutType0, data)

        layout = _parse_layout(d.pop("layout", UNSET))

        version_out = cls(
            created_at=created_at,
            description=description,
            endpoint_id=endpoint_id,
            endpoint_name=endpoint_name,
            is_default=is_default,
            parameters=parameters,
            pipeline_digest=pipeline_digest,
            pipeline_id=pipeline_id,
            published_pipeline_id=published_pipeline_id,
            steps=steps,
            version=version,
            layout=layout,
        )

        version_out.additional_properties = d
        return version_out

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
