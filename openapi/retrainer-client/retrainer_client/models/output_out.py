from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="OutputOut")


@_attrs_define
class OutputOut:
    """
    Attributes:
        media_type (str):
        port (str):
        sha256 (str):
        size (int):
        step (str):
        type_ (str):
        url (str):
    """

    media_type: str
    port: str
    sha256: str
    size: int
    step: str
    type_: str
    url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        media_type = self.media_type

        port = self.port

        sha256 = self.sha256

        size = self.size

        step = self.step

        type_ = self.type_

        url = self.url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "media_type": media_type,
                "port": port,
                "sha256": sha256,
                "size": size,
                "step": step,
                "type": type_,
                "url": url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        media_type = d.pop("media_type")

        port = d.pop("port")

        sha256 = d.pop("sha256")

        size = d.pop("size")

        step = d.pop("step")

        type_ = d.pop("type")

        url = d.pop("url")

        output_out = cls(
            media_type=media_type,
            port=port,
            sha256=sha256,
            size=size,
            step=step,
            type_=type_,
            url=url,
        )

        output_out.additional_properties = d
        return output_out

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
