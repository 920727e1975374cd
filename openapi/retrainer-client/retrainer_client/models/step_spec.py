from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.step_spec_inputs import StepSpecInputs
    from ..models.step_spec_settings import StepSpecSettings


T = TypeVar("T", bound="StepSpec")


@_attrs_define
class StepSpec:
    """
    Attributes:
        component (str):
        description (None | str | Unset):
        inputs (StepSpecInputs | Unset): input port -> "<step>.<port>" of an upstream step
        settings (StepSpecSettings | Unset):
    """

    component: str
    description: None | str | Unset = UNSET
    inputs: StepSpecInputs | Unset = UNSET
    settings: StepSpecSettings | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        component = self.component

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        inputs: dict[str, Any] | Unset = UNSET
        if not isinstance(self.inputs, Unset):
            inputs = self.inputs.to_dict()

        settings: dict[str, Any] | Unset = UNSET
        if not isinstance(self.settings, Unset):
            settings = self.settings.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "component": component,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if inputs is not UNSET:
            field_dict["inputs"] = inputs
        if settings is not UNSET:
            field_dict["settings"] = settings

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.step_spec_inputs import StepSpecInputs  # noqa: PLC0415
        from ..models.step_spec_settings import StepSpecSettings  # noqa: PLC0415

        d = dict(src_dict)
        component = d.pop("component")

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        _inputs = d.pop("inputs", UNSET)
        inputs: StepSpecInputs | Unset
        if isinstance(_inputs, Unset):
            inputs = UNSET
        else:
            inputs = StepSpecInputs.from_dict(_inputs)

        _settings = d.pop("settings", UNSET)
        settings: StepSpecSettings | Unset
        if isinstance(_settings, Unset):
            settings = UNSET
        else:
            settings = StepSpecSettings.from_dict(_settings)

        step_spec = cls(
            component=component,
            description=description,
            inputs=inputs,
            settings=settings,
        )

        return step_spec
