from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="VersionCreate")


@_attrs_define
class VersionCreate:
    """
    Attributes:
        pipeline_id (str): The draft pipeline to publish
        description (None | str | Unset):
        make_default (bool | Unset): Make it the default version (the first one always is) Default: False.
    """

    pipeline_id: str
    description: None | str | Unset = UNSET
    make_default: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        pipeline_id = self.pipeline_id

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        make_default = self.make_default

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "pipeline_id": pipeline_id,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if make_default is not UNSET:
            field_dict["make_default"] = make_default

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        pipeline_id = d.pop("pipeline_id")

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        make_default = d.pop("make_default", UNSET)

        version_create = cls(
            pipeline_id=pipeline_id,
            description=description,
            make_default=make_default,
        )

        return version_create
