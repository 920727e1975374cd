from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.parameter_spec_type import ParameterSpecType
from ..types import UNSET, Unset

T = TypeVar("T", bound="ParameterSpec")


@_attrs_define
class ParameterSpec:
    """
    Attributes:
        type_ (ParameterSpecType):
        choices (list[float | int | str] | None | Unset): enum only
        default (Any | Unset):
        description (None | str | Unset):
        maximum (float | None | Unset): integer and number only
        minimum (float | None | Unset): integer and number only
    """

    type_: ParameterSpecType
    choices: list[float | int | str] | None | Unset = UNSET
    default: Any | Unset = UNSET
    description: None | str | Unset = UNSET
    maximum: float | None | Unset = UNSET
    minimum: float | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_.value

        choices: list[float | int | str] | None | Unset
        if isinstance(self.choices, Unset):
            choices = UNSET
        elif isinstance(self.choices, list):
            choices = []
            for choices_type_0_item_data in self.choices:
                choices_type_0_item: float | int | str
                choices_type_0_item = choices_type_0_item_data
                choices.append(choices_type_0_item)

        else:
            choices = self.choices

        default = self.default

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        maximum: float | None | Unset
        if isinstance(self.maximum, Unset):
            maximum = UNSET
        else:
            maximum = self.maximum

        minimum: float | None | Unset
        if isinstance(self.minimum, Unset):
            minimum = UNSET
        else:
            minimum = self.minimum

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
            }
        )
        if choices is not UNSET:
            field_dict["choices"] = choices
        if default is not UNSET:
            field_dict["default"] = default
        if description is not UNSET:
            field_dict["description"] = description
        if maximum is not UNSET:
            field_dict["maximum"] = maximum
        if minimum is not UNSET:
            field_dict["minimum"] = minimum

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = ParameterSpecType(d.pop("type"))

        def _parse_choices(data: object) -> list[float | int | str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                choices_type_0 = []
                _choices_type_0 = data
                for choices_type_0_item_data in _choices_type_0:

                    def _parse_choices_type_0_item(data: object) -> float | int | str:
                        return cast(float | int | str, data)

                    choices_type_0_item = _parse_choices_type_0_item(choices_type_0_item_data)

                    choices_type_0.append(choices_type_0_item)

                return choices_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[float | int | str] | None | Unset, data)

        choices = _parse_choices(d.pop("choices", UNSET))

        default = d.pop("default", UNSET)

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_maximum(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        maximum = _parse_maximum(d.pop("maximum", UNSET))

        def _parse_minimum(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        minimum = _parse_minimum(d.pop("minimum", UNSET))

        parameter_spec = cls(
            type_=type_,
            choices=choices,
            default=default,
            description=description,
            maximum=maximum,
            minimum=minimum,
        )

        return parameter_spec
