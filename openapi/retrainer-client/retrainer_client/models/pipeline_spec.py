from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.pipeline_spec_parameters import PipelineSpecParameters
    from ..models.pipeline_spec_steps import PipelineSpecSteps


T = TypeVar("T", bound="PipelineSpec")


@_attrs_define
class PipelineSpec:
    """What a user writes: parameters and a graph of steps.

    Attributes:
        name (str):
        steps (PipelineSpecSteps):
        description (None | str | Unset):
        parameters (PipelineSpecParameters | Unset):
    """

    name: str
    steps: PipelineSpecSteps
    description: None | str | Unset = UNSET
    parameters: PipelineSpecParameters | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        steps = self.steps.to_dict()

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        parameters: dict[str, Any] | Unset = UNSET
        if not isinstance(self.parameters, Unset):
            parameters = self.parameters.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "steps": steps,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if parameters is not UNSET:
            field_dict["parameters"] = parameters

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.pipeline_spec_parameters import PipelineSpecParameters  # noqa: PLC0415
        from ..models.pipeline_spec_steps import PipelineSpecSteps  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        steps = PipelineSpecSteps.from_dict(d.pop("steps"))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        _parameters = d.pop("parameters", UNSET)
        parameters: PipelineSpecParameters | Unset
        if isinstance(_parameters, Unset):
            parameters = UNSET
        else:
            parameters = PipelineSpecParameters.from_dict(_parameters)

        pipeline_spec = cls(
            name=name,
            steps=steps,
            description=description,
            parameters=parameters,
        )

        return pipeline_spec
