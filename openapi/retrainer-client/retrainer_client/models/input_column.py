from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.input_column_kind import InputColumnKind

T = TypeVar("T", bound="InputColumn")


@_attrs_define
class InputColumn:
    """
    Attributes:
        kind (InputColumnKind): number: a JSON number (or null); category: a string or boolean (or null); any: a model
            registered before kinds were recorded
        name (str):
    """

    kind: InputColumnKind
    name: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind.value

        name = self.name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kind": kind,
                "name": name,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        kind = InputColumnKind(d.pop("kind"))

        name = d.pop("name")

        input_column = cls(
            kind=kind,
            name=name,
        )

        input_column.additional_properties = d
        return input_column

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
