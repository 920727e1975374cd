from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="AzureDataPath")


@_attrs_define
class AzureDataPath:
    """A file in one of the workspace's datastores: datastore://DataStoreName/RelativePath.

    Attributes:
        data_store_name (str): The datastore's name, e.g. `default`
        relative_path (str): The file's path in the datastore
    """

    data_store_name: str
    relative_path: str

    def to_dict(self) -> dict[str, Any]:
        data_store_name = self.data_store_name

        relative_path = self.relative_path

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "DataStoreName": data_store_name,
                "RelativePath": relative_path,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        data_store_name = d.pop("DataStoreName")

        relative_path = d.pop("RelativePath")

        azure_data_path = cls(
            data_store_name=data_store_name,
            relative_path=relative_path,
        )

        return azure_data_path
