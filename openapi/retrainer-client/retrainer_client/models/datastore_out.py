from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="DatastoreOut")


@_attrs_define
class DatastoreOut:
    """
    Attributes:
        created_at (datetime.datetime):
        description (None | str):
        id (str):
        name (str):
        endpoint_url (None | str | Unset):
        has_credentials (bool | Unset): Credentials of its own are stored (never shown) Default: False.
        kind (str | Unset):  Default: 'local'.
        region (None | str | Unset):
        url (None | str | Unset): s3://bucket/prefix (kind s3)
    """

    created_at: datetime.datetime
    description: None | str
    id: str
    name: str
    endpoint_url: None | str | Unset = UNSET
    has_credentials: bool | Unset = False
    kind: str | Unset = "local"
    region: None | str | Unset = UNSET
    url: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        description: None | str
        description = self.description

        id = self.id

        name = self.name

        endpoint_url: None | str | Unset
        if isinstance(self.endpoint_url, Unset):
            endpoint_url = UNSET
        else:
            endpoint_url = self.endpoint_url

        has_credentials = self.has_credentials

        kind = self.kind

        region: None | str | Unset
        if isinstance(self.region, Unset):
            region = UNSET
        else:
            region = self.region

        url: None | str | Unset
        if isinstance(self.url, Unset):
            url = UNSET
        else:
            url = self.url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "description": description,
                "id": id,
                "name": name,
            }
        )
        if endpoint_url is not UNSET:
            field_dict["endpoint_url"] = endpoint_url
        if has_credentials is not UNSET:
            field_dict["has_credentials"] = has_credentials
        if kind is not UNSET:
            field_dict["kind"] = kind
        if region is not UNSET:
            field_dict["region"] = region
        if url is not UNSET:
            field_dict["url"] = url

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))

        id = d.pop("id")

        name = d.pop("name")

        def _parse_endpoint_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        endpoint_url = _parse_endpoint_url(d.pop("endpoint_url", UNSET))

        has_credentials = d.pop("has_credentials", UNSET)

        kind = d.pop("kind", UNSET)

        def _parse_region(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        region = _parse_region(d.pop("region", UNSET))

        def _parse_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        url = _parse_url(d.pop("url", UNSET))

        datastore_out = cls(
            created_at=created_at,
            description=description,
            id=id,
            name=name,
            endpoint_url=endpoint_url,
            has_credentials=has_credentials,
            kind=kind,
            region=region,
            url=url,
        )

        datastore_out.additional_properties = d
        return datastore_out

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
