from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.pipeline_spec_layout_type_0 import PipelineSpecLayoutType0
    from ..models.pipeline_spec_parameters import PipelineSpecParameters
    from ..models.pipeline_spec_steps import PipelineSpecSteps


T = TypeVar("T", bound="PipelineSpec")


@_attrs_define
class PipelineSpec:
    """What a user writes: parameters and a graph of steps. A draft may have no steps yet
    (the studio starts from an empty one); running or publishing it is refused.

        Attributes:
            name (str):
            description (None | str | Unset):
            layout (None | PipelineSpecLayoutType0 | Unset): Where the studio draws each step ({step: {x, y}}, pixels from
                the top left); only steps of this pipeline; ignored by execution and by the digest
            parameters (PipelineSpecParameters | Unset):
            steps (PipelineSpecSteps | Unset):
    """

    name: str
    description: None | str | Unset = UNSET
    layout: None | PipelineSpecLayoutType0 | Unset = UNSET
    parameters: PipelineSpecParameters | Unset = UNSET
    steps: PipelineSpecSteps | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.pipeline_spec_layout_type_0 import PipelineSpecLayoutType0  # noqa: PLC0415

        name = self.name

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        layout: dict[str, Any] | None | Unset
        if isinstance(self.layout, Unset):
            layout = UNSET
        elif isinstance(self.layout, PipelineSpecLayoutType0):
            layout = self.layout.to_dict()
        else:
            layout = self.layout

        parameters: dict[str, Any] | Unset = UNSET
        if not isinstance(self.parameters, Unset):
            parameters = self.parameters.to_dict()

        steps: dict[str, Any] | Unset = UNSET
        if not isinstance(self.steps, Unset):
            steps = self.steps.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if layout is not UNSET:
            field_dict["layout"] = layout
        if parameters is not UNSET:
            field_dict["parameters"] = parameters
        if steps is not UNSET:
            field_dict["steps"] = steps

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.pipeline_spec_layout_type_0 import PipelineSpecLayoutType0  # noqa: PLC0415
        from ..models.pipeline_spec_parameters import PipelineSpecParameters  # noqa: PLC0415
        from ..models.pipeline_spec_steps import PipelineSpecSteps  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_layout(data: object) -> None | PipelineSpecLayoutType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                layout_type_0 = PipelineSpecLayoutType0.from_dict(data)

                return layout_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PipelineSpecLayoutType0 | Unset, data)

        layout = _parse_layout(d.pop("layout", UNSET))

        _parameters = d.pop("parameters", UNSET)
        parameters: PipelineSpecParameters | Unset
        if isinstance(_parameters, Unset):
            parameters = UNSET
        else:
            parameters = PipelineSpecParameters.from_dict(_parameters)

        _steps = d.pop("steps", UNSET)
        steps: PipelineSpecSteps | Unset
        if isinstance(_steps, Unset):
            steps = UNSET
        else:
            steps = PipelineSpecSteps.from_dict(_steps)

        pipeline_spec = cls(
            name=name,
            description=description,
            layout=layout,
            parameters=parameters,
            steps=steps,
        )

        return pipeline_spec
